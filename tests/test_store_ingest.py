"""Storing documents, reports and incidents: idempotent, unaltered, searchable, listable."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from recruitwatch.demo import demo_items
from recruitwatch.ingest import Ingestor
from recruitwatch.store import repository as repo
from recruitwatch.store.database import sessions
from recruitwatch.store.models import Document, Incident, IncidentChange, Mention, Report
from recruitwatch.store.queries import IncidentQuery, list_incidents, search_documents
from recruitwatch.workflows import incidents_with_documents


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_ingesting_the_same_input_twice_adds_nothing(db_url):
    items = demo_items()[:30]
    first = Ingestor(db_url).run(items)
    assert first.added == 30 and first.relevant > 10
    with sessions(db_url)() as s:
        before = (count(s, Document), count(s, Report), count(s, Incident), count(s, Mention))
    again = Ingestor(db_url).run(items)
    assert again.added == 0 and again.duplicates == 30
    with sessions(db_url)() as s:
        assert (count(s, Document), count(s, Report), count(s, Incident), count(s, Mention)) == before


def test_documents_keep_their_exact_bytes_and_hash(db_url):
    items = demo_items()[:5]
    Ingestor(db_url).run(items)
    with sessions(db_url)() as s:
        for item in items:
            sha = hashlib.sha256(item.raw).hexdigest()
            document = s.scalar(select(Document).where(Document.sha256 == sha))
            assert document is not None and document.fetched_at is not None
            assert repo.raw_bytes(document) == item.raw
            assert hashlib.sha256(repo.raw_bytes(document)).hexdigest() == document.sha256


def test_every_incident_lists_its_documents_and_its_history(db_url):
    Ingestor(db_url).run(demo_items())
    rows = incidents_with_documents(IncidentQuery(limit=1000), db_url)
    assert len(rows) > 40
    for row in rows:
        assert row["documents"], row["id"]
        assert all(d["url"] for d in row["documents"])
    with sessions(db_url)() as s:
        created = s.scalar(select(func.count()).select_from(IncidentChange).where(IncidentChange.action == "created"))
        assert created == count(s, Incident)


def test_search_finds_inflected_forms_in_russian_and_uzbek(db_url):
    Ingestor(db_url).run(demo_items())
    with sessions(db_url)() as s:
        moscow = search_documents(s, "Москва", 50)
        assert any("в Москве" in d.text for d in moscow)
        tashkent = search_documents(s, "Toshkent", 50)
        assert any("Toshkentda" in d.text or "Toshkentga" in d.text or "Тошкентда" in d.text for d in tashkent)
        ufa = {d.locator for d in search_documents(s, "Уфа", 50)}
        assert any("ufa" in locator for locator in ufa)


def test_incidents_filter_on_fields_dates_and_text(db_url):
    Ingestor(db_url).run(demo_items())
    with sessions(db_url)() as s:
        uzbeks = list_incidents(s, IncidentQuery(nationality="UZ", limit=500))
        assert uzbeks and all("UZ" in i.fields["victim_nationalities"] for i in uzbeks)
        bashkortostan = list_incidents(s, IncidentQuery(region="RU-BA", limit=500))
        assert bashkortostan and all("RU-BA" in i.fields["location_regions"] for i in bashkortostan)
        in_2024 = list_incidents(s, IncidentQuery(date_from="2024", date_to="2024", limit=500))
        assert in_2024 and all(i.date.startswith("2024") for i in in_2024)
        killed_uz = list_incidents(s, IncidentQuery(nationality="UZ", outcome="killed", limit=500))
        assert {i.id for i in killed_uz} <= {i.id for i in uzbeks}
        wagner = list_incidents(s, IncidentQuery(text="Вагнер", limit=500))
        assert wagner


def test_reprocess_extracts_again_and_keeps_what_an_analyst_reviewed(db_url):
    from recruitwatch.workflows import reprocess

    Ingestor(db_url).run(demo_items()[:20])
    with sessions(db_url)() as s, s.begin():
        incident = s.scalars(select(Incident).order_by(Incident.id)).first()
        incident.fields = {**incident.fields, "victim_status": "student"}
        incident.reviewed_fields = ["victim_status"]
        incident.review_state = "verified"
        reviewed_id = incident.id
        reports_before = count(s, Report)
    assert reprocess(url=db_url, force=True) > 0
    with sessions(db_url)() as s:
        assert s.get(Incident, reviewed_id).fields["victim_status"] == "student"
        assert count(s, Report) == reports_before  # same version: replaced, not added
        current = s.scalars(select(Report).where(Report.current.is_(True))).all()
        assert len({r.document_id for r in current}) == len(current)


def test_incidents_are_found_by_a_victim_name_written_in_another_script(db_url):
    Ingestor(db_url).run(demo_items())
    with sessions(db_url)() as s:
        latin = list_incidents(s, IncidentQuery(text="Firuz Davlatov", limit=50))
        cyrillic = list_incidents(s, IncidentQuery(text="Фируз Давлатов", limit=50))
        assert latin and {i.id for i in latin} <= {i.id for i in cyrillic}


def test_an_ingest_run_leaves_the_incident_search_index_merged(db_url):
    """Every linked report rewrites its incident's search text; SQLite's FTS5 keeps the old
    entries until a merge, and searches slow down with them. A run ends with the merge."""
    import pytest
    from sqlalchemy import text

    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.store import repository as repo
    from recruitwatch.store.database import sessions
    from recruitwatch.store.queries import IncidentQuery, count_incidents

    if not db_url.startswith("sqlite"):
        pytest.skip("FTS5 is SQLite's; PostgreSQL's GIN index needs no merge")
    Ingestor(db_url).run(demo_items())
    with sessions(db_url)() as s:
        merged = s.execute(text("SELECT count(*) FROM incidents_fts_data")).scalar()
        repo.tidy_incident_search(s)
        s.commit()
        assert s.execute(text("SELECT count(*) FROM incidents_fts_data")).scalar() == merged  # the run merged it
        found = count_incidents(s, IncidentQuery(text="Uzbekistan"))
        for _ in range(3):  # edits, as linking makes them
            s.execute(text("UPDATE incidents SET search_text = search_text || ' '"))
            s.commit()
        assert s.execute(text("SELECT count(*) FROM incidents_fts_data")).scalar() > merged
        repo.tidy_incident_search(s)
        s.commit()
        assert s.execute(text("SELECT count(*) FROM incidents_fts_data")).scalar() <= merged
        assert count_incidents(s, IncidentQuery(text="Uzbekistan")) == found > 0
