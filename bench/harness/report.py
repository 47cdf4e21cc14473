"""Writes the results page (Markdown) and the throughput plot (PNG).

The page is generated whole on every run, except the hand-written reading of
the profile between ANALYSIS_START and ANALYSIS_END, which is carried over
from the page being replaced.
"""

from pathlib import Path

ANALYSIS_START = "<!-- analysis:start (kept by bench/run.sh; edit by hand) -->"
ANALYSIS_END = "<!-- analysis:end -->"

SYSTEMS = [
    ("tidings-async", "tidings (async)"),
    ("tidings-sync", "tidings (sync)"),
    ("dynalite", "dynalite"),
    ("moto", "moto"),
]
WORKLOAD_TITLES = {
    "put_stream_off": "PutItem, stream off",
    "put_stream_on": "PutItem, stream on (NEW_AND_OLD_IMAGES)",
    "get": "GetItem",
    "update": "UpdateItem with a SET expression",
    "query": "Query of 10 items",
    "batch_write": "BatchWriteItem of 25 items",
}


# ---- lookups ------------------------------------------------------------------

def point(results, system, workload, concurrency):
    """Return the load result of one run, or None when it did not run."""
    entry = results.get(system) or {}
    if entry.get("status") != "ok":
        return None
    runs = (entry.get("workloads") or {}).get(workload) or {}
    if runs.get("status") != "ok":
        return None
    return runs["points"].get(str(concurrency))


def throughput(results, system, workload, concurrency):
    found = point(results, system, workload, concurrency)
    return found["throughput"] if found else None


def peak(results, system, workload):
    """Return (best throughput over the concurrencies, its concurrency) or (None, None)."""
    best = (None, None)
    for c in results["sizes"]["concurrency"]:
        value = throughput(results, system, workload, c)
        if value is not None and (best[0] is None or value > best[0]):
            best = (value, c)
    return best


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_rate(value):
    return "—" if value is None else f"{value:,.0f}"


def fmt_ratio(value):
    return "—" if value is None else f"{value:.2f}×"


def fmt_us(value):
    if value is None:
        return "—"
    return f"{value / 1000:.2f} ms" if value >= 1000 else f"{value:.0f} µs"


def fmt_kib(value):
    return "—" if not value else f"{value / 1024:.1f} MiB"


def workload_status(results, system, workload):
    entry = results.get(system) or {}
    if entry.get("status") != "ok":
        return entry.get("reason", "not run")
    runs = (entry.get("workloads") or {}).get(workload)
    if runs is None:
        return "not run"
    return "ok" if runs.get("status") == "ok" else runs.get("reason", runs.get("status"))


# ---- targets ------------------------------------------------------------------

