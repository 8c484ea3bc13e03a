"""`make bench`: every speed and memory figure of the manual (docs/manual.md), one benchmark at a time.

Each figure runs in its own process (peak memory is per process) pinned to one
CPU where the machine allows it; the web benchmark (server workers and wrk) and
the backfill (Dask workers and the driver) use every CPU. Results go to benchmarks/results.json and a
Markdown table on standard output.

`python benchmarks/run_all.py bench_web.py [...]` runs only the named benchmarks,
merges their figures into results.json and prints the table (the manual untouched).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"


BENCHMARKS = ("bench_screen.py", "bench_extract.py", "bench_stream.py", "bench_big_input.py", "bench_ingest.py", "bench_search.py", "bench_web.py")
BENCHMARKS += ("bench_backfill.py", "bench_link.py", "bench_reach.py")
PINS_ITSELF = ("bench_web.py",)  # server workers and wrk on both CPUs
PINS_ITSELF += ("bench_backfill.py",)  # Dask workers and the driver: both CPUs, not pinned


def _run(script: str) -> dict:
    cmd = [sys.executable, str(HERE / script)]
    if script not in PINS_ITSELF and hasattr(os, "sched_setaffinity") and os.path.exists("/usr/bin/taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{script} failed with exit status {out.returncode}")
    sys.stderr.write("".join(line.strip() + "\n" for line in out.stderr.splitlines() if "SKIPPED" in line or "WARNING" in line))
    return json.loads(out.stdout.strip().splitlines()[-1])


LABELS = {
    "screen_docs_per_s": ("Screening, ~3 KB news, one core", "docs/s", ">= 2,000"),
    "screen_peak_rss_mb": ("Screening, peak memory", "MB", "< 500"),
    "extract_docs_per_s_first_pass": ("Full extraction, relevant texts, first pass after start-up (every word new), one core", "docs/s", ">= 50"),
    "extract_avg_doc_bytes": ("Full extraction, average size of those texts (the relevant dev corpus)", "bytes", ""),
    "extract_docs_per_s_warm": ("Full extraction, same texts again (warm caches)", "docs/s", ">= 100"),
    "extract_real_docs_per_s_first_pass": ("Full extraction, the relevant real reports (../shared/corpus/real), first time seen", "docs/s", ">= 100"),
    "extract_peak_rss_mb": ("Full extraction, peak memory", "MB", "< 500"),
    "stream_docs_per_s": ("Near-topic stream through `recruitwatch extract`'s code path, one core, after start-up", "docs/s", ">= 2,500"),
    "stream_docs_per_s_warm": ("The same stream again (every word seen before, as in a long stream)", "docs/s", ""),
    "stream_docs_per_s_wall": ("The first pass by the wall clock (other programs sharing the core)", "docs/s", ""),
    "stream_docs": ("Stream: real near-topic reports (`_neg_`), each followed by 6 generated news of their average size", "docs", ""),
    "stream_screen_passes": ("Stream: documents the keyword screen keeps", "docs", ""),
    "stream_full_analyses": ("Stream: documents the cheap stage sends to full analysis", "docs", ""),
    "stream_peak_rss_mb": ("Stream, peak memory", "MB", "< 500"),
    "cold_start_s_median": ("Cold start of `recruitwatch extract` on one Russian file (median of 7, wall clock)", "s", "< 1.0"),
    "cold_start_cpu_s_median": ("The same, CPU seconds of the process", "s", "< 1.0"),
    "cold_start_no_cache_s_median": ("The same, first run after installing (lexicons compiled, no cache)", "s", ""),
    "ingest_docs_per_s": ("Ingest of local JSON Lines into SQLite, ~1% relevant, end to end", "docs/s", ">= 1,000"),
    "ingest_peak_rss_mb": ("Ingest, peak memory", "MB", ""),
    "link_ms_per_report_median": ("Linking one relevant report into a store of 20,000 incidents, median, one core", "ms", "<= 5"),
    "link_ms_per_report_p95": ("The same, p95", "ms", ""),
    "search_documents_p95_ms": ("Full-text search over documents, p95 (store size below)", "ms", "< 50"),
    "search_incident_list_p95_ms": ("Incident list with a text query and a filter, p95", "ms", "< 50"),
    "search_docs": ("Search: documents in the store", "docs", "1,000,000"),
    "big_input_s": ("A 50 MB input through `recruitwatch extract`", "s", ""),
    "big_input_peak_rss_mb": ("A 50 MB input, peak memory", "MB", "< 500"),
    "search_peak_rss_mb": ("Search benchmark, peak memory (building the store included)", "MB", ""),
    "web_list_c1_p95_ms": ("Web incident list p95, 1 connection (wrk; store as for search)", "ms", "< 100"),
    "web_list_p95_ms": ("Web incident list p95, 8 connections", "ms", "< 100"),
    "web_list_requests_per_s": ("Web incident list throughput, 8 connections", "requests/s", ""),
    "web_list_server_cpu_ms_per_request": ("Web incident list, server CPU per request (8 connections)", "ms", ""),
    "web_search_c1_p95_ms": ("Web search p95, 1 connection", "ms", "< 100"),
    "web_search_p95_ms": ("Web search p95, 8 connections", "ms", "< 100"),
    "web_search_requests_per_s": ("Web search throughput, 8 connections", "requests/s", ""),
    "api_list_requests_per_s": ("API incident list, 25 distinct cursor pages, 16 connections: throughput", "requests/s", ">= 300"),
    "api_list_p99_ms": ("API incident list, same run: p99", "ms", "< 200"),
    "web_server_peak_rss_mb": ("Web server, all processes, peak memory", "MB", ""),
    "web_server_peak_rss_mb_per_worker": ("Web server, one worker process, peak memory", "MB", ""),
    "backfill_1_worker_docs_per_s": ("Backfill on Dask, 1 worker (+ the writing driver), both cores", "docs/s", ""),
    "backfill_2_workers_docs_per_s": ("Backfill on Dask, 2 workers (+ the writing driver), both cores", "docs/s", ""),
    "backfill_speedup_2_over_1": ("Backfill speed-up, 2 workers over 1", "×", ">= 1.8"),
    "backfill_speedup_bound_2_cores": ("Backfill speed-up possible on 2 cores: 2P / (P + S), from CPU per document", "×", ""),
    "backfill_driver_peak_rss_mb": ("Backfill, the writing driver's peak memory", "MB", ""),
    "backfill_worker_peak_rss_mb": ("Backfill, one Dask worker's peak memory", "MB", ""),
    "tipline_ms_p50": ("Tipline, one message answered (fetched, handled, stored, answered; fake Bot API on 127.0.0.1), median", "ms", ""),
    "tipline_ms_p95": ("Tipline, the same, p95 (a whole appeal with a photo and a voice message, six languages)", "ms", "< 1,000"),
    "tipline_ms_max": ("Tipline, the same, slowest message", "ms", "< 1,000"),
    "alert_delay_s_max": ("Alert: a matching incident committed → its webhook request arrives, slowest of 7 (sender looping every 1 s)", "s", "<= 1 interval"),
    "alert_delay_s_median": ("Alert: the same, median", "s", ""),
    "alert_flood_messages": ("Alert: requests made by 1,000 new matching incidents at once", "messages", "1"),
}


def readme_table(results: dict) -> str:
    rows = ["| figure | value | target |", "| --- | --- | --- |"]
    for key, (label, unit, target) in LABELS.items():
        if key in results:
            rows.append(f"| {label} | {results[key]:,} {unit} | {target} |")
    if "web_skipped" in results:
        rows.append(f"\nWeb figures not measured: {results['web_skipped']}.")
    if results.get("load_avg_max", 0) > 1.0:
        rows.append(f"\nDuring the last runs other programs kept the machine busy (1-minute load average up to "
                    f"{results['load_avg_max']} on 2 cores): single-core figures are slower than on an idle machine.")
    busy = max(results.get(f"{k}_other_cpu_pct", 0) for k in ("web_list", "web_list_c1", "web_search", "web_search_c1", "api_list"))
    if busy > 10:
        rows.append(f"\nDuring the web runs other processes used up to {busy}% of a core: those latencies are inflated.")
    workers = results.get("web_workers", 1)
    rows.append("\nSingle-core rates (screening, extraction, stream) are per CPU second of the benchmark process.")
    rows.append(f"\nMeasured by `make bench` on {results['machine']}, 2 cores: one figure at a time, each pinned "
                f"to one core, except backfill (Dask workers and the driver on both) and the web figures "
                f"(`serve --workers {workers}` and wrk sharing both).")
    return "\n".join(rows)


def write_readme(results: dict) -> None:
    readme = ROOT / "docs" / "manual.md"  # the manual holds the figures; the README is the front page
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        readme.write_text(f"{before}{start}\n{readme_table(results)}\n{end}{after}", encoding="utf-8")


def main(only: list[str]) -> None:
    machine = f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
    unknown = [name for name in only if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    if only:
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        if "bench_web.py" in only:
            results.pop("web_skipped", None)
        results["machine"] = machine
        loads = []
        for script in only:
            loads.append(os.getloadavg()[0])
            results.update(_run(script))
        results["load_avg_max"] = round(max(loads), 1)
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(readme_table(results))
        return
    results = {"machine": machine}
    loads = []
    for script in BENCHMARKS:
        loads.append(os.getloadavg()[0])
        results.update(_run(script))
    results["load_avg_max"] = round(max(loads), 1)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_readme(results)
    print(readme_table(results))


if __name__ == "__main__":
    main(sys.argv[1:])
