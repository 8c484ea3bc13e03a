"""The audit log: entries chain, the database refuses edits, and whoever gets past that is caught by `audit verify`."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from .conftest import run_cli
from .web_helpers import csrf_of, make_user, sign_in


def _add(url: str, n: int) -> list[int]:
    from recruitwatch.store import audit
    from recruitwatch.store.database import transaction

    ids = []
    for i in range(n):
        with transaction(url) as session:
            ids.append(audit.record(session, actor="ana", action="update", object_type="incident", object_id=i + 1,
                                    detail={"action": "confirm"}).id)
    return ids


def _verify(url: str):
    from recruitwatch.store import audit
    from recruitwatch.store.database import sessions

    with sessions(url)() as session:
        return audit.verify(session)


def _as_attacker(url: str, *statements: str) -> None:
    """Someone with the database file: the triggers dropped, then rows changed behind the app's back."""
    from recruitwatch.store.database import engine_for

    with engine_for(url).begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        for statement in statements:
            connection.execute(text(statement))


def test_entries_chain_across_sessions_and_an_intact_log_verifies(db_url):
    from recruitwatch.store.audit import GENESIS, entry_hash
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry

    assert _add(db_url, 3) == [1, 2, 3]
    with sessions(db_url)() as session:
        entries = session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    first = entries[0]
    assert first.hash == entry_hash(GENESIS, first.at, first.actor, first.action, first.object_type, first.object_id, first.detail)
    result = _verify(db_url)
    assert result.ok and result.entries == 3 and result.problems == [] and result.head == entries[-1].hash


def test_an_empty_log_verifies(db_url):
    result = _verify(db_url)
    assert result.ok and result.entries == 0


def test_a_writer_waits_for_another_so_both_never_follow_the_same_entry(db_url):
    """Two transactions open at once: the second blocks until the first commits, then chains onto it."""
    from recruitwatch.store import audit
    from recruitwatch.store.database import sessions

    _add(db_url, 1)
    first = sessions(db_url)()
    first.execute(text("SELECT 1"))  # a transaction that has read before it records
    a = audit.record(first, actor="ana", action="read", object_type="incident", object_id=1)
    done = {}

    def second_writer() -> None:
        with sessions(db_url)() as second:
            done["entry"] = audit.record(second, actor="bob", action="read", object_type="incident", object_id=2)
            second.commit()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.5)
    assert "entry" not in done, "the second writer did not wait for the first"
    first.commit()
    first.close()
    thread.join(timeout=30)
    b = done["entry"]
    assert (a.id, b.id) == (2, 3) and b.prev_hash == a.hash
    assert _verify(db_url).ok


def test_the_database_refuses_to_edit_or_delete_entries(db_url):
    from recruitwatch.store.database import engine_for

    _add(db_url, 2)
    for statement in ("UPDATE audit_log SET actor = 'mallory' WHERE id = 1", "DELETE FROM audit_log WHERE id = 2"):
        with pytest.raises(DBAPIError, match="append-only"), engine_for(db_url).begin() as connection:
            connection.execute(text(statement))
    assert _verify(db_url).entries == 2


def test_an_edited_entry_is_found_with_its_id(db_url):
    _add(db_url, 3)
    _as_attacker(db_url, """UPDATE audit_log SET detail = '{"action": "reject"}' WHERE id = 2""")
    result = _verify(db_url)
    assert not result.ok
    assert result.problems == ["entry 2: its content does not match its hash (edited)"]


def test_an_edited_entry_with_its_hash_recomputed_breaks_the_next_link(db_url):
    from recruitwatch.store.audit import entry_hash
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry

    _add(db_url, 3)
    with sessions(db_url)() as session:
        e = session.get(AuditEntry, 2)
        forged = entry_hash(e.prev_hash, e.at, "mallory", e.action, e.object_type, e.object_id, e.detail)
    _as_attacker(db_url, f"UPDATE audit_log SET actor = 'mallory', hash = '{forged}' WHERE id = 2")
    problems = _verify(db_url).problems
    assert len(problems) == 1 and problems[0].startswith("entry 3: the chain is broken")


def test_a_deleted_entry_is_found(db_url):
    _add(db_url, 4)
    _as_attacker(db_url, "DELETE FROM audit_log WHERE id = 2")
    result = _verify(db_url)
    assert not result.ok and result.entries == 3
    assert "entry 3: entry 2 is missing before it (deleted)" in result.problems
    assert any(p.startswith("entry 3: the chain is broken") for p in result.problems)


