"""A 50 MB input through `recruitwatch extract`: wall time and peak memory of the process."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsgen import articles

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.txt"
        block = "\n\n".join(articles(300)) + "\n\n"
        with big.open("w", encoding="utf-8") as fh:
            written = 0
            while written < 50 * 1024 * 1024:
                fh.write(block)
                written += len(block.encode("utf-8"))
        start = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}  # this checkout's code, whatever is installed
        subprocess.run([sys.executable, "-m", "recruitwatch", "extract", str(big)], capture_output=True, check=True, env=env)
        elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"big_input_mb": 50, "big_input_s": round(elapsed, 2), "big_input_peak_rss_mb": round(rss)}))


if __name__ == "__main__":
    main()
