"""Entry point of the benchmark harness, which bench/run.sh runs after installing and building.

Runs every phase in turn, stops every server it started, saves the raw
results as JSON and writes the results page with report.py.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import phases  # noqa: E402
import report  # noqa: E402
import workloads as wl  # noqa: E402
from systems import find_moto_server  # noqa: E402

# Phases in run order. A failed tidings phase makes the run exit non-zero, but
# a failed or missing alternative is only reported.
PHASES = ["nginx", "tidings-async", "tidings-sync", "db_bench", "dynalite", "moto",
          "stream", "stream-readers", "pipeline-async", "pipeline-sync"]
REQUIRED = {"tidings-async", "tidings-sync", "stream", "pipeline-async", "pipeline-sync"}


def command_output(command):
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=30)
        return (completed.stdout + completed.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def mem_total_gib():
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def busy_processes(own_pid):
    """Return the processes using the most CPU right now, for the page's notes."""
    out = command_output(["ps", "-eo", "pid,ppid,pcpu,etimes,comm", "--sort=-pcpu", "--no-headers"])
    rows = []
    for line in out.splitlines():
        parts = line.split(None, 4)
        if len(parts) < 5:
            continue
        pid, ppid, pcpu, etimes, comm = parts
        if int(pid) == own_pid or int(ppid) == own_pid or comm in ("ps",):
            continue
        if float(pcpu) >= 5.0:
            rows.append({"pid": int(pid), "cpu_percent": float(pcpu), "command": comm,
                         "running_seconds": int(etimes)})
    return rows[:8]


def versions(root, moto_path):
    found = {}
    package = root / "bench" / "dynalite" / "node_modules" / "dynalite" / "package.json"
    if package.exists():
        found["dynalite"] = json.loads(package.read_text()).get("version", "")
    found["node"] = command_output(["node", "--version"])
    found["nginx"] = command_output(["nginx", "-v"]).replace("nginx version: ", "")
    if moto_path:
        interpreter = None
        real = Path(moto_path)
        if "shims" in real.parts:
            real = Path(command_output(["pyenv", "which", "moto_server"]) or moto_path)
        first = real.read_text(errors="replace").splitlines()[0] if real.exists() else ""
        if first.startswith("#!") and "python" in first:
            interpreter = first[2:].strip().split()[0]
        if interpreter:
            found["moto"] = command_output(
                [interpreter, "-c", "import moto; print(moto.__version__)"])
    commit = command_output(["git", "-C", str(root), "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"])
    found["tidings"] = commit + (" with uncommitted changes" if dirty else "")
    found["perf"] = command_output(["perf", "--version"])
    found["compiler"] = command_output(["c++", "--version"]).splitlines()[0] if shutil.which("c++") else ""
    return found


def machine():
    os_release = {}
    if Path("/etc/os-release").exists():
        for line in Path("/etc/os-release").read_text().splitlines():
            key, _, value = line.partition("=")
            os_release[key] = value.strip('"')
    return {
        "nproc": int(command_output(["nproc"]) or 0),
        "cpu_model": cpu_model(),
        "memory_gib": round(mem_total_gib(), 1),
        "kernel": platform.release(),
        "os": os_release.get("PRETTY_NAME", ""),
        "virtualization": command_output(["systemd-detect-virt"]) or "unknown",
    }


def raise_interrupt(signum, frame):
    """Unwind on SIGTERM as on Ctrl-C, so every `finally` stops its server."""
    raise KeyboardInterrupt


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2],
                        help="repository root")
    parser.add_argument("--smoke", action="store_true",
                        help="seconds-long run of every phase with tiny sizes")
    parser.add_argument("--out", type=Path,
                        help="results page to write (default docs/benchmarks.md, or "
                             "build-bench/bench-smoke/benchmarks.md with --smoke)")
    parser.add_argument("--skip", action="append", default=[], choices=PHASES,
                        help="phase to leave out (repeat the flag for several)")
    parser.add_argument("--build-dir", type=Path,
                        help="directory holding the tidings and tidings-load binaries "
                             "(default build-bench under the root)")
    parser.add_argument("--keep-workdir", action="store_true",
                        help="keep data directories and logs of the servers")
    parser.add_argument("--report-only", type=Path, metavar="RESULTS_JSON",
                        help="run nothing; rewrite the page and plot from the raw results of "
                             "an earlier run")
    return parser.parse_args()


