"""Entering an incident by hand from a document (issue 14): what the machine missed, with the passage
that says it as every value's evidence; kept through re-extraction, and found by later reports."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from recruitwatch.sources.base import SourceItem

# An invented appeal the screen keeps out (no word of recruitment), about a man the machine cannot see.
APPEAL = (
    "Letter from a mother in Osh\n\n"
    "My son Temirlan Abdykadyrov, 24, went to Yekaterinburg in May 2025 to work on a building site. "
    "In July he phoned to say the foreman had taken his passport and told him he would be sent away. "
    "Since then we have heard nothing."
)
QUOTE = "the foreman had taken his passport and told him he would be sent away"


def _item(name: str, text: str) -> SourceItem:
    return SourceItem("jsonl", f"https://outlet.test/{name}", text.encode(), dt.datetime(2025, 9, 1, tzinfo=dt.UTC), text=text)


@pytest.fixture
def client(db_url):
    from recruitwatch.ingest import Ingestor
    from recruitwatch.web.app import create_app

    from .web_helpers import make_user, sign_in

    Ingestor(db_url).run([_item("appeal", APPEAL)])
    make_user(db_url, "ana", "analyst")
    make_user(db_url, "cw", "caseworker")
    client = TestClient(create_app(db_url))
    assert sign_in(client, "ana").status_code == 303
    return client


def _document_id(db_url) -> int:
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Document

    with sessions(db_url)() as session:
        return session.query(Document.id).one()[0]


def _enter(client, document_id: int, **values):
    from .web_helpers import post_form

    path = f"/documents/{document_id}/incidents/new"
    data = {"victim_nationalities": "Kyrgyzstan", "victim_status": "migrant_worker", "victim_count": "1",
            "victim_names": "Temirlan Abdykadyrov", "location_country": "RU", "location_regions": "Sverdlovsk Oblast",
            "date": "2025-07", "methods": ["document_confiscation", "threat"], "quote": QUOTE, "reason": "a mother's letter"}
    data.update(values)
    return post_form(client, path, path, data)


def test_an_analyst_enters_what_the_machine_missed_and_each_value_shows_the_quoted_passage(client, db_url):
    document_id = _document_id(db_url)
    form = client.get(f"/documents/{document_id}")
    assert f'href="/documents/{document_id}/incidents/new"' in form.text
    answer = _enter(client, document_id)
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"]).text
    incident_id = int(re.search(r"/incidents/(\d+)", answer.headers["location"]).group(1))
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    with sessions(db_url)() as session:
        incident = session.get(Incident, incident_id)
        assert incident.review_state == "verified"
        assert incident.fields["victim_nationalities"] == ["KG"] and incident.fields["location_regions"] == ["RU-SVE"]
        assert incident.fields["methods"] == ["document_confiscation", "threat"] and incident.fields["date"] == "2025-07"
        assert set(incident.reviewed_fields) >= {"methods", "victim_names", "location_regions"}
    assert page.count(QUOTE) >= 2  # the passage under the values it supports
    assert f'/documents/{document_id}#ev-' in page  # and it links to its mark in the document
    marked = client.get(f"/documents/{document_id}").text
    assert f"<mark id=\"ev-{APPEAL.index(QUOTE)}\"" in marked and f'href="/incidents/{incident_id}"' in marked


def test_a_refused_entry_keeps_what_was_typed_and_says_what_is_wrong(client, db_url):
    document_id = _document_id(db_url)
    answer = _enter(client, document_id, quote="a sentence that is not there", victim_names="Temirlan Abdykadyrov")
    assert answer.status_code == 400 and "not in the document" in answer.text
    assert 'value="Temirlan Abdykadyrov"' in answer.text and 'value="document_confiscation" checked' in answer.text
    answer = _enter(client, document_id, methods=["made_up"])
    assert answer.status_code == 400 and "made_up" in answer.text
    assert _enter(client, document_id, date="2025-13").status_code == 400
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    with sessions(db_url)() as session:
        assert session.query(Incident).count() == 0  # nothing half-made


def test_a_quote_copied_from_the_page_matches_across_line_breaks_and_spaces():
    from recruitwatch.store.review import find_quote

    text = "first line\nThe foreman   had taken\nhis passport."
    assert find_quote(text, "The foreman had taken his passport") == (11, 47)
    assert find_quote(text, "  ") is None and find_quote(text, "taken her passport") is None
    hostile = "a " * 100_000 + "b"  # a quote that almost matches everywhere cannot make the search slow
    assert find_quote(hostile, "a " * 2500 + "c") is None


def test_only_reviewers_may_enter_an_incident(client, db_url):
    from .web_helpers import sign_in

    document_id = _document_id(db_url)
    public = TestClient(client.app)
    assert public.get(f"/documents/{document_id}/incidents/new", follow_redirects=False).status_code in (303, 401, 403)
    caseworker = TestClient(client.app)
    sign_in(caseworker, "cw")
    assert caseworker.get(f"/documents/{document_id}/incidents/new").status_code == 403


def test_the_entry_survives_re_extraction_and_a_later_report_of_the_man_links_to_it(client, db_url):
    from recruitwatch.ingest import Ingestor
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident, Mention
    from recruitwatch.workflows import reprocess

    document_id = _document_id(db_url)
    answer = _enter(client, document_id)
    incident_id = int(re.search(r"/incidents/(\d+)", answer.headers["location"]).group(1))
    reprocess(url=db_url, force=True)
    reprocess(url=db_url, force=True)
    page = client.get(f"/incidents/{incident_id}").text
    assert QUOTE in page and f'href="/documents/{document_id}' in page
    later = (
        "Kyrgyz builder forced into the army\n\n"
        "Temirlan Abdykadyrov, a 24-year-old builder from Kyrgyzstan, was made to sign a contract with the Russian "
        "army in Yekaterinburg in July 2025 after his foreman took his passport, his mother told Azattyk."
    )
    Ingestor(db_url).run([_item("later", later)])
    with sessions(db_url)() as session:
        assert session.query(Incident).filter(Incident.merged_into.is_(None)).count() == 1
        assert session.query(Mention).filter(Mention.incident_id == incident_id).count() == 2


def test_a_value_can_have_its_own_passage_and_a_wrong_one_is_refused_keeping_what_was_typed(client, db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Mention

    document_id = _document_id(db_url)
    own = "went to Yekaterinburg in May 2025 to work on a building site"
    wrong = _enter(client, document_id, quote_location_regions="a passage that is not there")
    assert wrong.status_code == 400 and "own passage is not in the document" in wrong.text
    assert "a passage that is not there" in wrong.text and "<details class=\"own-passages\" open>" in wrong.text
    answer = _enter(client, document_id, quote_location_regions=own, quote_victim_status=own)
    assert answer.status_code == 303, answer.text
    with sessions(db_url)() as session:
        evidence = session.query(Mention).filter(Mention.entered.is_not(None)).one().entered["evidence"]
    quotes = {e["field"]: e["quote"] for e in evidence}
    assert quotes["location_regions"] == own and quotes["victim_status"] == own  # their own passage
    assert quotes["methods"] == QUOTE and quotes["victim_names"] == QUOTE  # the others keep the main one
    assert all(APPEAL[e["start"]:e["end"]] == e["quote"] for e in evidence)