def target_rows(results):
    """Return rows of (target, measured text, verdict)."""
    rows = []

    def add(target, value, limit, text, at_most=False):
        if value is None:
            rows.append((target, text or "not measured", "not measured"))
            return
        met = value <= limit if at_most else value >= limit
        rows.append((target, text, "met" if met else "not met"))

    nginx_peak, _ = peak(results, "nginx", "fixed_226")
    put_on, put_on_c = peak(results, "tidings-async", "put_stream_on")
    dyn_put_on, dyn_put_on_c = peak(results, "dynalite", "put_stream_on")
    value = ratio(put_on, nginx_peak)
    add("PutItem, stream on, async ≥ 0.5× nginx (peak throughput)", value, 0.5,
        value and f"{fmt_ratio(value)} ({fmt_rate(put_on)} at c={put_on_c} vs "
                  f"{fmt_rate(nginx_peak)} req/s)")
    value = ratio(put_on, dyn_put_on)
    add("PutItem, stream on, async ≥ 8× dynalite (peak throughput)", value, 8,
        value and f"{fmt_ratio(value)} ({fmt_rate(put_on)} vs {fmt_rate(dyn_put_on)} at "
                  f"c={dyn_put_on_c} req/s)")

    get_peak, get_c = peak(results, "tidings-async", "get")
    value = ratio(get_peak, nginx_peak)
    add("GetItem ≥ 0.6× nginx (peak throughput)", value, 0.6,
        value and f"{fmt_ratio(value)} ({fmt_rate(get_peak)} at c={get_c} vs "
                  f"{fmt_rate(nginx_peak)} req/s)")

    for workload in ("put_stream_on", "put_stream_off", "get", "update"):
        ours = point(results, "tidings-async", workload, 16)
        theirs = point(results, "dynalite", workload, 16)
        value = ratio(ours and ours["latency_us"]["p99"], theirs and theirs["latency_us"]["p99"])
        add(f"p99 at c=16 ≤ 0.2× dynalite's: {WORKLOAD_TITLES[workload]}, async", value, 0.2,
            value and f"{fmt_ratio(value)} ({fmt_us(ours['latency_us']['p99'])} vs "
                      f"{fmt_us(theirs['latency_us']['p99'])})", at_most=True)

    for durability in ("async", "sync"):
        system = f"tidings-{durability}"
        off = throughput(results, system, "put_stream_off", 16)
        on = throughput(results, system, "put_stream_on", 16)
        cost = 1 - on / off if on is not None and off else None
        add(f"Stream on costs ≤ 15% of PutItem throughput ({durability}, c=16)", cost, 0.15,
            cost is not None and f"{cost * 100:.1f}% ({fmt_rate(on)} vs {fmt_rate(off)} req/s)",
            at_most=True)

    sync_on = throughput(results, "tidings-sync", "put_stream_on", 16)
    db_bench = results.get("db_bench") or {}
    db_rate = db_bench.get("ops_per_second") if db_bench.get("status") == "ok" else None
    value = ratio(sync_on, db_rate)
    add("PutItem, stream on, sync, c=16 ≥ 0.5× db_bench --sync=1 --threads=16", value, 0.5,
        value and f"{fmt_ratio(value)} ({fmt_rate(sync_on)} vs {fmt_rate(db_rate)} ops/s)")
    dyn_c16 = throughput(results, "dynalite", "put_stream_on", 16)
    value = ratio(sync_on, dyn_c16)
    add("PutItem, stream on, sync, c=16 ≥ 2× dynalite at c=16", value, 2,
        value and f"{fmt_ratio(value)} ({fmt_rate(sync_on)} vs {fmt_rate(dyn_c16)} req/s)")

    for durability in ("async", "sync"):
        pipeline = results.get(f"pipeline-{durability}") or {}
        half = (pipeline.get("rates") or {}).get("50") if pipeline.get("status") == "ok" else None
        latency = half["write_to_inbox_us"] if half and half["write_to_inbox_us"]["count"] else None
        rate_text = half and f" at {fmt_rate(half['target_rate'])} writes/s"
        add(f"Write to inbox p50 ≤ 2 ms at half the peak write rate ({durability})",
            latency and latency["p50"], 2000,
            latency and f"{fmt_us(latency['p50'])}{rate_text}", at_most=True)
        add(f"Write to inbox p99 ≤ 10 ms at half the peak write rate ({durability})",
            latency and latency["p99"], 10000,
            latency and f"{fmt_us(latency['p99'])}{rate_text}", at_most=True)
    return rows


# ---- plot -----------------------------------------------------------------------

