"""The benchmark phases. Each takes a Context and returns a JSON-ready dict."""

import http.client
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import workloads as wl
from systems import Dynalite, Moto, Nginx, Tidings, dynamodb_call, NGINX_BODY


@dataclass
class Sizes:
    """How long and how big each phase is, for the full and the smoke run."""

    warmup: float
    duration: float
    concurrency: tuple
    keyspace: int
    stream_records: int
    pipeline_seconds: float
    fanout_recipients: int
    fanout_repeats: int
    db_bench_seconds: int
    profile_seconds: float


FULL = Sizes(warmup=1.0, duration=4.0, concurrency=(1, 16, 64), keyspace=10_000,
             stream_records=1_000_000, pipeline_seconds=8.0, fanout_recipients=10_000,
             fanout_repeats=3, db_bench_seconds=8, profile_seconds=6.0)
SMOKE = Sizes(warmup=0.1, duration=0.3, concurrency=(1, 16), keyspace=200,
              stream_records=2_000, pipeline_seconds=0.6, fanout_recipients=10_000,
              fanout_repeats=1, db_bench_seconds=1, profile_seconds=0.8)

# A short tag per system keeps item keys near the 14 characters that
# workloads.PAYLOAD is sized for.
SYSTEM_TAGS = {"tidings-async": "a", "tidings-sync": "s", "dynalite": "d", "moto": "m",
               "nginx": "n"}


@dataclass
class Context:
    root: Path
    workdir: Path
    tidings: Path
    tool: wl.LoadTool
    sizes: Sizes
    log: object  # Callable(str) for progress lines.


def log_point(ctx, system, workload, connections, result):
    latency = result["latency_us"]
    ctx.log(f"  {system:14} {workload:15} c={connections:<3} {result['throughput']:10.0f} req/s"
            f"  p50 {latency['p50']:8.0f} us  p99 {latency['p99']:8.0f} us"
            f"  failed {result['failed']}")


# ---- request/response matrix ---------------------------------------------

def run_nginx(ctx):
    server = Nginx(ctx.workdir / "nginx", shutil.which("nginx") or "/usr/sbin/nginx")
    server.start()
    try:
        body = wl.put_body(wl.STREAM_TABLE)("n")
        points = {}
        for c in ctx.sizes.concurrency:
            result = ctx.tool.load(server.port, body, c, ctx.sizes.duration, ctx.sizes.warmup)
            wl.check_load(result, "nginx")
            log_point(ctx, "nginx", "fixed_226", c, result)
            points[str(c)] = result
        return {"status": "ok", "response_bytes": len(NGINX_BODY),
                "workloads": {"fixed_226": {"status": "ok", "points": points}}}
    finally:
        server.stop()


def run_dynamo_matrix(ctx, server, system, only_durability_sensitive=False, after=None):
    """Create the tables, prefill them and run every workload at every concurrency.

    `after`, when given, is called with the server before it stops (used for
    profiling tidings while its tables are warm).
    """
    server.start()
    outcome = {"status": "ok", "workloads": {}}
    try:
        wl.create_table(server.port, wl.PLAIN_TABLE)
        wl.create_table(server.port, wl.STREAM_TABLE, stream=True)
        wl.create_table(server.port, wl.QUERY_TABLE, range_key=True)
        chosen = [w for w in wl.workloads(ctx.sizes.keyspace)
                  if w.durability_sensitive or not only_durability_sensitive]
        reasons = {w.name: wl.probe_operation(server.port, w) for w in chosen}
        needs_items = any(w.keyspace and reasons[w.name] is None and w.table == wl.PLAIN_TABLE
                          for w in chosen)
        needs_query = "query" in reasons and reasons["query"] is None
        if needs_items:
            wl.prefill(ctx.tool, server.port, ctx.sizes.keyspace)
        if needs_query:
            wl.prefill_query(ctx.tool, server.port, ctx.sizes.keyspace)
        if needs_items or needs_query:
            outcome["checks"] = wl.check_prefill(server.port, ctx.sizes.keyspace,
                                                 items=needs_items, query=needs_query)

        for workload in chosen:
            if reasons[workload.name] is not None:
                ctx.log(f"  {system:14} {workload.name:15} skipped: {reasons[workload.name]}")
                outcome["workloads"][workload.name] = {"status": "skipped",
                                                       "reason": reasons[workload.name]}
                continue
            points = {}
            for c in ctx.sizes.concurrency:
                tag = f"{SYSTEM_TAGS.get(system, 'x')}{c}"
                result = ctx.tool.load(server.port, workload.body(tag), c, ctx.sizes.duration,
                                       ctx.sizes.warmup, operation=workload.operation,
                                       keyspace=workload.keyspace)
                result["items_per_second"] = result["throughput"] * workload.items_per_request
                log_point(ctx, system, workload.name, c, result)
                points[str(c)] = result
            outcome["workloads"][workload.name] = {"status": "ok", "points": points}
        if after:
            after(server, outcome)
        outcome["rss_kib_after"] = server.rss_kib()[0]
    finally:
        server.stop()
    return outcome


