"""A caseworker writes to the appellant, who reads it and answers on the status page with the code
and secret: sealed like the rest of the case, audited, and shown nowhere else."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from recruitwatch.cases import reply_tokens

from .web_helpers import csrf_of, make_user, post_form, sign_in

ADDRESS = "203.0.113.78"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture
def app(db_url):
    from recruitwatch.web.app import create_app

    return create_app(db_url)


def _appeal(client: TestClient) -> tuple[str, str]:
    token = csrf_of(client.get("/appeal?lang=en").text)
    done = client.post("/appeal?lang=en", data={"story": "They took his passport", "csrf_token": token}).text
    assert "print or save this page" in done  # how to keep the code and secret
    return re.search(r'id="case-code">([^<]+)<', done).group(1), re.search(r'id="case-secret">([^<]+)<', done).group(1)


def _status(client: TestClient, code: str, secret: str, lang: str = "en"):
    token = csrf_of(client.get(f"/appeal/status?lang={lang}").text)
    return client.post(f"/appeal/status?lang={lang}", data={"code": code, "secret": secret, "csrf_token": token})


def _reply_token(html: str) -> str:
    return re.search(r'name="reply_token" value="([^"]+)"', html).group(1)


def test_a_caseworkers_message_is_read_and_answered_on_the_status_page_only(app, db_url):
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    public = TestClient(app, client=(ADDRESS, 40000))
    code, secret = _appeal(public)
    with transaction(db_url) as session:
        case_id = cases.case_by_code(session, code).id

    make_user(db_url, "kamila", "caseworker")
    staff = TestClient(app)
    sign_in(staff, "kamila")
    sent = post_form(staff, f"/cases/{case_id}", f"/cases/{case_id}/message", {"text": "Can you send the summons photo?"})
    assert sent.status_code == 303

    page = _status(public, code, secret)
    assert page.status_code == 200 and "Can you send the summons photo?" in page.text
    assert "kamila" not in page.text and secret not in page.text  # no staff name; the secret is not echoed
    assert "never sent by e-mail or text message" in page.text  # how long and where messages are kept

    token = _reply_token(page.text)
    answered = public.post("/appeal/reply?lang=en", data={"reply_token": token, "message": "Here it is", "csrf_token": csrf_of(page.text)},
                           files=[("files", ("summons.pdf", PDF, "application/pdf"))])
    assert answered.status_code == 200 and "Your answer was sent" in answered.text and "Here it is" in answered.text

    case_page = staff.get(f"/cases/{case_id}").text
    assert "Here it is" in case_page and "answer from the appellant" in case_page and "summons.pdf" in case_page
    with transaction(db_url) as session:
        from recruitwatch.store.models import AuditEntry

        actions = [(e.actor, e.action, (e.detail or {}).get("action") or (e.detail or {}).get("by")) for e in session.query(AuditEntry)]
        assert ("kamila", "update", "message") in actions
        assert ("public", "read", "status page") in actions and ("public", "create", "reply") in actions


def test_a_reply_needs_a_fresh_token_of_that_case_and_its_current_secret(app, db_url):
    from recruitwatch.security.crypto import key_ring
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    public = TestClient(app, client=(ADDRESS, 40000))
    code, secret = _appeal(public)
    other_code, _ = _appeal(public)
    page = _status(public, code, secret)
    token = _reply_token(page.text)
    csrf = csrf_of(page.text)
    with transaction(db_url) as session:
        case = cases.case_by_code(session, code)
        other = cases.case_by_code(session, other_code)
        key = key_ring().mac_key(key_ring().current_id, reply_tokens.PURPOSE)
        moved = f"{other.id}.{token.split('.', 1)[1]}"  # the same MAC on another case
        stale = reply_tokens.issue(key, case.id, case.secret_hash, time.time() - 2 * reply_tokens.LIFETIME)
        forged = f"{case.id}.{int(time.time()) + 60}.{'0' * 64}"
    for bad in (moved, stale, forged, "", "1.2", "x.y.z"):
        refused = public.post("/appeal/reply?lang=en", data={"reply_token": bad, "message": "hi", "csrf_token": csrf})
        assert refused.status_code == 400 and "Enter the code and the secret key again" in refused.text, bad
    with transaction(db_url) as session:
        assert cases.conversation(session, cases.case_by_code(session, other_code)) == []
    empty = public.post("/appeal/reply?lang=en", data={"reply_token": token, "message": "  ", "csrf_token": csrf})
    assert empty.status_code == 400 and "Please write your answer" in empty.text


def test_tokens_expire_and_bind_the_secret():
    key = b"k" * 32
    token = reply_tokens.issue(key, 7, "digest", now=1000.0)
    assert reply_tokens.valid(key, token, "digest", now=1000.0 + reply_tokens.LIFETIME - 1)
    assert not reply_tokens.valid(key, token, "digest", now=1000.0 + reply_tokens.LIFETIME + 1)
    assert not reply_tokens.valid(key, token, "another digest", now=1001.0)
    assert not reply_tokens.valid(b"j" * 32, token, "digest", now=1001.0)
    assert reply_tokens.case_of(token) == 7 and reply_tokens.case_of("7.x.y") is None


def test_messages_are_sealed_in_the_database(app, db_url):
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import CaseEvent

    public = TestClient(app, client=(ADDRESS, 40000))
    code, secret = _appeal(public)
    with transaction(db_url) as session:
        case = cases.case_by_code(session, code)
        cases.message_appellant(session, case, "Zarina-Message-4242", actor="kamila")
        cases.appellant_reply(session, case, "Answer-Bobur-9191")
    with transaction(db_url) as session:
        stored = " ".join(e.text_enc or "" for e in session.query(CaseEvent))
        assert "4242" not in stored and "9191" not in stored
        said = [(m["from"], m["text"]) for m in cases.conversation(session, cases.case_by_code(session, code))]
        assert said == [("caseworker", "Zarina-Message-4242"), ("appellant", "Answer-Bobur-9191")]