def write_plot(results, path):
    """Plot throughput against concurrency, one panel per workload. Returns an error or None."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        return f"matplotlib is missing ({error}); install python3-matplotlib"

    concurrency = results["sizes"]["concurrency"]
    names = list(WORKLOAD_TITLES)
    figure, axes = plt.subplots(2, 3, figsize=(15, 8.5), sharex=True)
    nginx = [throughput(results, "nginx", "fixed_226", c) for c in concurrency]
    # Fixed colors, so a system looks the same in every panel.
    styles = {"tidings-async": ("o-", "tab:blue"), "tidings-sync": ("s-", "tab:cyan"),
              "dynalite": ("^-", "tab:orange"), "moto": ("v-", "tab:red")}
    for axis, name in zip(axes.flat, names):
        drawn = False
        if all(v is not None for v in nginx):
            axis.plot(concurrency, nginx, "k--", label="nginx, fixed 226-byte reply")
            drawn = True
        for system, label in SYSTEMS:
            values = [throughput(results, system, name, c) for c in concurrency]
            if all(v is not None for v in values):
                marker, color = styles[system]
                axis.plot(concurrency, values, marker, color=color, label=label)
                drawn = True
        skipped = workload_status(results, "tidings-async", name)
        title = WORKLOAD_TITLES[name]
        if skipped != "ok":
            title += "\n(tidings: skipped, not supported)"
        axis.set_title(title, fontsize=10)
        axis.set_xscale("log")
        axis.set_xticks(concurrency)
        axis.set_xticklabels([str(c) for c in concurrency])
        axis.minorticks_off()
        if drawn:
            axis.set_yscale("log")
        axis.grid(True, which="both", alpha=0.3)
        axis.set_xlabel("concurrent connections")
        axis.set_ylabel("requests per second")
    handles, labels = [], []
    for axis in axes.flat:
        for handle, label in zip(*axis.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    figure.legend(handles, labels, loc="lower center", ncol=5)
    machine = results["machine"]
    figure.suptitle(f"Throughput against concurrency, {machine['nproc']} cores "
                    f"({machine['cpu_model']}), {results['mode']} run, {results['started_utc']}")
    figure.tight_layout(rect=(0, 0.05, 1, 0.96))
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return None


# ---- page -----------------------------------------------------------------------

def kept_analysis(page):
    if not page.exists():
        return None
    text = page.read_text()
    start = text.find(ANALYSIS_START)
    end = text.find(ANALYSIS_END)
    if start < 0 or end < start:
        return None
    return text[start + len(ANALYSIS_START):end].strip("\n")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def section_machine(results):
    m = results["machine"]
    v = results["versions"]
    load_before = ", ".join(f"{x:.2f}" for x in results["load_average_before"])
    load_after = ", ".join(f"{x:.2f}" for x in results.get("load_average_after", []))
    rows = [
        ("Cores (`nproc`)", m["nproc"]),
        ("CPU", m["cpu_model"]),
        ("Memory", f"{m['memory_gib']} GiB"),
        ("Kernel", m["kernel"]),
        ("OS", m["os"]),
        ("Virtualization", m["virtualization"]),
        ("tidings", f"commit {v.get('tidings', '?')}, Release build (`-O3`)"),
        ("dynalite", f"{v.get('dynalite', 'not installed')} on node {v.get('node', '?')}"),
        ("moto", v.get("moto", "not found")),
        ("nginx", v.get("nginx", "?")),
        ("Load average (1, 5, 15 min) before / after", f"{load_before} / {load_after}"),
    ]
    text = ["## Machine", "", table(["", ""], rows), ""]
    busy = results.get("busy_before") or []
    if busy:
        text.append("Other processes were using CPU when the run started, so the figures "
                    "below are lower and noisier than on an idle machine:")
        text.append("")
        text.append(table(["PID", "Command", "CPU %", "Running for"],
                          [(b["pid"], f"`{b['command']}`", f"{b['cpu_percent']:.0f}",
                            f"{b['running_seconds']} s") for b in busy]))
        text.append("")
    busy_after = results.get("busy_after") or []
    if busy_after:
        text.append("At the end of the run: " + ", ".join(
            f"`{b['command']}` (PID {b['pid']}, {b['cpu_percent']:.0f}% CPU)" for b in busy_after)
            + ".")
        text.append("")
    return text


def section_method(results):
    s = results["sizes"]
    concurrency = ", ".join(str(c) for c in s["concurrency"])
    return [
        "## Method",
        "",
        f"- Every server listens on 127.0.0.1 and gets the same load from `tidings-load` "
        f"(bench/load/), a C++ epoll client with one thread and keep-alive connections. "
        f"Each connection sends its next request as soon as the previous response ends "
        f"(closed loop). Each point runs {s['warmup']} s unmeasured, then {s['duration']} s "
        f"measured, at {concurrency} connections.",
        "- Latency is the time from sending a request to reading the end of its response, "
        "on the client. Percentiles are nearest-rank over every successful request.",
        "- The client and the servers share the same cores, so the client's own CPU time "
        "lowers every figure, the nginx ceiling included.",
        "- Every write names a new key, and every GetItem and UpdateItem a different key "
        f"from {s['keyspace']:,} items written before the runs. Items are about 200 bytes by "
        "DynamoDB's size rule (attribute names plus values).",
        "- Requests are unsigned: tidings, dynalite and moto accept the placeholder "
        "`Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/"
        "aws4_request, …, Signature=0` with an `X-Amz-Date` header, and check no signature.",
        "- tidings runs with `--durability async` (acknowledges once the OS has the write) and "
        "`--durability sync` (after fsync). dynalite runs on LevelDB files (`--path`). moto "
        "keeps items in memory. nginx answers every request with a fixed 226-byte JSON body, "
        "with one worker per core; it is the ceiling for one HTTP request/response here.",
        "- A workload for which a server returns `UnknownOperationException` is skipped for "
        "that server and listed as skipped.",
        "",
    ]


def section_workloads(results):
    s = results["sizes"]
    text = ["## Throughput and latency", "",
            f"![Throughput against concurrency]({results['plot_name']})", "",
            "The plot's y axis is logarithmic. Each table lists requests per second (items per "
            "second for BatchWriteItem in the last column) and client-side latency.", ""]
    nginx_rows = []
    for c in s["concurrency"]:
        p = point(results, "nginx", "fixed_226", c)
        if p:
            lat = p["latency_us"]
            nginx_rows.append(("nginx, fixed 226-byte reply", c, fmt_rate(p["throughput"]),
                               fmt_us(lat["p50"]), fmt_us(lat["p99"]), fmt_us(lat["p999"]),
                               p["failed"]))
    health = ((results.get("tidings-async") or {}).get("http_only") or {}).get("points") or {}
    for c in s["concurrency"]:
        p = health.get(str(c))
        if p:
            lat = p["latency_us"]
            nginx_rows.append(("tidings, `GET /` health check (no storage)", c,
                               fmt_rate(p["throughput"]), fmt_us(lat["p50"]), fmt_us(lat["p99"]),
                               fmt_us(lat["p999"]), p["failed"]))
    if nginx_rows:
        text += ["### HTTP ceiling: nginx, and tidings without storage", "",
                 "tidings' `GET /` health check runs its HTTP server and request routing but no "
                 "DynamoDB work. The gap between it and nginx is the cost of the HTTP layer. The "
                 "gap between it and the workloads below is the cost of the DynamoDB work.",
                 "",
                 table(["System", "c", "req/s", "p50", "p99", "p99.9", "failed"], nginx_rows), ""]

    for workload, title in WORKLOAD_TITLES.items():
        rows = []
        skipped = []
        failures = []
        for system, label in SYSTEMS:
            status = workload_status(results, system, workload)
            if system == "tidings-sync" and workload not in ("put_stream_off", "put_stream_on"):
                continue
            if status != "ok":
                skipped.append(f"{label}: {status}")
                continue
            for c in s["concurrency"]:
                p = point(results, system, workload, c)
                lat = p["latency_us"] if p["succeeded"] else {}
                extra = (f" ({fmt_rate(p.get('items_per_second'))} items/s)"
                         if workload == "batch_write" else "")
                rows.append((label, c, fmt_rate(p["throughput"]) + extra, fmt_us(lat.get("p50")),
                             fmt_us(lat.get("p99")), fmt_us(lat.get("p999")), p["failed"]))
                if p["failed"]:
                    failures.append(f"{label} at c={c}: {p['failed']} of {p['measured']} "
                                    f"measured requests failed. First error: "
                                    f"{p['error_sample'][:200]}")
        text += [f"### {title}", ""]
        if rows:
            text += [table(["System", "c", "req/s", "p50", "p99", "p99.9", "failed"], rows), ""]
        for line in skipped:
            text.append(f"- Skipped, {line}")
        for line in failures:
            text.append(f"- {line}")
        if skipped or failures:
            text.append("")

        ratio_rows = []
        for c in s["concurrency"]:
            ours = point(results, "tidings-async", workload, c)
            if not ours:
                continue
            cells = [c]
            for other, other_workload in (("dynalite", workload), ("moto", workload),
                                          ("nginx", "fixed_226")):
                theirs = point(results, other, other_workload, c)
                cells.append(fmt_ratio(ratio(ours["throughput"], theirs and theirs["throughput"])))
            for other in ("dynalite", "moto"):
                theirs = point(results, other, workload, c)
                if theirs and not theirs["succeeded"]:
                    theirs = None
                cells.append(fmt_ratio(ratio(ours["latency_us"]["p99"],
                                             theirs and theirs["latency_us"]["p99"])))
            ratio_rows.append(cells)
        if ratio_rows:
            text += ["Ratios of tidings (async) to the others in this run:", "",
                     table(["c", "throughput ÷ dynalite", "÷ moto", "÷ nginx",
                            "p99 ÷ dynalite's", "p99 ÷ moto's"], ratio_rows), ""]
    for system, label in SYSTEMS:
        for note in (results.get(system) or {}).get("notes", []):
            text.append(f"- {note}")
    text.append("")
    return text


def section_durability(results):
    text = ["## Durability: sync against async, and the fsync reference", ""]
    rows = []
    for workload in ("put_stream_off", "put_stream_on"):
        for c in results["sizes"]["concurrency"]:
            a = throughput(results, "tidings-async", workload, c)
            s = throughput(results, "tidings-sync", workload, c)
            rows.append((WORKLOAD_TITLES[workload], c, fmt_rate(a), fmt_rate(s),
                         fmt_ratio(ratio(s, a))))
    text += [table(["Workload", "c", "async req/s", "sync req/s", "sync ÷ async"], rows), ""]
    db = results.get("db_bench") or {}
    if db.get("status") == "ok":
        text += [f"RocksDB's own `{db['command']}` (RocksDB {db.get('rocksdb_version', '?')}, "
                 f"Debian's rocksdb-tools) wrote {fmt_rate(db['ops_per_second'])} "
                 f"200-byte values per second with fsync, p50 {db['p50_us']:.0f} µs and "
                 f"p99 {db['p99_us']:.0f} µs per write. It is the ceiling for synced writes to "
                 "RocksDB on this disk with 16 writers."
                 + (" Debian's db_bench is built with assertions enabled (it prints "
                    "\"Assertions are enabled; benchmarks unnecessarily slow\"), so this "
                    "reference is somewhat low." if db.get("assertions_enabled") else ""), ""]
    else:
        text += [f"db_bench: {db.get('status', 'not run')}: {db.get('reason', '')}", ""]
    return text


def section_stream(results):
    st = results.get("stream") or {}
    text = ["## Stream reads and memory", ""]
    if st.get("status") != "ok":
        return text + [f"Not measured: {st.get('reason', st.get('status', 'not run'))}", ""]
    fill = st["fill"]
    drain = st["drain"]
    lat = drain["call_latency_us"]
    text += [
        f"A fresh tidings (`--durability async`) took {fill['succeeded']:,} PutItem requests "
        f"into one table with a NEW_AND_OLD_IMAGES stream at 64 connections, at "
        f"{fmt_rate(fill['throughput'])} requests per second ({fill['failed']} failed). "
        f"One client then read the stream from TRIM_HORIZON with GetRecords (Limit 1000), "
        f"following NextShardIterator. The wall-clock rate includes the client parsing "
        f"each page with RapidJSON before it asks for the next:",
        "",
        table(["Measure", "Value"], [
            ("Records read", f"{drain['records']:,} in {drain['calls']:,} calls"),
            ("Time", f"{drain['seconds']:.1f} s"),
            ("Records per second, wall clock", fmt_rate(drain["records_per_second"])),
            ("Records per second, counting only the wait for responses",
             fmt_rate(drain["records"] / drain["waiting_seconds"]
                      if drain.get("waiting_seconds") else None)),
            ("Response bytes per second", f"{drain['megabytes_per_second']:.1f} MB/s"),
            ("GetRecords call latency p50 / p99",
             f"{fmt_us(lat['p50'])} / {fmt_us(lat['p99'])}"),
        ]),
        "",
        "Resident memory (VmRSS) of the tidings process:",
        "",
        table(["When", "RSS"], [
            ("Idle, just started, empty data directory", fmt_kib(st["rss_idle_kib"])),
            (f"After {fill['succeeded']:,} items", fmt_kib(st["rss_after_fill_kib"])),
            ("After reading the whole stream", fmt_kib(st["rss_after_drain_kib"])),
            ("Peak (VmHWM) up to then", fmt_kib(st["hwm_after_drain_kib"])),
            ("After the fan-out below", fmt_kib(st.get("rss_after_fanout_kib"))),
        ]),
        "",
        f"The data directory then held {st['data_dir_bytes'] / 1e6:,.0f} MB.",
        "",
    ]
    return text


def section_stream_readers(results):
    st = results.get("stream-readers") or {}
    text = ["## PutItem while consumers read the stream", ""]
    if st.get("status") != "ok":
        return text + [f"Not measured: {st.get('reason', st.get('status', 'not run'))}", ""]
    alone, shared = st["without_readers"], st["with_readers"]
    reads = st["reader_results"]
    paced = st.get("with_paced_readers")
    paced_reads = st.get("paced_reader_results") or []

    def row(name, run):
        return (name, fmt_rate(run["throughput"]), fmt_us(run["latency_us"]["p50"]),
                fmt_us(run["latency_us"]["p99"]), str(run["failed"]))

    rows = [row("No stream reader", alone),
            row(f"{st['readers']} readers draining from TRIM_HORIZON", shared)]
    if paced:
        rows.append(row(f"{st['readers']} readers tailing at 5 calls/shard/s", paced))
    text += [
        f"One tidings (`--durability async`) took PutItem on a table with a NEW_AND_OLD_IMAGES "
        f"stream at {st['connections']} connections, three times. The first run had no "
        f"reader. In the second, {st['readers']} `tidings-load drain-stream --tail` processes "
        f"read every shard from TRIM_HORIZON as fast as they could (GetRecords, Limit 1000), "
        f"draining the first run's records too. In the third, {st['readers']} readers tailed "
        f"every shard from LATEST with at most 5 GetRecords calls per shard and second, AWS's "
        f"limit. The readers run on the same cores, so their own CPU time is part of the cost "
        f"shown.",
        "",
        table(["Run", "PutItem/s", "p50", "p99", "Failed"], rows),
        "",
        f"Draining readers left the writers {fmt_ratio(st.get('throughput_ratio'))} of their "
        f"rate; they read {sum(r['records'] for r in reads):,} records in "
        f"{sum(r['calls'] for r in reads):,} GetRecords calls.",
    ]
    if paced:
        text += [
            f"Tailing readers left them {fmt_ratio(st.get('paced_throughput_ratio'))}; they read "
            f"{sum(r['records'] for r in paced_reads):,} records in "
            f"{sum(r['calls'] for r in paced_reads):,} calls.",
        ]
    text.append("")
    return text


def section_pipeline(results):
    text = [
        "## Pipeline: acknowledged write to inbox",
        "",
        "A pipeline (batch size 100, no batching window, filter `{\"eventName\":[\"INSERT\"]}`) "
        "turns every new item into a notification for the item's `userId`. Its peak write rate "
        "is the PutItem rate at 16 connections with the pipeline running. Background writers "
        "then hold 10%, 50% and 90% of that rate on 16 connections, open loop, to 1,000 "
        "users. Meanwhile a probe writes an item for a user of its own, and from the moment "
        "the PutItem response arrives it reads that user's inbox (`GET /notifications`) every "
        "0.2 ms until the notification is there. The latency is the time from the PutItem "
        "response to the inbox response that contains it, so it overstates the true delay by "
        "up to one poll interval plus one GET. (A notification's `sent_at` is in whole "
        "seconds, too coarse for this.) The probes run one at a time, 20 ms apart.",
        "",
    ]
    rows = []
    for durability in ("async", "sync"):
        pipeline = results.get(f"pipeline-{durability}") or {}
        if pipeline.get("status") != "ok":
            text.append(f"- {durability}: not measured: {pipeline.get('reason', 'not run')}")
            continue
        for percent, result in pipeline["rates"].items():
            lat = result["write_to_inbox_us"]
            background = result.get("background") or {}
            rows.append((durability, f"{percent}% ({fmt_rate(result['target_rate'])} of "
                         f"{fmt_rate(pipeline['peak_write_rate'])})",
                         fmt_rate(background.get("throughput")),
                         f"{result['probes']} ({result['lost']} lost)",
                         fmt_us(lat["p50"]), fmt_us(lat["p90"]), fmt_us(lat["p99"]),
                         fmt_us(lat["max"]),
                         f"{result['catch_up_seconds']:.2f} s"))
    if rows:
        text += [table(["Durability", "Write rate, writes/s", "Achieved", "Probes", "p50",
                        "p90", "p99", "max", "Catch-up after"], rows), "",
                 "\"Catch-up after\" is how long a last probe took to arrive once the load "
                 "stopped; a long one means the pipeline was falling behind the writes.", ""]
    return text


def section_fanout(results):
    st = results.get("stream") or {}
    fan = st.get("fanout") or {}
    text = ["## Broadcast fan-out", ""]
    if fan.get("status") != "ok":
        return text + [f"Not measured: {fan.get('reason', 'not run')}", ""]
    single = fan["single"]
    if single["status"] == 201:
        single_text = (f"One broadcast to all {fan['recipients']:,} recipients took "
                       f"{single['seconds'] * 1000:.0f} ms.")
    else:
        single_text = (f"One broadcast to all {fan['recipients']:,} recipients "
                       f"({single['request_bytes'] / 1000:.0f} kB) was rejected with HTTP "
                       f"{single['status']}: `{single['reply']}`. The same recipients were "
                       f"therefore sent as {fan['runs'][0]['broadcasts']} consecutive "
                       f"broadcasts of {fan['chunk']:,} from one client.")
    runs = ", ".join(f"{r['seconds'] * 1000:.0f} ms" for r in fan["runs"])
    text += [
        f"`POST /broadcasts` with recipients by `external_id`, sent to the tidings of the "
        f"previous section. {single_text}",
        "",
        f"Reaching all {fan['recipients']:,} recipients took {runs} (median "
        f"{fan['median_seconds'] * 1000:.0f} ms), so {fmt_rate(fan['notifications_per_second'])} "
        f"notifications per second; the slowest single broadcast of {fan['chunk']:,} took "
        f"{max(r['max_broadcast_seconds'] for r in fan['runs']) * 1000:.0f} ms. The first and "
        f"last recipients' inboxes held the notification right after the responses: "
        f"{'yes' if fan['all_visible'] else 'NO'}.",
        "",
    ]
    return text


def section_profile(results, analysis):
    text = ["## Profile", ""]
    prof = (results.get("tidings-async") or {}).get("profiles") or {}
    if prof.get("status") != "ok":
        text += [f"Not profiled: {prof.get('reason', 'not run')}", ""]
    else:
        text += [f"`{prof['tool']}` attached to tidings (`--durability async`) for "
                 f"{results['sizes']['profile_seconds']} s of load at 16 connections. "
                 f"{prof.get('check', '')}. The shares are of the samples taken in the tidings "
                 "process, and the load generator is not in them. Sampling with call chains "
                 "slows tidings, so the throughput while profiled is lower than in the tables "
                 "above.",
                 ""]
        for name, title in (("put_stream_on", WORKLOAD_TITLES["put_stream_on"]),
                            ("get", WORKLOAD_TITLES["get"])):
            run = prof["runs"].get(name) or {}
            if run.get("status") != "ok":
                text += [f"### {title}", "", f"Failed: {run.get('reason', '')}", ""]
                continue
            text += [f"### {title}, {fmt_rate(run['throughput_while_profiled'])} req/s while "
                     "profiled", ""]
            rows = [(f"{r['percent']:.1f}%", "`" + shorten(r["name"]) + "`")
                    for r in run["symbols"][:12]]
            text += ["Functions by self time (callees not included):", "",
                     table(["Self", "Function"], rows), ""]
            rows = [(f"{r['percent']:.1f}%", "`" + r["name"] + "`") for r in run["objects"][:8]]
            text += ["Self time by binary or library:", "", table(["Self", "Object"], rows), ""]
            rows = [(f"{r['percent']:.1f}%", f"{r['self']:.1f}%", "`" + shorten(r["name"]) + "`")
                    for r in run.get("inclusive", [])[:12]]
            if rows:
                text += ["Named user-space frames by inclusive share (the frame and its "
                         "callees). The call chains come from frame pointers, which the -O3 "
                         "build and the Debian libraries do not always keep, so these shares "
                         "are lower bounds:", "",
                         table(["Inclusive", "Self", "Function"], rows), ""]
    text += ["### Reading", "", ANALYSIS_START,
             analysis or "No reading written yet.", ANALYSIS_END, ""]
    return text


def shorten(symbol, limit=110):
    symbol = symbol.replace("[.] ", "").replace("[k] ", "(kernel) ")
    return symbol if len(symbol) <= limit else symbol[:limit - 1] + "…"


def section_intro(results, raw):
    minutes = results.get("elapsed_seconds", 0) / 60
    if results.get("script_elapsed_seconds"):
        minutes_text = (f"{minutes:.1f} minutes of measuring, "
                        f"{results['script_elapsed_seconds'] / 60:.1f} with installs and build")
    else:
        minutes_text = f"{minutes:.1f} minutes"
    text = [
        "# Benchmarks",
        "",
        f"`bench/run.sh` wrote this page on {results['started_utc']} "
        f"({results['mode']} run, {minutes_text}). The exact command was:",
        "",
        "```sh",
        results["command"],
        "```",
        "",
        "It installs what it needs (Debian packages, dynalite from npm), builds tidings and "
        "the load generator into `build-bench/`, starts each server on 127.0.0.1, loads it, "
        "stops it, and rewrites this page and its plot. `bench/run.sh --smoke` does every step "
        "in seconds with tiny sizes and writes to `build-bench/bench-smoke/` instead. The raw "
        f"numbers are in `{results.get('raw_path', raw.name)}` after a run.",
        "",
    ]
    if results.get("failures"):
        text += ["**Failed phases:**", ""] + [f"- {f}" for f in results["failures"]] + [""]
    return text


def write_page(results, page, plot, raw):
    results["plot_name"] = plot.name
    plot_error = write_plot(results, plot)
    analysis = kept_analysis(page)

    text = section_intro(results, raw)
    if plot_error:
        text += [f"**No plot:** {plot_error}", ""]
    text += section_machine(results)
    text += ["## Targets", "",
             table(["Target", "Measured", "Verdict"], target_rows(results)), ""]
    text += section_method(results)
    text += section_workloads(results)
    text += section_durability(results)
    text += section_stream(results)
    text += section_stream_readers(results)
    text += section_pipeline(results)
    text += section_fanout(results)
    text += section_profile(results, analysis)

    phase_times = ", ".join(f"{name} {seconds:.0f} s"
                            for name, seconds in results["phase_seconds"].items())
    text += ["## Run time", "", f"Phases: {phase_times}.", ""]
    Path(page).write_text("\n".join(text))
