"""Linking a screened-in report into a store of 20,000 incidents, on one core.

The store: 20,000 machine incidents with invented victims (names from a
pool of given names and surnames, nationalities, regions, months), made
through the repository as ingest makes them. Then each relevant report of the
dev corpus (tests/corpus) is stored as a document and report (not timed) and
linked (timed: blocking, the decisions, the new incident or the merge, the
writes), one transaction per report, as ingest does.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from recruitwatch.extract.pipeline import extract_text
from recruitwatch.ingest import EXTRACTOR_VERSION, Ingestor
from recruitwatch.store import repository as repo
from recruitwatch.store.database import engine_for, sessions, upgrade
from recruitwatch.store.models import Document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
N = 20_000
GIVEN = ["Aziz", "Bobur", "Dilshod", "Farrukh", "Jamshid", "Komil", "Murod", "Nodir", "Rustam", "Sardor",
         "Temur", "Ulugbek", "Anvar", "Bekzod", "Davron", "Eldor", "Firdavs", "Golib", "Hasan", "Ilhom",
         "Ram", "Suresh", "Binod", "Kwame", "Joseph", "Peter", "Carlos", "Yoel", "Ahmad", "Omar"]
SURNAMES = ["ov", "ev", "zoda", "bekov", "iyev", "murodov", "aliyev", "karimov", "nazarov", "tursunov"]
NATIONS = ["UZ", "TJ", "KG", "KZ", "IN", "NP", "CU", "KE", "GH", "CM"]
REGIONS = ["RU-MOW", "RU-MOS", "RU-SPE", "RU-TA", "RU-SVE", "RU-NVS", "RU-KDA", "RU-ROS", "RU-BA", "RU-SAM"]


def _store(url: str) -> None:
    rng = random.Random(13)
    made = 0
    while made < N:
        with sessions(url)() as session, session.begin():
            for _ in range(min(1000, N - made)):
                stem = "".join(rng.choice("bdfgklmnrstvz") + rng.choice("aeiou") for _ in range(3))
                fields = {
                    "victim_nationalities": [rng.choice(NATIONS)],
                    "victim_status": rng.choice(["migrant_worker", "prisoner", "student"]),
                    "victim_count": 1,
                    "victim_names": [f"{rng.choice(GIVEN)} {stem.capitalize()}{rng.choice(SURNAMES)}"] if rng.random() < 0.7 else [],
                    "location_country": "RU",
                    "location_regions": [rng.choice(REGIONS)],
                    "perpetrators": ["police"],
                    "methods": ["raid_detention"],
                    "outcomes": ["signed_contract"],
                    "date": f"{rng.randint(2022, 2025)}-{rng.randint(1, 12):02d}",
                }
                repo.create_incident(session, fields, repo.incident_search_text(fields))
                made += 1


def main() -> None:
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        gold = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        if gold.get("relevant"):
            texts.append((path.name, path.read_text(encoding="utf-8")))
    records = [(name, text, extract_text(text, source=name)) for name, text in texts]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/link.db"
        upgrade(url)
        start = time.perf_counter()
        _store(url)
        build = time.perf_counter() - start
        ingestor = Ingestor(url)
        cpu_ms, wall_ms = [], []
        for i, (name, text, record) in enumerate(records):
            with sessions(url)() as session, session.begin():
                document = Document(sha256=f"{i:064d}", kind="folder", locator=name, raw=b"", text=text,
                                    fetched_at=dt.datetime.now(dt.UTC), screened=True, meta={})
                session.add(document)
                session.flush()
                report = repo.add_report(session, document, record, EXTRACTOR_VERSION)
                c0, w0 = time.process_time(), time.perf_counter()
                if record["relevant"]:
                    ingestor.link_report(session, report, document)
                cpu_ms.append((time.process_time() - c0) * 1000)
                wall_ms.append((time.perf_counter() - w0) * 1000)
        engine_for(url).dispose()
    print(json.dumps({
        "link_store_incidents": N,
        "link_store_build_s": round(build),
        "link_reports": len(records),
        "link_ms_per_report_median": round(statistics.median(cpu_ms), 2),
        "link_ms_per_report_p95": round(sorted(cpu_ms)[int(0.95 * (len(cpu_ms) - 1))], 2),
        "link_ms_per_report_wall_median": round(statistics.median(wall_ms), 2),
        "link_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
