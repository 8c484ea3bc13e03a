"""Pairwise precision and recall of incident linking on tests/linking (or another set).

Ingests every report of the set into a fresh SQLite database, then compares
which reports ended up on a common incident with the gold incident labels.

    python scripts/evaluate_linking.py [tests/linking/reports.jsonl] [--details]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def evaluate(path: Path) -> dict:
    from recruitwatch.ingest import Ingestor
    from recruitwatch.link.scoring import pairwise
    from recruitwatch.sources import reader_for
    from recruitwatch.store.database import engine_for, sessions, upgrade
    from recruitwatch.store.models import Document, Mention, Report

    gold = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[row.get("url") or row["id"]] = row["incident"]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/linking.db"
        upgrade(url)
        Ingestor(url).run(reader_for("jsonl")(str(path)))
        predicted: dict[str, set[int]] = {}
        with sessions(url)() as session:
            rows = session.query(Document.locator, Document.url, Mention.incident_id).join(
                Report, Report.document_id == Document.id
            ).join(Mention, Mention.report_id == Report.id)
            for locator, doc_url, incident_id in rows:
                predicted.setdefault(doc_url or locator, set()).add(incident_id)
        engine_for(url).dispose()
    scores = pairwise(gold, predicted)
    scores["reports"] = len(gold)
    scores["reports_without_incident"] = sorted(r for r in gold if r not in predicted)
    return scores


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else ROOT / "tests" / "linking" / "reports.jsonl"
    scores = evaluate(path)
    print(f"{scores['reports']} reports, {scores['pairs_true']} true pairs: "
          f"precision {scores['precision']:.3f}, recall {scores['recall']:.3f} "
          f"(tp {scores['tp']}, fp {scores['fp']}, fn {scores['fn']}); "
          f"{len(scores['reports_without_incident'])} reports with no incident extracted")
    if "--details" in sys.argv:
        print("wrongly linked:", scores["wrongly_linked"])
        print("missed:", scores["missed"])
        print("no incident:", scores["reports_without_incident"])


if __name__ == "__main__":
    main()
