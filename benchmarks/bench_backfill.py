"""`recruitwatch backfill` on a local Dask cluster of 1, then 2 worker processes, into SQLite.

The input is the ingest benchmark's (generated ~3 KB news, ~1% relevant). Each
run gets a fresh database and a started, warmed-up cluster (lexicons loaded in
every worker): the figure is the backfill's own speed, and the cluster's start
is reported apart. The driver (this process) writes and links while the
workers prepare, so with 2 workers on a 2-core machine it competes with them
for a core: `backfill_driver_store_share` says how much of the run it spent
writing. `--profile` prints where the driver's time goes (2 workers).

Not pinned to one core by run_all.py: it needs both.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

from bench_ingest import write_jsonl

N = 20_000


def _warm() -> None:
    """Load the lexicons in a worker, as its first real partition would."""
    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import prepare_item

    for item in demo_items()[:3]:
        prepare_item(item)


def _peak_rss_mb() -> int:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _busy() -> float:
    """CPU seconds the whole machine has spent busy (to tell what other programs took meanwhile)."""
    import psutil

    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def run(source: Path, tmp: str, workers: int, profile: bool = False) -> dict:
    from recruitwatch.scale import backfill, connect
    from recruitwatch.store.database import upgrade

    url = f"sqlite:///{tmp}/backfill-{workers}.db"
    upgrade(url)
    start = time.perf_counter()
    with connect("local", workers) as client:  # as `recruitwatch backfill --workers N` starts it
        client.run(_warm)
        workers_cpu = sum(client.run(time.process_time).values())
        driver_cpu = time.process_time()
        busy = _busy()
        ready = time.perf_counter()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        stats = backfill([str(source)], url=url, client=client)
        elapsed = time.perf_counter() - ready
        driver_cpu = time.process_time() - driver_cpu
        workers_cpu = sum(client.run(time.process_time).values()) - workers_cpu
        worker_peak = max(client.run(_peak_rss_mb).values())
        others = max(0.0, _busy() - busy - driver_cpu - workers_cpu) / elapsed
        if profiler:
            profiler.disable()
            out = io.StringIO()
            # The writer's parts: bulk inserts, linking, commits, waiting for workers, unpickling.
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
                r"ingest.py|scale/backfill.py|executemany|\.commit|as_completed|loads")
            sys.stderr.write(out.getvalue())
    return {"docs": stats.documents.added, "relevant": stats.documents.relevant, "partitions": stats.partitions,
            "seconds": elapsed, "startup": ready - start, "store": stats.store_seconds, "wait": stats.wait_seconds,
            "driver_cpu": driver_cpu, "workers_cpu": workers_cpu, "others": others, "worker_peak_mb": worker_peak}


def main(args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "news.jsonl"
        n_relevant = write_jsonl(source, N)
        one = run(source, tmp, 1)
        two = run(source, tmp, 2, profile="--profile" in args)
    assert one["docs"] == two["docs"] == N and one["relevant"] == two["relevant"]
    print(json.dumps({
        "backfill_docs": N,
        "backfill_relevant_share": round(n_relevant / N, 4),
        "backfill_partitions": one["partitions"],
        "backfill_1_worker_docs_per_s": round(N / one["seconds"]),
        "backfill_2_workers_docs_per_s": round(N / two["seconds"]),
        "backfill_speedup_2_over_1": round(one["seconds"] / two["seconds"], 2),
        "backfill_driver_store_share_1_worker": round(one["store"] / one["seconds"], 2),
        "backfill_driver_store_share_2_workers": round(two["store"] / two["seconds"], 2),
        "backfill_cluster_start_s": round(two["startup"], 1),
        "backfill_driver_peak_rss_mb": _peak_rss_mb(),  # the writing driver, both runs
        "backfill_worker_peak_rss_mb": max(one["worker_peak_mb"], two["worker_peak_mb"]),
        "backfill_other_load_cores": round(max(one["others"], two["others"]), 2),  # other programs, busy cores
        # CPU per document, whatever else the machine runs: P on the workers, S in the driver.
        "backfill_worker_cpu_ms_per_doc": round(1000 * two["workers_cpu"] / N, 3),
        "backfill_driver_cpu_ms_per_doc": round(1000 * two["driver_cpu"] / N, 3),
        # With P + S of CPU per document and 2 cores, 2 workers can be at most 2P / (P + S) times faster than 1.
        "backfill_speedup_bound_2_cores": round(2 * two["workers_cpu"] / (two["workers_cpu"] + two["driver_cpu"]), 2),
    }))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