def http_only(ctx, server):
    """Load tidings' health check (GET /), which touches no storage: the cost of
    its HTTP layer alone, to set against nginx."""
    points = {}
    for c in ctx.sizes.concurrency:
        result = ctx.tool.load(server.port, "", c, ctx.sizes.duration, ctx.sizes.warmup,
                               method="GET", path="/")
        wl.check_load(result, "tidings GET /")
        log_point(ctx, "tidings-async", "GET /", c, result)
        points[str(c)] = result
    return {"status": "ok", "points": points}


def run_tidings_async(ctx):
    server = Tidings(ctx.workdir / "tidings-async", ctx.tidings, "async")

    def after(server, outcome):
        outcome["http_only"] = http_only(ctx, server)
        outcome["profiles"] = profile(ctx, server)

    return run_dynamo_matrix(ctx, server, "tidings-async", after=after)


def run_tidings_sync(ctx):
    server = Tidings(ctx.workdir / "tidings-sync", ctx.tidings, "sync")
    return run_dynamo_matrix(ctx, server, "tidings-sync", only_durability_sensitive=True)


def run_dynalite(ctx):
    executable = ctx.root / "bench" / "dynalite" / "node_modules" / ".bin" / "dynalite"
    if not executable.exists():
        return {"status": "skipped",
                "reason": "dynalite is not installed (npm install in bench/dynalite failed)"}
    outcome = run_dynamo_matrix(ctx, Dynalite(ctx.workdir / "dynalite", executable), "dynalite")
    outcome["notes"] = ["dynalite accepts StreamSpecification but writes no stream records "
                        "(its Streams API returns UnknownOperationException), so its "
                        "\"stream on\" PutItem does no extra work."]
    return outcome


def run_moto(ctx, moto_path):
    if not moto_path:
        return {"status": "skipped", "reason": "moto_server is not installed on this machine"}
    outcome = run_dynamo_matrix(ctx, Moto(ctx.workdir / "moto", moto_path), "moto")
    outcome["notes"] = ["moto_server (Werkzeug) answers every request with Connection: close, "
                        "so the load generator opens a new connection per request."]
    return outcome


# ---- profiles --------------------------------------------------------------

