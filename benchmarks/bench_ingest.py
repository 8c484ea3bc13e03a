"""End-to-end ingest of local JSON Lines into SQLite on one core, about 1% of it relevant."""

from __future__ import annotations

import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

from newsgen import articles

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
N = 20_000


def relevant_texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        gold = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        if gold.get("relevant"):
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def write_jsonl(path: Path, n: int) -> int:
    rng = random.Random(3)
    relevant = relevant_texts()
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(articles(n)):
            if rng.random() < 0.01:
                text = rng.choice(relevant) + f"\n\n(republished, item {i})"
                count += 1
            fh.write(json.dumps({"id": f"n{i}", "text": text, "url": f"https://news.example/{i}"}) + "\n")
    return count


def main() -> None:
    from recruitwatch.workflows import ingest

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "news.jsonl"
        n_relevant = write_jsonl(source, N)
        url = f"sqlite:///{tmp}/bench.db"
        start = time.perf_counter()
        stats = ingest(str(source), url=url)
        elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "ingest_docs": stats.added,
        "ingest_relevant_share": round(n_relevant / N, 4),
        "ingest_docs_per_s": round(stats.added / elapsed),
        "ingest_peak_rss_mb": round(rss),
    }))


if __name__ == "__main__":
    sys.exit(main())
