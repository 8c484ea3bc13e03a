"""Full extraction throughput on the relevant texts of the dev corpus and of the real corpus, one core.

Times are CPU seconds of this process: on a busy machine, waiting for the core
is not counted (on an idle one the two agree)."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import yaml

from recruitwatch.extract.pipeline import extract_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
REAL = ROOT.parent / "shared" / "corpus" / "real"


def relevant_texts(folder: Path) -> list[str]:
    docs = []
    for path in sorted(folder.glob("*.txt")):
        gold = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        if gold.get("relevant"):
            docs.append(path.read_text(encoding="utf-8"))
    return docs


def main() -> None:
    docs = relevant_texts(CORPUS)
    real = relevant_texts(REAL) if REAL.is_dir() else []
    start = time.process_time()
    extract_text(docs[0])
    warm = time.process_time() - start  # loads models and compiles lexicons
    start = time.process_time()
    for d in docs:
        extract_text(d)
    first_pass = time.process_time() - start
    start = time.process_time()
    rounds = 3
    for _ in range(rounds):
        for d in docs:
            extract_text(d)
    warm_pass = (time.process_time() - start) / rounds
    results = {}
    if real:  # new words (new keys to compute) as in a live stream
        start = time.process_time()
        for d in real:
            extract_text(d)
        results = {"extract_real_docs": len(real), "extract_real_docs_per_s_first_pass": round(len(real) / (time.process_time() - start), 1)}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        **results,
        "extract_docs": len(docs),
        "extract_avg_doc_bytes": round(sum(len(d.encode("utf-8")) for d in docs) / len(docs)),
        "extract_startup_s": round(warm, 2),
        "extract_docs_per_s_first_pass": round(len(docs) / first_pass, 1),
        "extract_docs_per_s_warm": round(len(docs) / warm_pass, 1),
        "extract_peak_rss_mb": round(rss),
    }))


if __name__ == "__main__":
    main()
