"""Small stores built through the repository: documents, reports and incidents with known fields."""

from __future__ import annotations

import datetime as dt
import hashlib

from recruitwatch.link.incidents import merge_fields
from recruitwatch.store import repository as repo
from recruitwatch.store.models import Document, Incident, Report, utcnow

EMPTY = {
    "victim_nationalities": [],
    "victim_status": "unknown",
    "victim_count": None,
    "victim_names": [],
    "location_country": None,
    "location_regions": [],
    "perpetrators": [],
    "methods": [],
    "outcomes": [],
    "date": None,
}


def fields(**values) -> dict:
    return {**EMPTY, **values}


def evidence_for(text: str, found: dict) -> list[dict]:
    """An evidence entry for every value that occurs in the text, as the extractor gives them."""
    out = []
    for field, value in found.items():
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v in text:
                start = text.index(v)
                out.append({"field": field, "value": v, "start": start, "end": start + len(v), "quote": v})
    return out


def add_document(session, n: int, incidents: list[dict], *, language: str = "en", url: str | None = None,
                 text: str | None = None, published: dt.date | None = None, locator: str | None = None,
                 title: str | None = None) -> Report:
    """A document whose current report found these incidents (each with evidence)."""
    text = text or f"Report {n}: " + " ".join(str(v) for f in incidents for v in f["victim_names"] + f["methods"])
    document = Document(
        sha256=hashlib.sha256(f"document {n}".encode()).hexdigest(), kind="page",
        locator=locator or url or f"/data/doc{n}.txt", url=url, title=title or f"Document {n}", published=published or dt.date(2024, 1, 1) + dt.timedelta(days=n),
        fetched_at=utcnow(), raw=repo.compress(text.encode()), text=text, search_text=text.lower(), language=language,
        screened=True, meta={},
    )
    session.add(document)
    session.flush()
    record = {
        "source": document.locator, "language": language, "relevant": True, "relevance_score": 0.9,
        "incidents": [{**f, "evidence": evidence_for(text, f)} for f in incidents], "legal_refs": [], "organisations": [],
    }
    return repo.add_report(session, document, record, "test-1")


def link(session, report: Report, position: int, incident: Incident | None = None) -> Incident:
    """Attach one incident of a report: to a new Incident, or to `incident` as linking would."""
    found = {k: v for k, v in report.record["incidents"][position].items() if k != "evidence"}
    if incident is None:
        incident = repo.create_incident(session, found, repo.incident_search_text(found))
        repo.add_mention(session, report, position, incident, 1.0, "new incident")
        return incident
    merged = merge_fields(incident.fields, found)
    repo.update_incident(session, incident, merged, repo.incident_search_text(merged), actor="machine",
                         action="linked", detail={"report_id": report.id, "score": 0.9, "why": "test"})
    repo.add_mention(session, report, position, incident, 0.9, "same victim full name")
    return incident


def new_incident(session, n: int, language: str = "en", url: str | None = None, **values) -> Incident:
    """A document reporting one incident with these fields, linked to a new Incident."""
    return link(session, add_document(session, n, [fields(**values)], language=language, url=url), 0)
