"""Accounts in the web app: sign-in, one-time passwords, throttling, CSRF, roles, API tokens, the users command."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .conftest import run_cli
from .web_helpers import PASSWORD, csrf_of, make_user, post_form, sign_in


@pytest.fixture
def client(db_url):
    from recruitwatch.web.app import create_app

    with TestClient(create_app(db_url)) as test_client:
        yield test_client


def test_sign_in_sets_a_protected_session_cookie(client, db_url):
    make_user(db_url, "ana", "analyst")
    response = sign_in(client, "ana")
    assert response.status_code == 303 and response.headers["location"] == "/incidents"
    cookie = response.headers["set-cookie"]
    assert "rw_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/account").status_code == 200


def test_a_wrong_password_is_refused_and_repeated_failures_are_throttled(client, db_url):
    make_user(db_url, "ana", "analyst")
    for _ in range(5):
        assert sign_in(client, "ana", "wrong password!").status_code == 401
    throttled = sign_in(client, "ana")  # even the right password waits now
    assert throttled.status_code == 429 and "too many failed sign-ins" in throttled.text
    assert "rw_session" not in throttled.headers.get("set-cookie", "")


def test_a_form_without_the_csrf_token_is_refused(client, db_url):
    make_user(db_url, "ana", "analyst")
    client.get("/login")
    response = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    sign_in(client, "ana")
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 403


def test_a_one_time_password_must_be_changed_before_anything_else(client, db_url):
    from recruitwatch.security.accounts import create_user
    from recruitwatch.store.database import transaction

    with transaction(db_url) as session:
        otp = create_user(session, "newbie", "viewer").one_time_password
    assert sign_in(client, "newbie", otp).headers["location"] == "/account/password"
    assert client.get("/incidents", follow_redirects=False).headers["location"] == "/account/password"
    changed = post_form(client, "/account/password", "/account/password",
                        {"current": otp, "new": "a much better secret", "again": "a much better secret"})
    assert changed.status_code == 303
    assert client.get("/incidents", follow_redirects=False).status_code == 200


def test_roles_limit_what_each_account_may_do(client, db_url):
    make_user(db_url, "vic", "viewer")
    sign_in(client, "vic")
    page = client.get("/account")
    response = client.post("/incidents/1/confirm", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_for_staff_pages(client):
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/account")
    assert client.get("/api/v1/documents").status_code == 401


def test_sign_in_never_redirects_to_another_site(client, db_url):
    make_user(db_url, "ana", "analyst")
    page = client.get("/login?next=//evil.example/")
    response = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": csrf_of(page.text),
                                           "next": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/incidents"


def test_an_api_token_acts_with_its_owners_role_until_revoked(client, db_url):
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    created = post_form(client, "/account", "/account/tokens", {"name": "nightly mirror"})
    token = created.text.split('class="token">')[1].split("<")[0]
    api = TestClient(client.app)
    assert api.get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert api.get("/api/v1/documents", headers={"Authorization": "Bearer nope"}).status_code == 401
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import ApiToken

    with transaction(db_url) as session:
        token_id = session.query(ApiToken).one().id
    post_form(client, "/account", f"/account/tokens/{token_id}/revoke", {})
    assert api.get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_sign_out_ends_the_session(client, db_url):
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    post_form(client, "/account", "/logout", {})
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_the_users_command_manages_accounts(db_url):
    added = run_cli("users", "add", "olga", "--role", "viewer")
    assert added.returncode == 0, added.stderr
    assert "one-time password" in added.stdout.decode()
    assert "olga\tviewer\tmust change password" in run_cli("users", "list").stdout.decode()
    assert run_cli("users", "disable", "olga").returncode == 0
    assert "olga\tviewer\tdisabled" in run_cli("users", "list").stdout.decode()
    duplicate = run_cli("users", "add", "olga")
    assert duplicate.returncode == 2 and "exists already" in duplicate.stderr.decode()
    reset = run_cli("users", "reset-password", "nobody")
    assert reset.returncode == 2 and "no user nobody" in reset.stderr.decode()


def _token_of(client) -> str:
    created = post_form(client, "/account", "/account/tokens", {"name": "nightly mirror"})
    return created.text.split('class="token">')[1].split("<")[0]


def _answers(app, token: str) -> int:
    return TestClient(app).get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"}).status_code


def test_changing_ones_password_ends_the_accounts_api_tokens(client, db_url):
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    token = _token_of(client)
    assert _answers(client.app, token) == 200
    changed = post_form(client, "/account/password", "/account/password",
                        {"current": PASSWORD, "new": "a much better secret", "again": "a much better secret"})
    assert changed.status_code == 303
    assert _answers(client.app, token) == 401
    assert "revoked" in client.get("/account").text  # listed as such; the owner makes a new one
    assert _answers(client.app, _token_of(client)) == 200


def test_an_admin_reset_ends_the_accounts_api_tokens_for_good(client, db_url):
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    token = _token_of(client)
    assert run_cli("users", "reset-password", "ana").returncode == 0
    assert _answers(client.app, token) == 401
    from recruitwatch.security.accounts import change_password
    from recruitwatch.store.accounts import user_by_name
    from recruitwatch.store.database import transaction

    with transaction(db_url) as session:
        change_password(session, user_by_name(session, "ana"), "a much better secret")
    assert _answers(client.app, token) == 401  # revoked, not only paused while the password is one-time


def test_a_disabled_account_enabled_again_has_none_of_its_old_api_tokens(client, db_url):
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    token = _token_of(client)
    assert run_cli("users", "disable", "ana").returncode == 0
    assert _answers(client.app, token) == 401
    assert run_cli("users", "enable", "ana").returncode == 0
    assert _answers(client.app, token) == 401


def test_behind_a_tls_proxy_every_cookie_is_secure(db_url):
    """`serve --secure-cookies`: the app sees plain http, yet no cookie may travel without TLS."""
    from recruitwatch.web.app import create_app

    make_user(db_url, "ana", "analyst")
    with TestClient(create_app(db_url, secure_cookies=True)) as client:
        first = client.get("/login", params={"lang": "ru"})
        cookies = first.headers.get_list("set-cookie")
        assert {c.split("=", 1)[0] for c in cookies} == {"rw_csrf", "rw_lang"}
        signed_in = sign_in(client, "ana")
        cookies += signed_in.headers.get_list("set-cookie")
    assert all("; secure" in c.lower() for c in cookies), cookies