def main():
    args = parse_args()
    root = args.root.resolve()
    mode = "smoke" if args.smoke else "full"
    sizes = phases.SMOKE if args.smoke else phases.FULL
    out = args.out or (root / "build-bench" / "bench-smoke" / "benchmarks.md" if args.smoke
                       else root / "docs" / "benchmarks.md")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    plot = out.parent / (out.stem + "-throughput.png")
    if args.report_only:
        raw = args.report_only.resolve()
        report.write_page(json.loads(raw.read_text()), out, plot, raw)
        print(f"wrote {out} and {plot} from {raw}")
        return 0

    signal.signal(signal.SIGTERM, raise_interrupt)

    workdir = Path(tempfile.mkdtemp(prefix="tidings-bench-"))
    started = time.monotonic()

    def log(line):
        print(f"[{time.monotonic() - started:6.1f}s] {line}", flush=True)

    build_dir = (args.build_dir or root / "build-bench").resolve()
    tool = wl.LoadTool(build_dir / "tidings-load", workdir)
    ctx = phases.Context(root=root, workdir=workdir, tidings=build_dir / "tidings",
                         tool=tool, sizes=sizes, log=log)
    moto_path = find_moto_server()
    shown_args = list(sys.argv[1:])
    for option in ("--root", "--build-dir"):
        if option in shown_args:
            index = shown_args.index(option)
            shown_args = shown_args[:index] + shown_args[index + 2:]
    results = {
        "mode": mode,
        "command": " ".join(["bench/run.sh"] + shown_args),
        "started_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(root, moto_path),
        "load_average_before": list(os.getloadavg()),
        "busy_before": busy_processes(os.getpid()),
        "sizes": sizes.__dict__,
        "phase_seconds": {},
        "failures": [],
    }
    log(f"mode {mode}, scratch directory {workdir}")

    runners = {
        "nginx": lambda: phases.run_nginx(ctx),
        "tidings-async": lambda: phases.run_tidings_async(ctx),
        "tidings-sync": lambda: phases.run_tidings_sync(ctx),
        "db_bench": lambda: phases.run_db_bench(ctx),
        "dynalite": lambda: phases.run_dynalite(ctx),
        "moto": lambda: phases.run_moto(ctx, moto_path),
        "stream": lambda: phases.run_stream_and_memory(ctx),
        "stream-readers": lambda: phases.run_stream_readers(ctx),
        "pipeline-async": lambda: phases.run_pipeline(ctx, "async"),
        "pipeline-sync": lambda: phases.run_pipeline(ctx, "sync"),
    }
    exit_code = 0
    try:
        for name in PHASES:
            if name in args.skip:
                results[name] = {"status": "skipped", "reason": "left out with --skip"}
                continue
            log(f"phase {name}")
            phase_start = time.monotonic()
            try:
                results[name] = runners[name]()
            except (RuntimeError, OSError, ValueError, KeyError, subprocess.SubprocessError,
                    wl.DynamoError) as error:
                message = f"{type(error).__name__}: {error}"
                log(f"  phase {name} failed: {message}")
                results[name] = {"status": "failed", "reason": message[:1500]}
                results["failures"].append(f"{name}: {message[:500]}")
                if name in REQUIRED:
                    exit_code = 1
            results["phase_seconds"][name] = round(time.monotonic() - phase_start, 1)
    finally:
        results["elapsed_seconds"] = round(time.monotonic() - started, 1)
        script_start = os.environ.get("TIDINGS_BENCH_STARTED_AT", "")
        if script_start.isdigit():
            results["script_elapsed_seconds"] = round(time.time() - int(script_start))
        results["load_average_after"] = list(os.getloadavg())
        results["busy_after"] = busy_processes(os.getpid())
        # The raw numbers stay in the build tree, because only the page and
        # the plot belong in docs/.
        raw = root / "build-bench" / f"bench-results-{mode}.json"
        raw.parent.mkdir(parents=True, exist_ok=True)
        results["raw_path"] = str(raw.relative_to(root))
        raw.write_text(json.dumps(results, indent=1))
        report.write_page(results, out, plot, raw)
        log(f"wrote {out}, {plot} and {raw}")
        if args.keep_workdir:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log(f"done in {results['elapsed_seconds']:.0f} s" +
        (f"; failed phases: {results['failures']}" if results["failures"] else ""))
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
