"""Screening throughput on ~3 KB irrelevant news, one core (CPU seconds of this process)."""

from __future__ import annotations

import json
import resource
import time

from newsgen import articles
from recruitwatch.extract.screen import screen


def main() -> None:
    docs = list(articles(6000))
    screen(docs[0])  # build the automaton outside the timing
    start = time.process_time()
    passed = sum(screen(d).passed for d in docs)
    elapsed = time.process_time() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "screen_docs_per_s": round(len(docs) / elapsed),
        "screen_avg_doc_bytes": round(sum(len(d.encode()) for d in docs) / len(docs)),
        "screen_false_passes": passed,
        "screen_peak_rss_mb": round(rss),
    }))


if __name__ == "__main__":
    main()
