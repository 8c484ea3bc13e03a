"""`make bench`: every speed and memory figure of the README, measured on one core.

Each figure runs in its own process (peak memory is per process) pinned to one
CPU where the machine allows it. Results go to benchmarks/results.json and a
Markdown table on standard output.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"


def _run(script: str) -> dict:
    cmd = [sys.executable, str(HERE / script)]
    if hasattr(os, "sched_setaffinity") and os.path.exists("/usr/bin/taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold_start(runs: int = 7) -> dict:
    sample = ROOT / "tests" / "corpus" / "seed_001_yusuf_police.txt"
    exe = Path(sys.executable).with_name("recruitwatch")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), "extract", str(sample)], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return {"cold_start_s_median": round(statistics.median(times), 3), "cold_start_s_max": round(max(times), 3)}


def main() -> None:
    results = {"machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"}
    results.update(_run("bench_screen.py"))
    results.update(_run("bench_extract.py"))
    results.update(cold_start())
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("| figure | value |\n| --- | --- |")
    for key, value in results.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
