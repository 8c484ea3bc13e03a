"""Personal data at rest: AES-GCM with keys outside the database, bound to their field, rotatable."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from .conftest import run_cli


def test_a_value_opens_only_with_its_key_and_in_its_own_field(tmp_path, monkeypatch):
    from recruitwatch.security.crypto import KeyRingError, load_key_ring

    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(tmp_path / "k"))
    ring = load_key_ring(create=True)
    token = ring.encrypt("Yusuf Qurbonov", "case.name")
    assert "Yusuf" not in token and token.startswith("rw1:")
    assert ring.decrypt_text(token, "case.name") == "Yusuf Qurbonov"
    with pytest.raises(KeyRingError, match="does not open"):
        ring.decrypt(token, "case.contact")  # copied into another column
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(KeyRingError):
        ring.decrypt(tampered, "case.name")
    assert (tmp_path / "k").stat().st_mode & 0o077 == 0  # the key file is private to its owner


def test_a_broken_key_file_is_a_clear_error(tmp_path, monkeypatch):
    from recruitwatch.security.crypto import KeyRingError, key_ring

    (tmp_path / "k").write_text("abc:not-a-key\n")
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(tmp_path / "k"))
    with pytest.raises(KeyRingError, match="line 1"):
        key_ring()


@pytest.fixture
def stored(db_url):
    from recruitwatch.store import repository as repo
    from recruitwatch.store.database import transaction

    fields = {"victim_nationalities": ["UZ"], "victim_status": "migrant_worker", "victim_count": 1,
              "victim_names": ["Zafarjon Tursunboyev"], "location_country": "RU", "location_regions": ["RU-MOW"],
              "perpetrators": ["police"], "methods": ["threat"], "outcomes": [], "date": "2025-03"}
    with transaction(db_url) as session:
        incident = repo.create_incident(session, fields, repo.incident_search_text(fields))
        return incident.id


def _database_text(db_url: str) -> str:
    """Every stored value of the incident tables, as the database holds it."""
    from recruitwatch.store.database import engine_for

    with engine_for(db_url).connect() as connection:
        rows = []
        for table in ("incidents", "incident_values", "incident_changes"):
            rows += [str(tuple(r)) for r in connection.execute(text(f"SELECT * FROM {table}"))]
    return "\n".join(rows)


def test_victims_names_of_incidents_are_not_stored_in_clear(db_url, stored):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident
    from recruitwatch.store.queries import IncidentQuery, list_incidents

    raw = _database_text(db_url).lower()
    assert "zafarjon" not in raw and "tursunboyev" not in raw
    with sessions(db_url)() as session:
        assert session.get(Incident, stored).fields["victim_names"] == ["Zafarjon Tursunboyev"]
        assert [i.id for i in list_incidents(session, IncidentQuery(name="Зафаржон"))] == [stored]


def test_rotation_reseals_everything_under_a_new_key(db_url, stored):
    from recruitwatch.security.crypto import key_file_path, key_ring
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident
    from recruitwatch.store.queries import IncidentQuery, list_incidents

    old_id = key_ring().current_id
    result = run_cli("keys", "rotate", "--drop-old", env={"RECRUITWATCH_DATABASE_URL": db_url})
    assert result.returncode == 0, result.stderr.decode()
    assert "incidents.victim_names_enc\t1" in result.stdout.decode()
    ring = key_ring()
    assert ring.current_id != old_id and len(ring.keys) == 1
    assert old_id not in key_file_path().read_text()
    with sessions(db_url)() as session:
        incident = session.get(Incident, stored)
        assert incident.victim_names_enc.startswith(f"rw1:{ring.current_id}:")
        assert incident.fields["victim_names"] == ["Zafarjon Tursunboyev"]
        assert [i.id for i in list_incidents(session, IncidentQuery(name="Tursunboyev"))] == [stored]
        assert session.scalar(select(Incident.id).where(Incident.victim_names_enc.like(f"rw1:{old_id}:%"))) is None


def test_reindex_rebuilds_the_names_keys_an_upgrade_changed_without_a_new_key(db_url, stored):
    """A store keyed before initials met full names: after `keys reindex`, "Z. Tursunboyev" finds it."""
    from recruitwatch.security.crypto import key_ring
    from recruitwatch.store import repository as repo
    from recruitwatch.store.database import sessions, transaction
    from recruitwatch.store.models import IncidentValue

    initial_keys = repo.pair_index_keys(["Z. Tursunboyev"])
    with transaction(db_url) as session:  # as an older version left it: pairs of whole words only
        session.query(IncidentValue).filter(IncidentValue.field == "victim_name_pairs",
                                            IncidentValue.value.in_(initial_keys)).delete()
    with sessions(db_url)() as session:
        assert not repo._ids_by_names(session, ["Z. Tursunboyev"], ["victim_name_pairs"])
    key_id = key_ring().current_id
    result = run_cli("keys", "reindex", env={"RECRUITWATCH_DATABASE_URL": db_url})
    assert result.returncode == 0, result.stderr.decode()
    assert "incidents.names_indexed\t1" in result.stdout.decode()
    assert key_ring().current_id == key_id  # no new key, nothing re-encrypted
    with sessions(db_url)() as session:
        assert repo._ids_by_names(session, ["Z. Tursunboyev"], ["victim_name_pairs"]) == {stored}


# -- the key ring must open what the store holds: never a new key over old data


def _other_key_file(path):
    from recruitwatch.security.crypto import new_key_line

    path.write_text(new_key_line() + "\n")
    return path


def test_a_fresh_store_makes_its_private_key_file(tmp_path, db_url):
    """`make run` on a new machine: the first command that opens the empty store makes the key file."""
    key_file = tmp_path / "fresh" / "recruitwatch.key"
    result = run_cli("users", "add", "olga", env={"RECRUITWATCH_DATABASE_URL": db_url, "RECRUITWATCH_KEY_FILE": str(key_file)})
    assert result.returncode == 0, result.stderr.decode()
    assert key_file.exists() and key_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("command", [("users", "list"), ("incidents",), ("keys", "rotate")])
def test_without_its_key_file_a_store_with_encrypted_data_stops_every_command(tmp_path, db_url, stored, command):
    key_file = tmp_path / "gone" / "recruitwatch.key"
    result = run_cli(*command, env={"RECRUITWATCH_DATABASE_URL": db_url, "RECRUITWATCH_KEY_FILE": str(key_file)})
    message = result.stderr.decode()
    assert result.returncode == 4, message
    assert f"no key file at {key_file}" in message and "restore the key file from your backup" in message
    assert "incidents.victim_names_enc" in message
    assert not key_file.exists()  # no new key that would seal new data where the old key cannot open it


def test_ingest_without_the_key_file_stores_nothing(tmp_path, db_url, stored):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Document

    from .conftest import SEED_YUSUF

    result = run_cli("ingest", str(SEED_YUSUF), env={"RECRUITWATCH_DATABASE_URL": db_url,
                                                     "RECRUITWATCH_KEY_FILE": str(tmp_path / "gone.key")})
    assert result.returncode == 4 and "no key file at" in result.stderr.decode()
    with sessions(db_url)() as session:
        assert session.query(Document).count() == 0


def test_a_key_file_without_the_stores_key_stops_every_command(tmp_path, db_url, stored):
    from recruitwatch.security.crypto import key_ring

    sealed_with = key_ring().current_id
    wrong = _other_key_file(tmp_path / "other.key")
    result = run_cli("users", "list", env={"RECRUITWATCH_DATABASE_URL": db_url, "RECRUITWATCH_KEY_FILE": str(wrong)})
    message = result.stderr.decode()
    assert result.returncode == 4, message
    assert f"lacks key {sealed_with}" in message and "incidents.victim_names_enc" in message and str(wrong) in message


def test_every_encrypted_table_counts_not_only_the_incidents(tmp_path, monkeypatch, db_url):
    """A store with appeals (a file and a note) and a second factor, and no incident names: as much to lose."""
    from recruitwatch.security.accounts import create_user
    from recruitwatch.security.crypto import KeyRingError, key_ring
    from recruitwatch.store import cases
    from recruitwatch.store.database import sessions, transaction, upgrade
    from recruitwatch.store.encrypted import ENCRYPTED_COLUMNS, sealed_key_ids

    with transaction(db_url) as session:
        case = cases.create_case(session, story="They took my passport", name="Rustam", contact="+998 90 555 12 34").case
        cases.add_file(session, case, "summons.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
        cases.add_note(session, case, "called the family", actor="test")
        cases.refer(session, case, "lawyer", "a lawyer in Tashkent", actor="test")
        user = create_user(session, "ana", "caseworker", password="correct horse battery").user
        user.totp_secret_enc = key_ring().encrypt("JBSWY3DPEHPK3PXP", "user.totp")
    with sessions(db_url)() as session:
        found = sealed_key_ids(session)
    victims = {"incidents.victim_names_enc", "candidate_victims.name_enc"}  # none in this store
    expected = {f"{c.model.__tablename__}.{c.attribute}" for c in ENCRYPTED_COLUMNS} - victims
    assert found == {column: {key_ring().current_id} for column in expected}
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(tmp_path / "gone.key"))
    with pytest.raises(KeyRingError, match="no key file at") as stopped:
        upgrade(db_url)
    assert "case_files.content_enc" in str(stopped.value) and "users.totp_secret_enc" in str(stopped.value)


def test_a_store_whose_only_keyed_data_is_its_audit_log_gets_no_new_key(tmp_path, db_url):
    """The audit log's MACs need the key too: a new one would let the log be resealed, so none is made."""
    from recruitwatch.security.crypto import key_ring
    from recruitwatch.store import audit
    from recruitwatch.store.database import transaction

    with transaction(db_url) as session:
        audit.record(session, actor="ana", action="update", object_type="incident", object_id=1)
    key_file = tmp_path / "gone.key"
    result = run_cli("users", "list", env={"RECRUITWATCH_DATABASE_URL": db_url, "RECRUITWATCH_KEY_FILE": str(key_file)})
    assert result.returncode == 4 and "(audit_log.mac)" in result.stderr.decode() and not key_file.exists()
    wrong = run_cli("users", "list", env={"RECRUITWATCH_DATABASE_URL": db_url,
                                          "RECRUITWATCH_KEY_FILE": str(_other_key_file(tmp_path / "other.key"))})
    assert wrong.returncode == 4 and f"lacks key {key_ring().current_id}, which sealed stored audit_log.mac" in wrong.stderr.decode()


