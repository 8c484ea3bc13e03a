"""Bulk review on the incident list: tick incidents, confirm, reject or reopen them in one go."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from recruitwatch.store import review
from recruitwatch.store.database import sessions, transaction
from recruitwatch.store.models import AuditEntry, Incident
from recruitwatch.web.app import create_app

from .store_helpers import new_incident
from .web_helpers import csrf_of, make_user, sign_in


@pytest.fixture
def site(db_url):
    make_user(db_url, "ana", "analyst")
    make_user(db_url, "val", "viewer")
    with transaction(db_url) as session:
        ids = [new_incident(session, n, victim_nationalities=["UZ" if n % 2 else "TJ"], methods=["raid_detention"]).id
               for n in range(1, 7)]
    with TestClient(create_app(db_url)) as client:
        yield client, ids


def _bulk(client, action: str, ids: list[int], reason: str = "", back: str = "nationality=UZ"):
    token = csrf_of(client.get(f"/incidents?{back}").text)
    return client.post("/incidents/bulk", data={"csrf_token": token, "action": action, "reason": reason, "back": back,
                                                "ids": [str(i) for i in ids]}, follow_redirects=False)


def _states(db_url) -> dict[int, str]:
    with sessions(db_url)() as session:
        return dict(session.execute(select(Incident.id, Incident.review_state)).all())


def test_an_analyst_confirms_several_incidents_at_once_and_returns_to_the_same_view(site, db_url):
    client, ids = site
    sign_in(client, "ana")
    page = client.get("/incidents?nationality=UZ").text
    assert 'form="bulk"' in page and f'value="{ids[0]}"' in page
    with transaction(db_url) as session:
        review.confirm(session, ids[2], actor="ana")  # already verified: left as it is, the others go on
    done = _bulk(client, "confirm", [ids[0], ids[2], ids[4], 999_999])
    assert done.status_code == 303
    assert done.headers["location"].startswith("/incidents?nationality=UZ&bulk=confirm&changed=2&unchanged=2")
    assert "2 changed, 2 left as they were" in client.get(done.headers["location"]).text
    states = _states(db_url)
    assert [states[i] for i in ids] == ["verified", "machine", "verified", "machine", "verified", "machine"]
    with sessions(db_url)() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).all()
        assert sorted(int(e.object_id) for e in entries if e.detail.get("bulk")) == [ids[0], ids[4]]


def test_rejecting_in_bulk_needs_a_reason_and_reopening_undoes_it(site, db_url):
    client, ids = site
    sign_in(client, "ana")
    refused = _bulk(client, "reject", ids[:3])
    assert refused.status_code == 400 and "say why" in refused.text
    assert set(_states(db_url).values()) == {"machine"}
    assert _bulk(client, "reject", ids[:3], reason="not about recruitment").status_code == 303
    assert [_states(db_url)[i] for i in ids[:3]] == ["rejected"] * 3
    assert _bulk(client, "reopen", ids[:3]).status_code == 303
    assert [_states(db_url)[i] for i in ids[:3]] == ["machine"] * 3


def test_bulk_review_is_for_reviewers_with_the_pages_token_and_within_limits(site, db_url):
    client, ids = site
    sign_in(client, "val")
    assert 'form="bulk"' not in client.get("/incidents").text
    assert _bulk(client, "confirm", ids).status_code == 403
    sign_in(client, "ana")
    forged = client.post("/incidents/bulk", data={"csrf_token": "forged", "action": "confirm", "ids": [str(ids[0])]},
                         follow_redirects=False)
    assert forged.status_code == 403
    assert _bulk(client, "delete", ids).status_code == 400
    assert _bulk(client, "confirm", []).status_code == 400
    assert _bulk(client, "confirm", list(range(1, 202))).status_code == 400
    assert _bulk(client, "confirm", ["x", "-1"]).status_code == 400  # nothing usable selected
    assert _bulk(client, "confirm", [ids[0]], back="date_from=not-a-date").status_code == 303  # a bad view: the plain list
    assert set(_states(db_url).values()) == {"machine", "verified"}
