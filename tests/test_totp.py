"""Two-step sign-in: enrolment with a real TOTP code, the code step at sign-in, throttling, replay, required roles."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from .web_helpers import PASSWORD, csrf_of, make_user, post_form, sign_in

SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')
PENDING = re.compile(r'name="pending" value="([^"]+)"')


@pytest.fixture
def client(db_url):
    from recruitwatch.web.app import create_app

    with TestClient(create_app(db_url)) as test_client:
        yield test_client


def _enrol(client: TestClient) -> str:
    """Set up two-step sign-in as a person would: read the key off the page, type the app's code. Returns the secret."""
    page = client.get("/account/two-step")
    assert page.status_code == 200 and "<svg" in page.text
    secret = SECRET.search(page.text).group(1).replace(" ", "")
    enrolment = re.search(r'name="enrolment" value="([^"]+)"', page.text).group(1)
    done = client.post("/account/two-step/confirm", follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "enrolment": enrolment, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 303 and done.headers["location"] == "/account"
    return secret


def _code_step(client: TestClient, code: str, page_html: str):
    return client.post("/login", follow_redirects=False, data={
        "csrf_token": csrf_of(page_html), "pending": PENDING.search(page_html).group(1), "code": code, "next": "/incidents"})


def _user(url: str, username: str):
    from recruitwatch.store.accounts import user_by_name
    from recruitwatch.store.database import sessions

    with sessions(url)() as session:
        return user_by_name(session, username)


def _next_step_code(secret: str) -> str:
    """The code of the next 30-second step (accepted: clocks drift), so a test need not wait for a new one."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_enrol_then_sign_in_with_a_code_from_the_app(client, db_url):
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    secret = _enrol(client)
    assert "/account/two-step/disable" in client.get("/account").text
    post_form(client, "/account", "/logout", {})

    asked = sign_in(client, "ana")
    assert asked.status_code == 200 and 'name="pending"' in asked.text
    assert "rw_session" not in asked.headers.get("set-cookie", "")  # no session before the code
    assert client.get("/account", follow_redirects=False).status_code == 303
    done = _code_step(client, _next_step_code(secret), asked.text)
    assert done.status_code == 303 and done.headers["location"] == "/incidents"
    assert "rw_session=" in done.headers["set-cookie"]
    assert client.get("/account").status_code == 200


def test_a_wrong_code_is_refused_and_counted_with_password_failures(client, db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry

    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    secret = _enrol(client)
    post_form(client, "/account", "/logout", {})
    right = pyotp.TOTP(secret)
    wrong = f"{(int(right.now()) + 1) % 1_000_000:06d}"
    assert sign_in(client, "ana", "a wrong password").status_code == 401
    for _ in range(4):  # the password is right each time, yet the failures add up: no reset between codes
        asked = sign_in(client, "ana")
        assert asked.status_code == 200
        refused = _code_step(client, wrong, asked.text)
        assert refused.status_code == 401 and "rw_session" not in refused.headers.get("set-cookie", "")
    throttled = sign_in(client, "ana")
    assert throttled.status_code == 429 and "too many failed sign-ins" in throttled.text
    with sessions(db_url)() as session:
        reasons = [e.detail.get("reason") for e in session.query(AuditEntry).filter_by(action="sign_in_failed")]
    assert reasons == ["password", "code", "code", "code", "code"]


def test_a_code_cannot_be_used_twice(client, db_url):
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    secret = _enrol(client)
    post_form(client, "/account", "/logout", {})
    code = _next_step_code(secret)
    assert _code_step(client, code, sign_in(client, "ana").text).status_code == 303
    post_form(client, "/account", "/logout", {})
    replayed = _code_step(client, code, sign_in(client, "ana").text)
    assert replayed.status_code == 401
    earlier = _code_step(client, right_now := pyotp.TOTP(secret).now(), sign_in(client, "ana").text)
    assert earlier.status_code == 401, right_now  # a step before the last one used is refused too


def test_the_verifier_allows_one_step_of_drift_and_refuses_reuse():
    from recruitwatch.security import totp

    secret = totp.new_secret()
    now = 1_700_000_000.0
    step = totp.current_step(now)
    app = pyotp.TOTP(secret)
    assert totp.verify(secret, app.at(now), last_used_step=None, now=now) == step
    assert totp.verify(secret, app.at(now - 30), last_used_step=None, now=now) == step - 1
    assert totp.verify(secret, app.at(now + 30), last_used_step=None, now=now) == step + 1
    assert totp.verify(secret, app.at(now - 60), last_used_step=None, now=now) is None
    assert totp.verify(secret, app.at(now), last_used_step=step, now=now) is None
    assert totp.verify(secret, app.at(now), last_used_step=step - 1, now=now) == step
    assert totp.verify(secret, "12345", last_used_step=None, now=now) is None
    assert totp.verify(secret, "abcdef", last_used_step=None, now=now) is None
    assert totp.provisioning_uri(secret, "ana").startswith("otpauth://totp/RecruitWatch:ana?secret=")
    svg = totp.qr_svg(totp.provisioning_uri(secret, "ana"))
    assert svg.startswith("<svg") and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_secret_is_stored_encrypted(client, db_url):
    from recruitwatch.store.database import engine_for

    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    secret = _enrol(client)
    with engine_for(db_url).connect() as connection:
        raw = connection.execute(text("SELECT totp_secret_enc FROM users WHERE username = 'ana'")).scalar_one()
    assert raw.startswith("rw1:") and secret not in raw


def test_required_roles_are_sent_to_set_it_up_first(client, db_url, monkeypatch):
    monkeypatch.setenv("RECRUITWATCH_REQUIRE_2FA", "admin, caseworker")
    make_user(db_url, "root", "admin")
    make_user(db_url, "vic", "viewer")
    assert sign_in(client, "root").status_code == 303
    for path in ("/incidents", "/account", "/account/password"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/account/two-step", path
    assert client.get("/api/v1/documents").status_code == 403
    assert "Your role must use two-step sign-in" in client.get("/account/two-step").text
    _enrol(client)
    assert client.get("/incidents", follow_redirects=False).status_code == 200

    other = TestClient(client.app)
    assert sign_in(other, "vic").status_code == 303
    assert other.get("/incidents", follow_redirects=False).status_code == 200  # viewers are not required


def test_turning_it_off_takes_a_current_code(client, db_url):
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    secret = _enrol(client)
    refused = post_form(client, "/account", "/account/two-step/disable", {"code": "000000"})
    assert refused.status_code == 400 and _user(db_url, "ana").totp_enabled_at is not None
    done = post_form(client, "/account", "/account/two-step/disable", {"code": _next_step_code(secret)})
    assert done.status_code == 303
    user = _user(db_url, "ana")
    assert user.totp_enabled_at is None and user.totp_secret_enc is None
    post_form(client, "/account", "/logout", {})
    assert sign_in(client, "ana", PASSWORD).status_code == 303  # the password alone again


def test_a_pending_sign_in_cannot_be_forged_or_carried_over_a_password_reset(client, db_url):
    from recruitwatch.security.accounts import reset_password
    from recruitwatch.store.database import transaction

    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    secret = _enrol(client)
    post_form(client, "/account", "/logout", {})
    asked = sign_in(client, "ana")
    forged = asked.text.replace(PENDING.search(asked.text).group(1), "rw1:abc:def")
    assert _code_step(client, _next_step_code(secret), forged).status_code == 400
    with transaction(db_url) as session:
        reset_password(session, "ana")
    assert _code_step(client, _next_step_code(secret), asked.text).status_code == 400