def test_a_store_not_yet_migrated_is_checked_before_its_migrations(tmp_path, monkeypatch, db_url, stored):
    """Migrations may seal with the key (0008 seals the audit log): the check comes first, on the old schema."""
    from recruitwatch.security.crypto import KeyRingError
    from recruitwatch.store.database import current_revision, upgrade

    from .test_migrations import _downgrade

    _downgrade(db_url, "0007")
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(tmp_path / "gone.key"))
    with pytest.raises(KeyRingError, match="no key file at"):
        upgrade(db_url)
    assert current_revision(db_url) == "0007" and not (tmp_path / "gone.key").exists()


def test_values_sealed_under_a_key_made_meanwhile_are_found(tmp_path, monkeypatch, db_url, stored):
    """The old fault: a lost key file got replaced by a new key, appeals were sealed with it, then the
    old file came back. The newest values' key is missing from it: that is told, not met case by case."""
    from recruitwatch.security.crypto import KeyRingError, key_file_path
    from recruitwatch.store import repository as repo
    from recruitwatch.store.database import transaction, upgrade

    restored = key_file_path()
    meanwhile = _other_key_file(tmp_path / "meanwhile.key")
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(meanwhile))
    fields = {"victim_names": ["Dilshod Karimov"], "victim_nationalities": ["UZ"], "location_country": "RU"}
    with transaction(db_url) as session:
        repo.create_incident(session, fields, repo.incident_search_text(fields))
    meanwhile_id = meanwhile.read_text().split(":", 1)[0]
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(restored))
    with pytest.raises(KeyRingError, match=f"lacks key {meanwhile_id}"):
        upgrade(db_url)
    meanwhile.write_text(restored.read_text() + meanwhile.read_text())  # both keys: everything opens
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(meanwhile))
    upgrade(db_url)