def perf_check():
    """Return (usable, note): whether perf can sample, and what `perf stat` showed."""
    perf = shutil.which("perf")
    if not perf:
        return False, "perf is not installed (Debian package linux-perf)"
    stat = subprocess.run([perf, "stat", "-e", "instructions", "true"], capture_output=True,
                          text=True)
    note = "perf stat -e instructions: " + (
        "hardware counters not supported here; sampling the cpu-clock software event"
        if "not supported" in stat.stderr or stat.returncode != 0 else "hardware counters work")
    probe = subprocess.run([perf, "record", "-e", "cpu-clock", "-o", "/dev/null", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return False, f"perf record failed: {probe.stderr.strip()[:300]}"
    return True, note


def parse_perf_report(text, limit, children=False):
    """Parse `perf report --stdio` rows into [{"percent", "name"}], best first.

    With `children`, rows carry an inclusive and a self share. Only named
    user-space frames are kept, because kernel and unresolved frames show
    little about what to change in tidings.
    """
    rows = []
    pattern = (r"\s*([\d.]+)%\s+([\d.]+)%\s+(.*\S)\s*$" if children
               else r"\s*([\d.]+)%\s+(.*\S)\s*$")
    for line in text.splitlines():
        match = re.match(pattern, line)
        if not match:
            continue
        # perf pads the symbol column, and anything after a wide gap is another column.
        name = re.split(r"\s{2,}", match.group(match.lastindex))[0]
        if children:
            if not name.startswith("[.] ") or re.fullmatch(r"\[\.\] (0x)?[0-9a-f]+", name):
                continue
            rows.append({"percent": float(match.group(1)), "self": float(match.group(2)),
                         "name": name})
        else:
            rows.append({"percent": float(match.group(1)), "name": name})
        if len(rows) >= limit:
            break
    return rows


def profile(ctx, server):
    """Sample tidings with perf while it serves PutItem (stream on) and GetItem at c=16."""
    usable, note = perf_check()
    if not usable:
        ctx.log(f"  profile skipped: {note}")
        return {"status": "skipped", "reason": note}
    results = {"status": "ok", "tool": "perf record -e cpu-clock -F 999 -g", "check": note,
               "runs": {}}
    by_name = {w.name: w for w in wl.workloads(ctx.sizes.keyspace)}
    for name in ("put_stream_on", "get"):
        workload = by_name[name]
        data = ctx.workdir / f"perf-{name}.data"
        seconds = ctx.sizes.profile_seconds
        perf = subprocess.Popen(
            ["perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-o", str(data),
             "-p", str(server.pid), "--", "sleep", str(seconds + 0.5)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        load = ctx.tool.load(server.port, workload.body(f"p{name[:1]}"), 16, seconds, 0,
                             operation=workload.operation, keyspace=workload.keyspace)
        _, perf_errors = perf.communicate(timeout=60)
        if perf.returncode != 0 or not data.exists():
            results["runs"][name] = {"status": "failed", "reason": perf_errors.strip()[:300]}
            continue
        report = {}
        for key, sort, children in (("symbols", "symbol", False), ("objects", "dso", False),
                                    ("inclusive", "symbol", True)):
            out = subprocess.run(
                ["perf", "report", "-i", str(data), "--children" if children else "--no-children",
                 "--sort", sort, "--stdio", "-g", "none", "--percent-limit", "0.5"],
                capture_output=True, text=True, timeout=300).stdout
            report[key] = parse_perf_report(out, 15, children=children)
        report["throughput_while_profiled"] = load["throughput"]
        report["status"] = "ok"
        results["runs"][name] = report
        ctx.log(f"  profiled {name}: top symbol {report['symbols'][:1]}")
    return results


# ---- db_bench ----------------------------------------------------------------

def run_db_bench(ctx):
    db_bench = shutil.which("db_bench")
    if not db_bench:
        return {"status": "skipped", "reason": "db_bench is not installed (rocksdb-tools)"}
    directory = ctx.workdir / "db_bench"
    shutil.rmtree(directory, ignore_errors=True)
    command = [db_bench, "--benchmarks=fillrandom", "--sync=1", "--threads=16",
               f"--duration={ctx.sizes.db_bench_seconds}", "--value_size=200", "--key_size=16",
               "--num=1000000", f"--db={directory}", "--histogram=1"]
    completed = subprocess.run(command, capture_output=True, text=True,
                               timeout=ctx.sizes.db_bench_seconds + 120)
    shutil.rmtree(directory, ignore_errors=True)
    match = re.search(r"fillrandom\s*:\s*([\d.]+) micros/op ([\d.]+) ops/sec", completed.stdout)
    if completed.returncode != 0 or not match:
        return {"status": "failed", "reason": (completed.stderr or completed.stdout)[-400:]}
    percentiles = dict(re.findall(r"(P\d+(?:\.\d+)?): ([\d.]+)", completed.stdout))
    version = re.search(r"RocksDB:\s*version\s*(\S+)", completed.stdout + completed.stderr)
    outcome = {"status": "ok", "command": " ".join(["db_bench"] + command[1:-2] + ["--db=DIR",
                                                                                 "--histogram=1"]),
               "ops_per_second": float(match.group(2)),
               "micros_per_op": float(match.group(1)),
               "p50_us": float(percentiles.get("P50", 0)),
               "p99_us": float(percentiles.get("P99", 0)),
               "rocksdb_version": version.group(1) if version else "",
               "assertions_enabled": "Assertions are enabled" in completed.stdout}
    ctx.log(f"  db_bench fillrandom sync=1 threads=16: {outcome['ops_per_second']:.0f} ops/s")
    return outcome


# ---- stream reads, memory and fan-out -----------------------------------------

def notifications_total(port, user):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/notifications?per_page=1",
                           headers={"X-MAGICBELL-API-KEY": "bench",
                                    "X-MAGICBELL-USER-EXTERNAL-ID": user})
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    return body.get("total", 0)


def post_broadcast(port, recipients, tag):
    """POST one broadcast; return (HTTP status, reply bytes, seconds, request bytes)."""
    body = json.dumps({"broadcast": {"title": "Fan-out", "content": f"benchmark broadcast {tag}",
                                     "category": "bench",
                                     "recipients": [{"external_id": r} for r in recipients]}})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        start = time.perf_counter()
        connection.request("POST", "/broadcasts", body=body,
                           headers={"X-MAGICBELL-API-KEY": "bench",
                                    "Content-Type": "application/json"})
        response = connection.getresponse()
        reply = response.read()
        seconds = time.perf_counter() - start
    finally:
        connection.close()
    return response.status, reply, seconds, len(body)


def broadcast_fanout(ctx, port):
    """Reach many recipients with POST /broadcasts, time it and check the inboxes.

    One broadcast to every recipient is tried first. tidings rejects more than
    1,000 recipients per broadcast with HTTP 422, so the recipients are then
    sent as consecutive broadcasts of 1,000, and the page reports both.
    """
    total = ctx.sizes.fanout_recipients
    status, reply, seconds, size = post_broadcast(
        port, [f"fan-single-{i}" for i in range(total)], "single")
    chunk = total if status == 201 else min(total, 1000)
    outcome = {"status": "ok", "recipients": total, "chunk": chunk, "runs": [],
               "single": {"status": status, "seconds": seconds, "request_bytes": size,
                          "reply": reply[:300].decode("utf-8", "replace")}}
    if chunk == total and status != 201:
        return {"status": "failed", "reason": f"POST /broadcasts returned {status}: {reply[:300]!r}"}

    for repeat in range(ctx.sizes.fanout_repeats):
        users = [f"fan-{repeat}-{i}" for i in range(total)]
        times = []
        for first in range(0, total, chunk):
            status, reply, seconds, size = post_broadcast(port, users[first:first + chunk],
                                                          f"{repeat}-{first}")
            if status != 201:
                return {"status": "failed",
                        "reason": f"POST /broadcasts returned {status}: {reply[:300]!r}"}
            times.append(seconds)
        visible = all(notifications_total(port, users[i]) > 0
                      for i in (0, chunk - 1, total - 1) if i < total)
        outcome["runs"].append({"seconds": sum(times), "broadcasts": len(times),
                                "max_broadcast_seconds": max(times), "inboxes_checked": visible})
    seconds = sorted(r["seconds"] for r in outcome["runs"])
    outcome["median_seconds"] = seconds[len(seconds) // 2]
    outcome["notifications_per_second"] = total / outcome["median_seconds"]
    outcome["all_visible"] = all(r["inboxes_checked"] for r in outcome["runs"])
    ctx.log(f"  fan-out to {total} recipients in broadcasts of {chunk}: "
            f"{outcome['median_seconds'] * 1000:.0f} ms (single broadcast: HTTP "
            f"{outcome['single']['status']})")
    return outcome


def run_stream_and_memory(ctx):
    """Fill a streamed table with N items, read its stream back, fan out a broadcast."""
    server = Tidings(ctx.workdir / "tidings-stream", ctx.tidings, "async")
    server.start()
    outcome = {"status": "ok", "durability": "async"}
    try:
        time.sleep(1)
        outcome["rss_idle_kib"] = server.rss_kib()[0]
        wl.create_table(server.port, wl.STREAM_TABLE, stream=True)
        template = wl.put_body(wl.STREAM_TABLE)("f")
        n = ctx.sizes.stream_records
        # The time cap keeps the full run within its budget on a busy machine.
        # The page then reports how many items were written.
        fill = ctx.tool.load(server.port, template, 64, 300, 0, operation="PutItem",
                             max_requests=n, timeout=400)
        wl.check_load(fill, "stream fill")
        n = fill["succeeded"]
        outcome["fill"] = fill
        ctx.log(f"  filled {fill['succeeded']} items at {fill['throughput']:.0f} req/s "
                f"(PutItem, stream on, c=64)")
        time.sleep(2)
        outcome["rss_after_fill_kib"], outcome["hwm_after_fill_kib"] = server.rss_kib()

        drain = ctx.tool.run("drain-stream", "--target", f"127.0.0.1:{server.port}",
                             "--table", wl.STREAM_TABLE, "--records", str(n),
                             "--limit", "1000", "--max-seconds", "600", timeout=700)
        outcome["drain"] = drain
        ctx.log(f"  GetRecords: {drain['records']} records in {drain['seconds']:.1f} s "
                f"= {drain['records_per_second']:.0f} records/s")
        outcome["rss_after_drain_kib"], outcome["hwm_after_drain_kib"] = server.rss_kib()
        outcome["data_dir_bytes"] = sum(f.stat().st_size for f in
                                        (server.workdir / "data").rglob("*") if f.is_file())
        outcome["fanout"] = broadcast_fanout(ctx, server.port)
        outcome["rss_after_fanout_kib"] = server.rss_kib()[0]
    finally:
        server.stop()
    return outcome


# ---- PutItem with stream readers ------------------------------------------------

STREAM_READERS = 2       # Concurrent consumers tailing the stream, as two Lambda mappings would.
READER_CONNECTIONS = 16  # Writer connections in both runs.


AWS_CALLS_PER_SHARD_SECOND = 5  # GetRecords calls per shard and second that AWS allows.


def start_stream_readers(ctx, port, count, seconds, extra_args=()):
    """Start `count` tidings-load drain-stream processes that tail the stream."""
    command = [str(ctx.tool.binary), "drain-stream", "--target", f"127.0.0.1:{port}",
               "--table", wl.STREAM_TABLE, "--tail", "--limit", "1000",
               "--max-seconds", f"{seconds:.1f}", *extra_args]
    return [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(count)]


def load_with_readers(ctx, server, body, seconds, extra_args=()):
    """Run the PutItem load while STREAM_READERS readers tail the stream.

    Returns the load result and the readers' results."""
    readers = start_stream_readers(ctx, server.port, STREAM_READERS, seconds, extra_args)
    try:
        result = ctx.tool.load(server.port, body, READER_CONNECTIONS, ctx.sizes.duration,
                               ctx.sizes.warmup, operation="PutItem")
    finally:
        reads = []
        for reader in readers:
            out, err = reader.communicate(timeout=seconds + 60)
            if reader.returncode != 0:
                raise RuntimeError(f"stream reader failed: {err.strip()[:300]}")
            reads.append(json.loads(out))
    return result, reads


def run_stream_readers(ctx):
    """PutItem on a streamed table, alone and while consumers poll GetRecords.

    The same write load runs three times on one server. The first run has
    no stream reader. In the second, STREAM_READERS processes read every
    shard from TRIM_HORIZON as fast as they can (GetRecords, Limit 1000,
    pausing 250 ms when caught up), so they also drain the first run's
    records. In the third, the readers start at LATEST and call each shard
    at most 5 times a second, as AWS allows. The differences are what
    reading the stream costs the writers.
    """
    server = Tidings(ctx.workdir / "tidings-stream-readers", ctx.tidings, "async")
    server.start()
    outcome = {"status": "ok", "durability": "async", "connections": READER_CONNECTIONS,
               "readers": STREAM_READERS}
    try:
        wl.create_table(server.port, wl.STREAM_TABLE, stream=True)
        body = wl.put_body(wl.STREAM_TABLE)
        alone = ctx.tool.load(server.port, body("r0"), READER_CONNECTIONS, ctx.sizes.duration,
                              ctx.sizes.warmup, operation="PutItem")
        wl.check_load(alone, "PutItem without stream readers")
        log_point(ctx, "tidings-async", "put, 0 readers", READER_CONNECTIONS, alone)

        seconds = ctx.sizes.warmup + ctx.sizes.duration + 1.0
        with_readers, reads = load_with_readers(ctx, server, body("r1"), seconds)
        wl.check_load(with_readers, "PutItem with stream readers")
        log_point(ctx, "tidings-async", f"put, {STREAM_READERS} readers", READER_CONNECTIONS,
                  with_readers)
        ctx.log(f"  readers read {sum(r['records'] for r in reads)} records in "
                f"{sum(r['calls'] for r in reads)} GetRecords calls")

        # Readers as Lambda polls on AWS: from LATEST, at most 5 calls per shard and second.
        paced, paced_reads = load_with_readers(
            ctx, server, body("r2"), seconds,
            ["--start", "LATEST", "--calls-per-shard-second", str(AWS_CALLS_PER_SHARD_SECOND)])
        wl.check_load(paced, "PutItem with paced stream readers")
        log_point(ctx, "tidings-async", f"put, {STREAM_READERS} paced readers",
                  READER_CONNECTIONS, paced)
        ctx.log(f"  paced readers read {sum(r['records'] for r in paced_reads)} records in "
                f"{sum(r['calls'] for r in paced_reads)} GetRecords calls")

        outcome["without_readers"] = alone
        outcome["with_readers"] = with_readers
        outcome["reader_results"] = reads
        outcome["throughput_ratio"] = (with_readers["throughput"] / alone["throughput"]
                                       if alone["throughput"] else None)
        outcome["with_paced_readers"] = paced
        outcome["paced_reader_results"] = paced_reads
        outcome["paced_throughput_ratio"] = (paced["throughput"] / alone["throughput"]
                                             if alone["throughput"] else None)
    finally:
        server.stop()
    return outcome


# ---- pipeline: acknowledged write to inbox --------------------------------------

PIPELINE_TABLE = "bench_orders"
PIPELINE_CONFIG = """region: us-east-1
pipelines:
  - name: bench-inbox
    source:
      table: bench_orders
    starting_position: LATEST
    batch_size: 100
    maximum_batching_window_in_seconds: 0
    filter_criteria:
      filters:
        - pattern: '{"eventName":["INSERT"]}'
    notify:
      title: "Item {{keys.pk}} written"
      content: "amount {{new.amount}}"
      recipient_external_id: "{{new.userId}}"
      category: bench
"""


def wait_for_pipeline(port, tag, timeout=120):
    """Write one item and wait until its notification arrives: the pipeline has caught up."""
    user = f"settle-{tag}-{time.monotonic_ns()}"
    dynamodb_call(port, "DynamoDB_20120810.PutItem",
                  {"TableName": PIPELINE_TABLE,
                   "Item": {"pk": {"S": user}, "userId": {"S": user}}})
    deadline = time.monotonic() + timeout
    start = time.monotonic()
    while time.monotonic() < deadline:
        if notifications_total(port, user) > 0:
            return time.monotonic() - start
        time.sleep(0.05)
    raise RuntimeError(f"the pipeline did not deliver {user} within {timeout} s")


def run_pipeline(ctx, durability):
    config = ctx.workdir / f"pipeline-{durability}.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(PIPELINE_CONFIG)
    server = Tidings(ctx.workdir / f"tidings-pipeline-{durability}", ctx.tidings, durability,
                     config=config)
    server.start()
    outcome = {"status": "ok", "durability": durability, "rates": {}}
    try:
        wl.create_table(server.port, PIPELINE_TABLE, stream=True)
        wait_for_pipeline(server.port, "start")
        template = ('{"TableName":"' + PIPELINE_TABLE + '","Item":'
                    + wl.item_template("bg-{seq}") + "}")
        peak = ctx.tool.load(server.port, template.replace("bg-{seq}", "peak-{seq}"), 16,
                             max(1.0, ctx.sizes.duration), ctx.sizes.warmup,
                             operation="PutItem", keyspace=1000)
        wl.check_load(peak, "pipeline peak")
        outcome["peak_write_rate"] = peak["throughput"]
        outcome["catch_up_seconds_after_peak"] = wait_for_pipeline(server.port, "peak")
        ctx.log(f"  pipeline ({durability}) peak write rate {peak['throughput']:.0f} req/s at c=16;"
                f" caught up {outcome['catch_up_seconds_after_peak']:.1f} s after it")
        first_seq = 10_000_000
        for percent in (10, 50, 90):
            rate = peak["throughput"] * percent / 100
            body_file = ctx.workdir / "inbox-body.json"
            body_file.write_text(template)
            result = ctx.tool.run(
                "inbox-latency", "--target", f"127.0.0.1:{server.port}",
                "--table", PIPELINE_TABLE, "--body-file", str(body_file),
                "--rate", f"{rate:.1f}", "-c", "16", "-d", str(ctx.sizes.pipeline_seconds),
                "--keyspace", "1000", "--first-seq", str(first_seq),
                "--run-tag", f"{durability}{percent}", "--padding-bytes", str(len(wl.PAYLOAD)),
                timeout=ctx.sizes.pipeline_seconds + 120)
            first_seq += 10_000_000
            result["target_rate"] = rate
            result["catch_up_seconds"] = wait_for_pipeline(server.port, f"r{percent}")
            outcome["rates"][str(percent)] = result
            latency = result["write_to_inbox_us"]
            ctx.log(f"  pipeline ({durability}) {percent}% = {rate:.0f} writes/s: "
                    f"p50 {latency['p50'] / 1000:.2f} ms, p99 {latency['p99'] / 1000:.2f} ms, "
                    f"{result['probes']} probes, {result['lost']} lost")
    finally:
        server.stop()
    return outcome
