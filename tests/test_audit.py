"""The audit log: entries chain, the database refuses edits, and whoever gets past that is caught by `audit verify`."""

from __future__ import annotations

import datetime as dt
import json
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
    """Someone with the database: every guard removed, then rows changed behind the app's back."""
    from recruitwatch.store.database import engine_for

    with engine_for(url).begin() as connection:
        if connection.dialect.name == "sqlite":
            for trigger in ("audit_log_no_update", "audit_log_no_delete", "audit_log_append_at_end"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
            connection.exec_driver_sql("PRAGMA ignore_check_constraints = ON")  # its CHECK goes with a table rebuild
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"))
            connection.execute(text("ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS ck_audit_log_id_positive"))
        for statement in statements:
            connection.execute(text(statement))
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")


def _rehash(url: str, renumber: bool = False) -> None:
    """The attacker's next step: every entry's hash and link recomputed (after renumbering them 1, 2, 3…), so the chain holds."""
    from recruitwatch.store.audit import GENESIS, entry_hash
    from recruitwatch.store.database import engine_for

    with engine_for(url).begin() as connection:
        rows = connection.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings().all()
    prev_hash, statements = GENESIS, []
    for number, row in enumerate(rows, 1):
        detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"]
        at = dt.datetime.fromisoformat(row["at"]) if isinstance(row["at"], str) else row["at"]
        new_hash = entry_hash(prev_hash, at, row["actor"], row["action"], row["object_type"], row["object_id"], detail)
        new_id = number if renumber else row["id"]
        statements.append(f"UPDATE audit_log SET id = {new_id}, prev_hash = '{prev_hash}', hash = '{new_hash}' "
                          f"WHERE hash = '{row['hash']}'")
        prev_hash = new_hash
    _as_attacker(url, *statements)


def test_entries_chain_across_sessions_are_sealed_with_the_key_and_an_intact_log_verifies(db_url):
    from recruitwatch.security.crypto import key_ring
    from recruitwatch.store.audit import GENESIS, MAC_PURPOSE, Head, entry_hash, entry_mac
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry

    assert _add(db_url, 3) == [1, 2, 3]
    with sessions(db_url)() as session:
        entries = session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    first = entries[0]
    assert first.hash == entry_hash(GENESIS, first.at, first.actor, first.action, first.object_type, first.object_id, first.detail)
    ring = key_ring()
    assert {e.key_id for e in entries} == {ring.current_id}
    assert first.mac == entry_mac(ring.mac_key(ring.current_id, MAC_PURPOSE), 1, first.hash)
    result = _verify(db_url)
    assert result.ok and result.entries == 3 and result.problems == [] and result.head == Head(3, entries[-1].hash)
    assert result.legacy == 0 and result.notes == []


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
    assert len(problems) == 2 and problems[1].startswith("entry 3: the chain is broken")
    assert problems[0] == "entry 2: its MAC does not match (forged, or edited with the hashes recomputed)"


def test_an_edit_with_every_hash_after_it_recomputed_is_found(db_url):
    """The attacker rehashes the whole chain, as anyone can: only the MACs, made with the key, show it."""
    _add(db_url, 4)
    _as_attacker(db_url, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    _rehash(db_url)
    result = _verify(db_url)
    assert not result.ok
    assert result.problems == ["entries 2–4: their MACs do not match (forged, or edited with the hashes recomputed)"]


def test_a_deleted_entry_with_the_rest_renumbered_and_rehashed_is_found(db_url):
    _add(db_url, 4)
    _as_attacker(db_url, "DELETE FROM audit_log WHERE id = 2")
    _rehash(db_url, renumber=True)
    result = _verify(db_url)
    assert not result.ok and result.entries == 3
    assert result.problems == ["entries 2–3: their MACs do not match (forged, or edited with the hashes recomputed)"]


@pytest.mark.parametrize("seal", ["none", "guessed"])
def test_a_forged_entry_appended_is_found(db_url, seal):
    from recruitwatch.security.crypto import key_ring
    from recruitwatch.store.audit import entry_hash, entry_mac
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry

    _add(db_url, 3)
    with sessions(db_url)() as session:
        last = session.get(AuditEntry, 3)
        at = last.at + dt.timedelta(seconds=1)
    detail = {"action": "enable"}
    forged = entry_hash(last.hash, at, "ana", "update", "user", "mallory", detail)
    columns, values = "", ""
    if seal == "guessed":  # the current key's id, with a MAC under a key the attacker made up
        columns = ", key_id, mac"
        values = f", '{key_ring().current_id}', '{entry_mac(b'a guess' * 4, 4, forged)}'"
    _as_attacker(db_url, "INSERT INTO audit_log (id, at, actor, action, object_type, object_id, detail, prev_hash, hash"
                         f"{columns}) VALUES (4, '{at.isoformat()}', 'ana', 'update', 'user', 'mallory', "
                         f"'{json.dumps(detail)}', '{last.hash}', '{forged}'{values})")
    result = _verify(db_url)
    assert not result.ok and result.entries == 4
    assert result.problems == [{
        "none": "entry 4: it has no MAC, yet follows sealed entries (forged)",
        "guessed": "entry 4: its MAC does not match (forged, or edited with the hashes recomputed)",
    }[seal]]


def test_a_log_stripped_of_its_macs_is_found(db_url):
    """Passing sealed entries off as ones from before the log was keyed does not work."""
    _add(db_url, 3)
    _as_attacker(db_url, "UPDATE audit_log SET key_id = NULL, mac = NULL")
    result = _verify(db_url)
    assert not result.ok
    assert result.problems == ["entries 1–3: no MAC, and no sealed entry follows: since the log was keyed its "
                               "sealed entries were removed, or the log rewritten"]


def test_ids_below_1_are_refused_and_found(db_url):
    from recruitwatch.store.database import engine_for

    _add(db_url, 2)
    statements = [
        "INSERT INTO audit_log (id, at, actor, action, object_type, object_id, detail, prev_hash, hash) "
        f"VALUES ({entry_id}, '2025-01-01 00:00:00', 'mallory', 'read', 'case', '1', '{{}}', '{'0' * 64}', "
        f"'{str(abs(entry_id)) * 64}')"
        for entry_id in (-5, 0)
    ]
    for statement in statements:
        with pytest.raises(DBAPIError), engine_for(db_url).begin() as connection:
            connection.execute(text(statement))
    _as_attacker(db_url, *statements)
    result = _verify(db_url)
    assert not result.ok and result.entries == 4
    assert result.problems == ["entry -5: an id below 1, which RecruitWatch never gives (forged)",
                               "entry 0: an id below 1, which RecruitWatch never gives (forged)"]


def test_an_entry_cannot_replace_another(db_url):
    """SQLite's INSERT OR REPLACE deletes the row it collides with without firing DELETE triggers;
    PostgreSQL's ON CONFLICT DO UPDATE is an update."""
    from recruitwatch.store.database import engine_for, sessions
    from recruitwatch.store.models import AuditEntry

    _add(db_url, 3)
    with sessions(db_url)() as session:
        second = session.get(AuditEntry, 2).hash
    columns = "(id, at, actor, action, object_type, object_id, detail, prev_hash, hash)"
    for entry_id, hash_ in ((2, "f" * 64), (4, second)):  # the same id, or a new id with an existing hash
        row = f"({entry_id}, '2025-01-01 00:00:00', 'mallory', 'read', 'case', '1', '{{}}', '{'0' * 64}', '{hash_}')"
        with engine_for(db_url).connect() as connection:
            if connection.dialect.name == "sqlite":
                statement = f"INSERT OR REPLACE INTO audit_log {columns} VALUES {row}"
            else:
                conflict = "id" if entry_id == 2 else "hash"
                statement = f"INSERT INTO audit_log {columns} VALUES {row} ON CONFLICT ({conflict}) DO UPDATE SET actor = 'mallory'"
        with pytest.raises(DBAPIError, match="append-only"), engine_for(db_url).begin() as connection:
            connection.execute(text(statement))
    result = _verify(db_url)
    assert result.ok and result.entries == 3
    with sessions(db_url)() as session:
        assert session.get(AuditEntry, 2).hash == second


def test_the_log_cannot_be_emptied_at_once(db_url):
    """PostgreSQL's TRUNCATE fires no row trigger; on SQLite a DELETE without WHERE still fires them."""
    from recruitwatch.store.database import engine_for

    _add(db_url, 2)
    with engine_for(db_url).connect() as connection:
        statement = "DELETE FROM audit_log" if connection.dialect.name == "sqlite" else "TRUNCATE audit_log"
    with pytest.raises(DBAPIError, match="append-only"), engine_for(db_url).begin() as connection:
        connection.execute(text(statement))
    result = _verify(db_url)
    assert result.ok and result.entries == 2


def test_a_cut_off_tail_is_found_with_the_head_kept_from_before(db_url):
    from recruitwatch.store import audit
    from recruitwatch.store.database import sessions

    _add(db_url, 5)
    kept = _verify(db_url).head
    assert kept.id == 5 and audit.parse_head(str(kept)) == kept
    _as_attacker(db_url, "DELETE FROM audit_log WHERE id >= 4")
    assert _verify(db_url).ok  # the chain alone cannot tell
    with sessions(db_url)() as session:
        cut = audit.verify(session, kept)
        by_hash = audit.verify(session, audit.parse_head(kept.hash))
        earlier = audit.verify(session, audit.parse_head(f"2:{cut.head.hash}"))
        older = audit.verify(session, audit.Head(3, cut.head.hash))
    assert not cut.ok and cut.problems == [
        f"the expected head {kept} is gone: the log ends at entry 3, its newest entries were cut off"]
    assert by_hash.problems == [
        f"no entry has the expected head {kept.hash}: the log's newest entries were cut off, or it was rewritten"]
    assert earlier.problems == [f"entry 2 is not the expected head 2:{cut.head.hash}: the log was rewritten up to it"]
    assert older.ok and older.notes == [f"the expected head 3:{cut.head.hash} is still in the chain"]


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
    assert exports == [{"format": "csv", "filters": {"q": "(withheld)", "nationality": ["UZ"]}}]  # facets take several values


def test_the_command_verifies_lists_and_exits_7_on_a_tampered_log(db_url):
    assert run_cli("users", "add", "olga", "--role", "viewer").returncode == 0
    assert run_cli("users", "disable", "olga").returncode == 0
    intact = run_cli("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.decode().startswith("audit log intact: 2 entries (head 2:")
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


def test_the_command_checks_a_head_kept_from_an_earlier_run(db_url):
    for name in ("olga", "petr", "rita"):
        assert run_cli("users", "add", name, "--role", "viewer").returncode == 0
    first = run_cli("audit", "verify").stdout.decode().splitlines()
    head = first[0].removeprefix("audit log intact: 3 entries (head ").removesuffix(")")
    assert first[1] == (f"keep the head elsewhere; 'recruitwatch audit verify --expect-head {head}' later shows "
                        "whether entries were cut off since")
    still = run_cli("audit", "verify", "--expect-head", head)
    assert still.returncode == 0 and f"the expected head {head} is still in the chain" in still.stdout.decode()
    _as_attacker(db_url, "DELETE FROM audit_log WHERE id = 3")
    assert run_cli("audit", "verify").returncode == 0  # the chain alone cannot tell
    cut = run_cli("audit", "verify", "--expect-head", head)
    assert cut.returncode == 7
    assert cut.stdout.decode().splitlines() == [
        f"the expected head {head} is gone: the log ends at entry 2, its newest entries were cut off"]
    wrong = run_cli("audit", "verify", "--expect-head", "3:abc")
    assert wrong.returncode == 2 and "N:HASH" in wrong.stderr.decode()


def _other_key_file(path, key_id: str | None = None):
    from recruitwatch.security.crypto import new_key_line

    line = new_key_line()
    path.write_text((f"{key_id}:{line.split(':', 1)[1]}" if key_id else line) + "\n")
    return str(path)


def test_verifying_without_the_key_that_sealed_the_log_fails_clearly(db_url, tmp_path, monkeypatch):
    from recruitwatch.security.crypto import KeyRingError, key_ring

    _add(db_url, 2)
    key_id = key_ring().current_id
    other = _other_key_file(tmp_path / "other.key")
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", other)
    result = _verify(db_url)
    assert not result.ok and result.problems == []
    assert result.unchecked == (f"entries 1–2: sealed with key {key_id}, which is not in the key ring: "
                                "restore the key file that holds it to verify them")
    command = run_cli("audit", "verify")  # stopped where every command opens the store: its key is not there
    assert command.returncode == 4 and command.stdout == b""
    assert f"lacks key {key_id}, which sealed stored audit_log.mac" in command.stderr.decode()
    missing = run_cli("audit", "verify", env={"RECRUITWATCH_KEY_FILE": str(tmp_path / "nowhere.key")})
    assert missing.returncode == 4 and "no key file at" in missing.stderr.decode()
    assert not (tmp_path / "nowhere.key").exists()  # verifying never makes a key
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", _other_key_file(tmp_path / "impostor.key", key_id))
    with pytest.raises(KeyRingError):
        key_ring()._key("no such id")
    impostor = run_cli("audit", "verify")  # a key of the same id, other bytes: nothing matches
    assert impostor.returncode == 7
    assert impostor.stdout.decode().splitlines() == [
        "entries 1–2: their MACs do not match (forged, or edited with the hashes recomputed)"]


def test_after_a_rotation_dropping_the_old_key_the_log_still_verifies_and_cannot_be_rewritten_with_it(
        db_url, tmp_path, monkeypatch):
    """The rotation's own entry, sealed with the new key, covers the chain before it:
    even the dropped key cannot rewrite what it sealed."""
    from recruitwatch.security.crypto import key_ring
    from recruitwatch.store.audit import MAC_PURPOSE, entry_mac
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import AuditEntry

    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", _other_key_file(tmp_path / "rotating.key"))
    _add(db_url, 2)
    old = key_ring()
    rotated = run_cli("keys", "rotate", "--drop-old")
    assert rotated.returncode == 0, rotated.stderr.decode()
    assert "audit entry 3, sealed with the new key, vouches for the older entries" in rotated.stdout.decode()
    assert len(key_ring().keys) == 1 and key_ring().current_id != old.current_id
    with sessions(db_url)() as session:
        entries = session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert [(e.object_type, e.detail.get("action"), e.key_id) for e in entries[2:]] == [
        ("key", "rotate", key_ring().current_id), ("key", "drop_old_keys", key_ring().current_id)]
    assert run_cli("audit", "verify").returncode == 0
    # Someone holding the old key edits an entry it sealed and reseals it: the new key's entries catch it.
    _as_attacker(db_url, "UPDATE audit_log SET actor = 'mallory' WHERE id = 1")
    _rehash(db_url)
    with sessions(db_url)() as session:
        resealed = [(e.id, entry_mac(old.mac_key(old.current_id, MAC_PURPOSE), e.id, e.hash))
                    for e in session.query(AuditEntry).filter(AuditEntry.id <= 2)]
    _as_attacker(db_url, *(f"UPDATE audit_log SET mac = '{mac}' WHERE id = {i}" for i, mac in resealed))
    result = _verify(db_url)
    assert result.problems == ["entries 3–4: their MACs do not match (forged, or edited with the hashes recomputed)"]


def test_entries_from_before_the_log_was_keyed_verify_and_are_reported(db_url):
    """A store at 0007 with entries chained by SHA-256 alone: migration 0008 seals them with an entry of its own."""
    from recruitwatch.store import audit
    from recruitwatch.store.database import current_revision, engine_for, sessions, upgrade
    from recruitwatch.store.models import AuditEntry

    from .test_migrations import _downgrade

    _downgrade(db_url, "0007")
    assert current_revision(db_url) == "0007"
    prev_hash = audit.GENESIS
    with engine_for(db_url).begin() as connection:
        for number in (1, 2, 3):  # written as the code of 0007 wrote them
            at = dt.datetime(2025, 1, number, 12, tzinfo=dt.UTC)
            entry = ["ana", "read", "case", str(number), {}]
            hash_ = audit.entry_hash(prev_hash, at, *entry)
            connection.execute(text(
                "INSERT INTO audit_log (id, at, actor, action, object_type, object_id, detail, prev_hash, hash) "
                "VALUES (:id, :at, 'ana', 'read', 'case', :object_id, '{}', :prev_hash, :hash)"
            ), {"id": number, "at": at, "object_id": str(number), "prev_hash": prev_hash, "hash": hash_})
            prev_hash = hash_
        connection.execute(text(  # a forged row from back then is kept, as evidence
            "INSERT INTO audit_log (id, at, actor, action, object_type, object_id, detail, prev_hash, hash) "
            f"VALUES (-5, '2025-01-01 00:00:00', 'mallory', 'read', 'case', '9', '{{}}', '{'0' * 64}', '{'5' * 64}')"))
    upgrade(db_url)
    with sessions(db_url)() as session:
        seal = session.get(AuditEntry, 4)
        assert (seal.actor, seal.detail, seal.prev_hash) == ("migration", {"action": "seal_legacy_entries", "entries": 3},
                                                             prev_hash)
    result = _verify(db_url)
    assert result.problems == ["entry -5: an id below 1, which RecruitWatch never gives (forged)"]
    assert result.legacy == 3 and result.notes == [
        "entries 1–3 date from before the log was keyed: they chain by SHA-256 alone, so nothing proves they were "
        "not altered before entry 4 sealed them"]
    _as_attacker(db_url, "DELETE FROM audit_log WHERE id = -5")
    assert _verify(db_url).ok
    assert _add(db_url, 1) == [5]
    listed = run_cli("audit", "verify").stdout.decode().splitlines()
    assert listed[:2] == [f"audit log intact: 5 entries (head {_verify(db_url).head})", result.notes[0]]
    _as_attacker(db_url, "UPDATE audit_log SET object_id = '7' WHERE id = 2")  # a legacy entry, now sealed
    _rehash(db_url)
    assert _verify(db_url).problems == [
        "entries 4–5: their MACs do not match (forged, or edited with the hashes recomputed)"]
