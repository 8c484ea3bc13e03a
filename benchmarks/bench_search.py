"""Search latency over a large SQLite store: documents of ordinary news plus relevant reports and incidents.

Builds the store with bulk inserts (the same schema and search text the
ingest writes), then times `search_documents` and `list_incidents` with a text
query for a set of queries in three languages. Size from RECRUITWATCH_BENCH_DOCS
(default 1,000,000 documents) and RECRUITWATCH_BENCH_INCIDENTS (default 20,000).
"""

from __future__ import annotations

import json
import os
import random
import resource
import sqlite3
import statistics
import tempfile
import time
import zlib
from pathlib import Path

from newsgen import articles

QUERIES = ["Москва", "Toshkent", "Uzbek", "мигрант", "Wagner", "Уфа", "контракт", "police raid", "Bashkortostan", "qamoq"]


def build(db: Path, n_docs: int, n_incidents: int) -> None:
    from recruitwatch.store.database import upgrade
    from recruitwatch.text.search_keys import index_text

    upgrade(f"sqlite:///{db}")
    rng = random.Random(5)
    pool = list(articles(3000, size=1500))
    relevant = [t for t in pool[:0]]
    corpus = Path(__file__).resolve().parent.parent / "tests" / "corpus"
    relevant = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    rows = []
    for i in range(n_docs):
        text = rng.choice(relevant) if i % 100 == 0 else pool[i % len(pool)]
        keyed = i % 100 == 0
        search = index_text(text, "ru", keyed=keyed) if keyed else " ".join(text.lower().split())
        rows.append((f"{i:064x}", "jsonl", f"bench#{i}", "2024-01-01 00:00:00", "text/plain",
                     zlib.compress(text.encode()[:200]), text[:300], search, "{}", "2024-01-01 00:00:00", 0))
        if len(rows) == 10_000:
            _insert(con, rows)
            rows = []
    if rows:
        _insert(con, rows)
    fields = {"victim_nationalities": ["UZ"], "location_regions": ["RU-MOW"], "methods": ["summons"]}
    con.executemany(
        "INSERT INTO incidents (fields, review_state, reviewed_fields, location_country, date, search_text, first_seen, updated_at) "
        "VALUES (?, 'machine', '[]', 'RU', ?, ?, '2024-01-01', '2024-01-01')",
        [(json.dumps(fields), f"2024-{1 + i % 12:02d}", "uz ru-mow summons москва moskva migrant") for i in range(n_incidents)],
    )
    con.commit()
    con.close()


def _insert(con, rows) -> None:
    con.executemany(
        "INSERT INTO documents (sha256, kind, locator, fetched_at, media_type, raw, text, search_text, meta, created_at, screened) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.commit()


def main() -> None:
    from recruitwatch.store.database import sessions
    from recruitwatch.store.queries import IncidentQuery, list_incidents, search_documents

    n_docs = int(os.environ.get("RECRUITWATCH_BENCH_DOCS", 1_000_000))
    n_incidents = int(os.environ.get("RECRUITWATCH_BENCH_INCIDENTS", 20_000))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "search.db"
        start = time.perf_counter()
        build(db, n_docs, n_incidents)
        built = time.perf_counter() - start
        times = {"documents": [], "incidents": []}
        with sessions(f"sqlite:///{db}")() as session:
            for _ in range(3):
                for q in QUERIES:
                    t = time.perf_counter()
                    search_documents(session, q, 20)
                    times["documents"].append(time.perf_counter() - t)
                    t = time.perf_counter()
                    list_incidents(session, IncidentQuery(text=q, nationality="UZ", limit=50))
                    times["incidents"].append(time.perf_counter() - t)
    p95 = {k: round(statistics.quantiles(v, n=20)[-1] * 1000, 1) for k, v in times.items()}
    print(json.dumps({
        "search_docs": n_docs,
        "search_incidents": n_incidents,
        "search_build_s": round(built),
        "search_documents_p95_ms": p95["documents"],
        "search_incident_list_p95_ms": p95["incidents"],
        "search_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),  # building the store included
    }))


if __name__ == "__main__":
    main()
