"""Which stored incidents a new report is compared with (repository.blocked_incidents): found through
indexes, so that a large store answers fast, and never fewer than linking could link."""

from __future__ import annotations

import datetime as dt

from recruitwatch.link.compare import date_window
from recruitwatch.store import repository as repo
from recruitwatch.store.database import sessions
from recruitwatch.store.models import Document
from recruitwatch.vocab import empty_incident


def _stored(session, n: int, published: dt.date, **fields) -> int:
    """An incident as ingest makes it: the incident, its document, report and mention."""
    record_fields = {**empty_incident(), **fields}
    incident = repo.create_incident(session, record_fields, repo.incident_search_text(record_fields))
    document = Document(sha256=f"{n:064d}", kind="folder", locator=f"doc{n}", raw=b"", text="text",
                        fetched_at=dt.datetime.now(dt.UTC), screened=True, meta={}, published=published)
    session.add(document)
    session.flush()
    record = {"relevant": True, "relevance_score": 0.9, "incidents": [record_fields], "legal_refs": [], "organisations": []}
    report = repo.add_report(session, document, record, "test")
    repo.add_mention(session, report, 0, incident, 1.0, "new incident")
    return incident.id


def _candidates(session, window_of: str, nationalities=("UZ",)) -> set[int]:
    fields = {"victim_names": [], "victim_nationalities": list(nationalities)}
    return {i.id for i in repo.blocked_incidents(session, fields, {"RU-TUL"}, date_window(window_of), set())}


def test_an_undated_incident_is_a_candidate_for_reports_dated_near_its_reports(db_url):
    with sessions(db_url)() as session, session.begin():
        undated = _stored(session, 1, dt.date(2025, 10, 15), victim_nationalities=["UZ"],
                          location_country="RU", location_regions=["RU-TUL"])
        elsewhere = _stored(session, 2, dt.date(2025, 10, 15), victim_nationalities=["UZ"],
                            location_country="RU", location_regions=["RU-KDA"])
        other_people = _stored(session, 3, dt.date(2025, 10, 15), victim_nationalities=["TJ"],
                               location_country="RU", location_regions=["RU-TUL"])
        assert _candidates(session, "2025-10-09") == {undated}
        assert undated not in _candidates(session, "2024-01")  # reported long after: another raid
        assert elsewhere not in _candidates(session, "2025-10-09") and other_people not in _candidates(session, "2025-10-09")
