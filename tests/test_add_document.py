"""Adding a document by hand in the browser: pasted text, an uploaded file, a web address (never a private one)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from recruitwatch.store.database import sessions
from recruitwatch.store.models import AuditEntry, Document, Mention
from recruitwatch.web.app import create_app

from .conftest import SEED_YUSUF
from .web_helpers import csrf_of, make_user, sign_in


@pytest.fixture
def client(db_url):
    make_user(db_url, "ana", "analyst")
    make_user(db_url, "val", "viewer")
    with TestClient(create_app(db_url)) as c:
        yield c


def _post(client, data: dict, files=None):
    token = csrf_of(client.get("/documents/new").text)
    return client.post("/documents/new", data={"csrf_token": token, **data}, files=files or {"file": ("", b"")},
                       follow_redirects=False)


def test_pasted_text_is_ingested_extracted_and_linked(client, db_url):
    sign_in(client, "ana")
    text = SEED_YUSUF.read_text(encoding="utf-8")
    done = _post(client, {"text": text, "title": "Yusuf", "published": "2023-10-10", "url": ""})
    assert done.status_code == 303 and done.headers["location"].endswith("?added=new")
    page = client.get(done.headers["location"]).text
    assert "Added and analysed" in page and "/incidents/" in page and "<mark" in page
    with sessions(db_url)() as session:
        document = session.scalar(select(Document))
        assert document.title == "Yusuf" and str(document.published) == "2023-10-10"
        assert session.scalar(select(Mention)) is not None
        entry = session.scalar(select(AuditEntry).where(AuditEntry.object_type == "document", AuditEntry.action == "create"))
        assert entry.actor == "ana" and entry.detail["via"] == "web form"
    again = _post(client, {"text": text, "title": "Yusuf", "published": "2023-10-10", "url": ""})
    assert again.headers["location"].endswith("?added=known")


def test_an_uploaded_file_in_another_encoding_is_read(client, db_url):
    sign_in(client, "ana")
    text = "Полиция задержала мигранта из Узбекистана в Москве и заставила подписать контракт с Минобороны."
    done = _post(client, {"text": "", "url": "", "title": "", "published": ""},
                 files={"file": ("note.txt", text.encode("cp1251"), "text/plain")})
    assert done.status_code == 303
    with sessions(db_url)() as session:
        assert "Узбекистана" in session.scalar(select(Document)).text


def test_bad_input_gets_a_clear_answer_and_keeps_what_was_typed(client, db_url):
    sign_in(client, "ana")
    empty = _post(client, {"text": "", "url": "", "title": "kept title", "published": ""})
    assert empty.status_code == 400 and "Paste a text" in empty.text and 'value="kept title"' in empty.text
    assert _post(client, {"text": "x", "published": "last week"}).status_code == 400
    private = _post(client, {"text": "", "url": "http://127.0.0.1:9/secret", "title": "", "published": ""})
    assert private.status_code == 400 and "loopback" in private.text  # the server fetches nothing private
    scheme = _post(client, {"text": "some text", "url": "javascript:alert(1)", "title": "", "published": ""})
    assert scheme.status_code == 400
    huge = _post(client, {"text": "", "url": ""}, files={"file": ("big.txt", b"a" * (6 * 1024 * 1024), "text/plain")})
    assert huge.status_code == 413
    with sessions(db_url)() as session:
        assert session.scalar(select(Document)) is None


def test_only_reviewers_add_documents(client):
    sign_in(client, "val")
    assert client.get("/documents/new").status_code == 403
    sign_in(client, "ana")
    assert client.post("/documents/new", data={"csrf_token": "forged", "text": "x"}).status_code == 403