def test_a_review_action_on_the_web_writes_an_entry(db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry

    from .store_helpers import new_incident

    with sessions(db_url)() as session:
        incident_id = new_incident(session, 1, victim_names=["Alisher Karimov"], methods=["contract"]).id
        session.commit()
    from recruitwatch.web.app import create_app

    make_user(db_url, "ana", "analyst")
    with TestClient(create_app(db_url)) as client:
        sign_in(client, "ana")
        token = csrf_of(client.get(f"/incidents/{incident_id}").text)
        done = client.post(f"/incidents/{incident_id}/confirm", data={"csrf_token": token, "reason": "two sources"},
                           follow_redirects=False)
        assert done.status_code == 303
    with sessions(db_url)() as session:
        entries = [(e.actor, e.action, e.object_type, e.object_id, e.detail) for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert entries == [
        ("ana", "sign_in", "user", "ana", {}),
        ("ana", "read", "incident", str(incident_id), {}),  # the staff page shows names: the read is logged
        ("ana", "update", "incident", str(incident_id), {"action": "confirm"}),
    ]
    assert "Karimov" not in repr(entries) and "two sources" not in repr(entries)
    assert _verify(db_url).ok


def test_a_failed_sign_in_names_only_an_existing_account(db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry
    from recruitwatch.web.app import create_app

    make_user(db_url, "ana", "analyst")
    with TestClient(create_app(db_url)) as client:
        sign_in(client, "ana", "not the password")
        sign_in(client, "my secret password", "oops")  # a password typed into the username field
    with sessions(db_url)() as session:
        entries = [(e.actor, e.action, e.object_id, e.detail) for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert entries == [
        ("ana", "sign_in_failed", "ana", {"reason": "password"}),
        ("public", "sign_in_failed", None, {"reason": "password"}),
    ]


def test_staff_exports_are_logged_without_their_search_text(db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry
    from recruitwatch.web.app import create_app

    make_user(db_url, "vic", "viewer")
    with TestClient(create_app(db_url)) as client:
        client.get("/export.csv?q=Karimov")  # the public: names are redacted, nothing to log
        sign_in(client, "vic")
        assert client.get("/export.csv?q=Karimov&nationality=UZ").status_code == 200
    with sessions(db_url)() as session:
        exports = [e.detail for e in session.query(AuditEntry).filter_by(action="export")]
    assert exports == [{"format": "csv", "filters": {"q": "(withheld)", "nationality": "UZ"}}]


def test_the_command_verifies_lists_and_exits_7_on_a_tampered_log(db_url):
    assert run_cli("users", "add", "olga", "--role", "viewer").returncode == 0
    assert run_cli("users", "disable", "olga").returncode == 0
    intact = run_cli("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.decode().startswith("audit log intact: 2 entries")
    listed = run_cli("audit", "list", "--limit", "1").stdout.decode().splitlines()
    assert len(listed) == 1 and listed[0].startswith("2\t") and '\tupdate\tuser:olga\t{"action": "disable"}' in listed[0]
    _as_attacker(db_url, "UPDATE audit_log SET actor = 'someone else' WHERE id = 1")
    tampered = run_cli("audit", "verify")
    assert tampered.returncode == 7
    assert tampered.stdout.decode().splitlines() == ["entry 1: its content does not match its hash (edited)"]
    assert "altered" in tampered.stderr.decode()


def test_staff_reads_of_names_in_lists_searches_and_documents_are_logged_once_per_request(db_url):
    """A viewer who reads 3 names through one list request leaves one entry naming the 3 incidents;
    reading records without names, or reading as the public, leaves none."""
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry
    from recruitwatch.web.app import create_app

    from .store_helpers import new_incident

    with sessions(db_url)() as session:
        named = [new_incident(session, n, victim_names=[f"Alisher {surname}"], methods=["threat"]).id
                 for n, surname in enumerate(("Karimov", "Yusupov", "Rashidov"), 1)]
        nameless = new_incident(session, 4, methods=["threat"]).id
        session.commit()
    make_user(db_url, "vic", "viewer")
    with TestClient(create_app(db_url)) as client:
        client.get("/incidents")
        client.get("/api/v1/incidents")  # the public: nothing to log
        sign_in(client, "vic")
        with sessions(db_url)() as session:
            before = session.query(AuditEntry).count()
        assert client.get("/incidents").status_code == 200
        assert client.get("/api/v1/incidents", params={"limit": 2, "sort": "id"}).status_code == 200
        assert client.get("/api/v1/search", params={"q": "Karimov"}).status_code == 200
        assert client.get("/api/v1/documents").status_code == 200
        assert client.get("/documents/1").status_code == 200
        assert client.get("/api/v1/documents/2").status_code == 200
        assert client.get("/api/v1/incidents", params={"nationality": "XX"}).status_code == 200  # nothing read
    with sessions(db_url)() as session:
        reads = [(e.object_type, e.detail) for e in session.query(AuditEntry).order_by(AuditEntry.id).offset(before)]
    assert reads == [
        ("incident", {"via": "list", "ids": named}),
        ("incident", {"via": "api list", "ids": named[:2]}),
        ("incident", {"via": "api search", "ids": [named[0]]}),
        ("document", {"via": "api search", "ids": [1]}),
        ("document", {"via": "api list", "ids": [1, 2, 3, 4]}),
        ("document", {"via": "page", "ids": [1]}),
        ("document", {"via": "api", "ids": [2]}),
    ]
    assert nameless not in named and "Karimov" not in repr(reads)
    assert _verify(db_url).ok
