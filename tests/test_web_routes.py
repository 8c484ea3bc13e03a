"""Every route says who may use it, and the answer holds: the public never sees unpublished records or names."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .web_helpers import csrf_of, make_user, sign_in


@pytest.fixture
def app(db_url):
    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.web.app import create_app

    Ingestor(db_url).run(demo_items()[:12])
    return create_app(db_url)


def _routes(app):
    from recruitwatch.web.deps import api_routes

    routes = api_routes(app)
    assert len(routes) > 20, "the routes were not found: has FastAPI changed how routers are kept?"
    return routes


def test_every_route_declares_the_roles_it_allows(app):
    from recruitwatch.web.deps import allow_of

    undeclared = [f"{sorted(r.methods)} {r.path}" for r in _routes(app) if allow_of(r) is None]
    assert undeclared == []


def test_every_state_changing_route_is_for_signed_in_roles_except_sign_in_and_out(app):
    from recruitwatch.web.deps import allow_of

    public_posts = sorted(r.path for r in _routes(app) if "POST" in r.methods and allow_of(r).public)
    # besides signing in and out: the appeal form, its status check and the appellant's answer on
    # the status page (which needs the short-lived token that a right code and secret give), for
    # people without an account; and stopping a saved search's alerts with the token its e-mails carry
    # (one click, RFC 8058)
    assert public_posts == ["/alerts/unsubscribe/{token}", "/appeal", "/appeal/reply", "/appeal/status", "/login", "/logout"]


def _concrete(path: str) -> str:
    if path.endswith("/search"):
        return path + "?q=contract"
    return path.replace("{incident_id}", "1").replace("{document_id}", "1").replace("{token_id}", "1").replace("{case_id}", "1").replace("{search_id}", "1").replace("{token}", "x").replace("{file_id}", "1").replace("{fmt}", "csv")


@pytest.mark.parametrize("role", [None, "viewer", "analyst", "admin", "caseworker"])
def test_each_role_gets_what_its_routes_promise(app, db_url, role):
    """GET routes answer 200 to allowed roles; others are sent to sign in (anonymous) or refused (403)."""
    from recruitwatch.web.deps import allow_of

    client = TestClient(app)
    if role:
        make_user(db_url, f"u-{role}", role)
        assert sign_in(client, f"u-{role}").status_code == 303
    for route in _routes(app):
        if "GET" not in route.methods:
            continue
        allow = allow_of(route)
        response = client.get(_concrete(route.path), follow_redirects=False)
        if allow.public or role in allow.roles:
            assert response.status_code in (200, 303, 404), (route.path, role, response.status_code)
        elif role is None:
            assert response.status_code in (303, 401), (route.path, role, response.status_code)
        else:
            assert response.status_code == 403, (route.path, role, response.status_code)


def test_the_public_sees_only_verified_incidents_and_no_names(app, db_url):
    from recruitwatch.store import review
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Incident

    with transaction(db_url) as session:
        named = next(i for i in session.query(Incident).order_by(Incident.id) if i.fields.get("victim_names"))
        hidden = next(i for i in session.query(Incident).order_by(Incident.id) if i.id != named.id)
        review.confirm(session, named.id, actor="test")
        named_id, hidden_id, name = named.id, hidden.id, named.fields["victim_names"][0]
    public = TestClient(app)
    listing = public.get("/incidents")
    assert f"/incidents/{named_id}" in listing.text and f"/incidents/{hidden_id}\"" not in listing.text
    page = public.get(f"/incidents/{named_id}")
    assert page.status_code == 200 and name not in page.text and "<blockquote>" not in page.text
    assert public.get(f"/incidents/{hidden_id}").status_code == 404
    api = public.get(f"/api/v1/incidents/{named_id}").json()
    assert api["victim_names"] == [] and all(s["evidence"] == [] for s in api["sources"])
    assert public.get(f"/api/v1/incidents/{hidden_id}").status_code == 404
    exported = public.get("/export.jsonl").text
    assert name not in exported and exported.count("\n") == 1
    assert {i["id"] for i in public.get("/api/v1/incidents").json()["items"]} == {named_id}


def test_hostile_text_is_shown_escaped(app, db_url):
    from recruitwatch.store import review
    from recruitwatch.store.database import transaction

    make_user(db_url, "ana", "analyst")
    client = TestClient(app)
    sign_in(client, "ana")
    with transaction(db_url) as session:
        review.correct(session, 1, "victim_names", ["<script>alert(1)</script>"], actor="ana", reason="<img src=x onerror=alert(2)>")
    page = client.get("/incidents/1").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    search = client.get("/incidents", params={"q": '"><script>alert(3)</script>'}).text
    assert "<script>alert(3)" not in search


def test_bad_filters_get_a_clear_answer_not_a_server_error(app):
    client = TestClient(app)
    assert client.get("/incidents?date_from=yesterday").status_code == 400
    assert client.get("/incidents?sort=drop table").status_code == 400
    response = client.get("/api/v1/incidents?date_from=2024-13-99x")
    assert response.status_code == 422 and "date_from" in response.json()["detail"]
    assert client.get("/api/v1/incidents?cursor=garbage").status_code == 422
    assert client.get("/incidents/999999").status_code == 404


def test_pages_load_nothing_from_other_sites(app):
    client = TestClient(app)
    for path in ("/incidents", "/dashboard", "/login", "/docs"):
        response = client.get(path)
        assert "Content-Security-Policy" in response.headers
        assert "https://" not in response.text.split("<footer")[0].replace('href="https://', "")


def test_a_reviewer_form_without_its_token_changes_nothing(app, db_url):
    make_user(db_url, "ana", "analyst")
    client = TestClient(app)
    sign_in(client, "ana")
    before = client.get("/api/v1/incidents/1").json()["review_state"]
    assert client.post("/incidents/1/confirm", data={"reason": "x"}).status_code == 403
    assert client.get("/api/v1/incidents/1").json()["review_state"] == before
    token = csrf_of(client.get("/incidents/1").text)
    assert client.post("/incidents/1/confirm", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/v1/incidents/1").json()["review_state"] == "verified"


def test_a_token_of_an_account_that_must_change_its_password_gets_nothing(app, db_url):
    """Not even the public view: a token that is presented and not usable is refused, on every route."""
    from recruitwatch.security.accounts import create_user
    from recruitwatch.store.accounts import add_api_token
    from recruitwatch.store.database import transaction

    with transaction(db_url) as session:
        user = create_user(session, "newbie", "analyst").user  # a one-time password, not changed yet
        token = add_api_token(session, user, "made before a reset")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    answered = {}
    for route in _routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            response = client.request(method, _concrete(route.path), follow_redirects=False)
            if response.status_code != 401:
                answered[f"{method} {route.path}"] = response.status_code
    assert answered == {}
    refused = client.get("/api/v1/incidents")
    assert "change its one-time password" in refused.json()["error"]


@pytest.mark.parametrize("number", ["99999999999999999999999", "9223372036854775808", "²", "-1", "0x10"])
def test_huge_or_odd_numbers_in_review_forms_get_the_forms_refusal(app, db_url, number):
    make_user(db_url, "ana", "analyst")
    client = TestClient(app)
    sign_in(client, "ana")
    token = csrf_of(client.get("/incidents/1").text)
    forms = [
        ("/incidents/1/merge", {"other": number}),
        ("/incidents/1/correct", {"field": "victim_count", "value": number}),
        ("/incidents/1/split", {"mention": number}),
    ]
    for action, data in forms:
        answer = client.post(action, data={**data, "csrf_token": token, "reason": "test"}, follow_redirects=False)
        assert answer.status_code == 400, (action, number, answer.status_code)