def test_serve_refuses_to_start_without_the_key_of_the_stored_data(tmp_path, db_url, stored):
    result = run_cli("serve", "--port", "0", timeout=90,
                     env={"RECRUITWATCH_DATABASE_URL": db_url, "RECRUITWATCH_KEY_FILE": str(tmp_path / "gone.key")})
    assert result.returncode == 4 and "no key file at" in result.stderr.decode()
    assert "serving" not in result.stdout.decode()


def test_the_web_app_does_not_start_without_the_key_of_the_stored_data(tmp_path, monkeypatch, db_url, stored):
    """However it is launched (uvicorn workers build it from the settings), the app checks at start-up."""
    from fastapi.testclient import TestClient

    from recruitwatch.security.crypto import KeyRingError
    from recruitwatch.web.app import create_app

    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(_other_key_file(tmp_path / "other.key")))
    with pytest.raises(KeyRingError, match="lacks key"), TestClient(create_app(db_url)):
        pass


@pytest.fixture
def staff(db_url, stored):
    """An analyst's browser and an analyst's API client on an app that started with the right key."""
    from fastapi.testclient import TestClient

    from recruitwatch.security.accounts import create_user
    from recruitwatch.store.accounts import add_api_token
    from recruitwatch.store.database import transaction
    from recruitwatch.web.app import create_app

    from .web_helpers import make_user, sign_in

    app = create_app(db_url)
    make_user(db_url, "ana", "analyst")
    browser = TestClient(app, raise_server_exceptions=False)
    assert sign_in(browser, "ana").status_code == 303
    with transaction(db_url) as session:
        token = add_api_token(session, create_user(session, "bot", "analyst", password="correct horse battery").user, "t")
    api = TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {token}"})
    assert browser.get(f"/incidents/{stored}").status_code == 200
    return browser, api


def _assert_error_pages(browser, api, incident_id):
    page = browser.get(f"/incidents/{incident_id}")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "The server&#39;s key does not open the stored personal data" in page.text
    answer = api.get(f"/api/v1/incidents/{incident_id}")
    assert answer.status_code == 503 and "key does not open the stored personal data" in answer.json()["error"]
    export = browser.get("/export.csv")  # a download is refused before it starts, not cut off midway
    assert export.status_code == 503 and "Zafarjon" not in export.text


def test_a_wrong_key_while_running_gives_an_error_page_not_a_dropped_connection(tmp_path, monkeypatch, staff, stored):
    browser, api = staff
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(_other_key_file(tmp_path / "other.key")))
    _assert_error_pages(browser, api, stored)


def test_a_key_file_lost_while_running_is_not_replaced_by_a_new_key(tmp_path, monkeypatch, staff, stored):
    browser, api = staff
    gone = tmp_path / "gone.key"
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(gone))
    _assert_error_pages(browser, api, stored)
    assert not gone.exists()
