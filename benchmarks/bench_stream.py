"""A near-topic news stream through `recruitwatch extract`'s code path, one core; and its start-up.

The stream: the near-topic negatives of ../shared/corpus/real (real reports on
raids, migration, the army, prisons: files with `_neg_` in the name), each
followed by six generated ordinary news articles of the same average size
(newsgen.py), so one document in seven is a real near-topic report. Files are
read, decoded, extracted and written as JSON Lines exactly as the CLI does
(extract_inputs), after start-up (a report in each language); the stream is
then run again (every word seen before: the steady state of a long stream).
Rates are per CPU second of this process (on a busy machine waiting for the
core is not counted; wall-clock figures are given too). Start-up is a new process running
`python -m recruitwatch extract` on one Russian report (median of 7), with the
lexicon cache and, once more, without it (the first run after installing).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsgen import articles
from recruitwatch.extract.cascade import triage
from recruitwatch.extract.screen import screen
from recruitwatch.extract.service import extract_inputs
from recruitwatch.text.langid import detect_language

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
SAMPLE = ROOT / "tests" / "corpus" / "ru_001_krasnogorsk_sklad_raid.txt"
GENERATED_PER_REAL = 6


def _startup(runs: int = 7, **env: str) -> tuple[float, float]:
    """Median wall and CPU seconds of a new `recruitwatch extract` process on one file
    (this checkout's code, whatever is installed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "recruitwatch", "extract", str(SAMPLE)], capture_output=True, check=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def _stream(folder: Path) -> list[Path]:
    negatives = sorted(REAL.glob("*_neg_*.txt"))
    size = round(statistics.mean(len(p.read_bytes()) for p in negatives))
    generated = articles(len(negatives) * GENERATED_PER_REAL, size=size, seed=11)
    paths = []
    for i, negative in enumerate(negatives):
        paths.append(negative)
        for j in range(GENERATED_PER_REAL):
            path = folder / f"news_{i:03d}_{j}.txt"
            path.write_text(next(generated), encoding="utf-8")
            paths.append(path)
    return paths


def _one_per_language() -> list[str]:
    """A dev-corpus report in each language (their lexicons are loaded at start-up in a long run)."""
    firsts: dict[str, Path] = {}
    for path in sorted((ROOT / "tests" / "corpus").glob("*.txt")):
        firsts.setdefault(path.name.split("_")[0], path)
    return [str(p) for p in firsts.values()]


def _run(paths: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds of `recruitwatch extract` over the files (records to /dev/null), and relevant records."""
    relevant = 0
    with open(os.devnull, "w", encoding="utf-8") as out:
        start, cpu = time.perf_counter(), time.process_time()
        for record in extract_inputs(paths):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            relevant += record["relevant"]
        return time.perf_counter() - start, time.process_time() - cpu, relevant


def main() -> None:
    wall, cpu = _startup()
    no_cache, _ = _startup(RECRUITWATCH_NO_CACHE="1")
    results = {"cold_start_s_median": round(wall, 3), "cold_start_cpu_s_median": round(cpu, 3),
               "cold_start_no_cache_s_median": round(no_cache, 3)}
    if not REAL.is_dir():
        sys.stderr.write(f"SKIPPED the near-topic stream: {REAL} is absent\n")
        print(json.dumps(results))
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(p) for p in _stream(Path(tmp))]
        texts = [Path(p).read_text(encoding="utf-8") for p in paths]
        passed = sum(screen(t).passed for t in texts)
        full = sum(triage(t, detect_language(t)).likely_relevant for t in texts)
        list(extract_inputs(_one_per_language()))  # start-up: models and every language's lexicons loaded
        (elapsed, cpu, relevant), (_, warm, _) = _run(paths), _run(paths)
    results.update({
        "stream_docs": len(paths),
        "stream_avg_doc_bytes": round(sum(len(t.encode("utf-8")) for t in texts) / len(texts)),
        "stream_screen_passes": passed,
        "stream_full_analyses": full,
        "stream_relevant": relevant,
        "stream_docs_per_s": round(len(paths) / cpu),
        "stream_docs_per_s_wall": round(len(paths) / elapsed),
        "stream_docs_per_s_warm": round(len(paths) / warm),
        "stream_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    })
    print(json.dumps(results))


if __name__ == "__main__":
    main()
