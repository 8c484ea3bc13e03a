"""The Admiralty code's two dimensions (issue 14): an outlet's reliability (A-F) and each document's
credibility (1-6), graded by analysts, shown together ("B2"), in the API, and to the public without notes."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select


@pytest.fixture
def client(db_url):
    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.web.app import create_app

    from .web_helpers import make_user

    Ingestor(db_url).run(demo_items()[:12])
    make_user(db_url, "ana", "analyst")
    make_user(db_url, "cw", "caseworker")
    return TestClient(create_app(db_url))


def _first_incident(db_url) -> int:
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    with sessions(db_url)() as session:
        return session.scalars(select(Incident.id).where(Incident.merged_into.is_(None)).order_by(Incident.id)).first()


def test_an_analyst_grades_a_documents_credibility_and_the_source_reads_as_one_code(client, db_url):
    from .web_helpers import post_form, sign_in

    sign_in(client, "ana")
    incident_id = _first_incident(db_url)
    page = client.get(f"/incidents/{incident_id}").text
    document_id = int(re.search(r'action="/documents/(\d+)/credibility"', page).group(1))
    outlet = re.search(r'name="outlet" value="([^"]+)"', page).group(1)
    post_form(client, f"/incidents/{incident_id}", "/outlets/grade", {"outlet": outlet, "grade": "B", "back": f"/incidents/{incident_id}"})
    done = post_form(client, f"/incidents/{incident_id}", f"/documents/{document_id}/credibility",
                     {"credibility": "2", "note": "the family confirmed it by phone", "back": f"/incidents/{incident_id}"})
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert '<strong class="admiralty"' in shown and ">B2</strong>" in shown
    assert "Probably true" in shown and "the family confirmed it by phone" in shown
    api = client.get(f"/api/v1/incidents/{incident_id}").json()
    graded = [s for s in api["sources"] if s["document_id"] == document_id][0]
    assert graded["reliability"] == "B" and graded["credibility"] == "2"


def test_a_grade_outside_the_scale_is_refused_and_changes_nothing(client, db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import DocumentGrade

    from .web_helpers import post_form, sign_in

    sign_in(client, "ana")
    incident_id = _first_incident(db_url)
    page = client.get(f"/incidents/{incident_id}").text
    document_id = int(re.search(r'action="/documents/(\d+)/credibility"', page).group(1))
    for bad in ("7", "B", "", "22"):
        answer = post_form(client, f"/incidents/{incident_id}", f"/documents/{document_id}/credibility", {"credibility": bad})
        assert answer.status_code == 400 and "credibility must be one of" in answer.text
    assert post_form(client, f"/incidents/{incident_id}", "/documents/999999/credibility", {"credibility": "1"}).status_code == 400
    with sessions(db_url)() as session:
        assert session.query(DocumentGrade).count() == 0


def test_the_public_sees_the_grade_but_never_the_note_and_only_reviewers_grade(client, db_url):
    from recruitwatch.store import review
    from recruitwatch.store.database import transaction

    from .web_helpers import post_form, sign_in

    incident_id = _first_incident(db_url)
    with transaction(db_url) as session:
        review.confirm(session, incident_id, actor="test")
        document_id = review.current_mentions(session, incident_id)[0].report.document_id
        review.set_document_credibility(session, document_id, "3", actor="test", note="only one witness, named Aziz")
    public = client.get(f"/incidents/{incident_id}").text
    assert "Possibly true" in public and "only one witness" not in public and 'action="/documents/' not in public
    api = client.get(f"/api/v1/incidents/{incident_id}").json()
    assert any(s["credibility"] == "3" for s in api["sources"]) and "only one witness" not in str(api)
    sign_in(client, "cw")
    assert post_form(client, "/cases", f"/documents/{document_id}/credibility", {"credibility": "1"}).status_code == 403


@pytest.mark.parametrize("back", ["//evil.example/", "/\\evil.example/", "/\t/evil.example/", "https://evil.example/"])
def test_grading_never_sends_the_browser_to_another_site(client, db_url, back):
    from .web_helpers import post_form, sign_in

    sign_in(client, "ana")
    incident_id = _first_incident(db_url)
    page = client.get(f"/incidents/{incident_id}").text
    document_id = int(re.search(r'action="/documents/(\d+)/credibility"', page).group(1))
    outlet = re.search(r'name="outlet" value="([^"]+)"', page).group(1)
    for action, data in ((f"/documents/{document_id}/credibility", {"credibility": "2"}), ("/outlets/grade", {"outlet": outlet, "grade": "B"})):
        answer = post_form(client, f"/incidents/{incident_id}", action, {**data, "back": back})
        assert answer.status_code == 303 and answer.headers["location"].startswith("/incidents?done=1"), answer.headers["location"]
