"""Personal data at rest: AES-GCM with keys outside the database, bound to their field, rotatable."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from .conftest import run_cli


def test_a_value_opens_only_with_its_key_and_in_its_own_field(tmp_path, monkeypatch):
    from recruitwatch.security.crypto import KeyRingError, key_ring

    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(tmp_path / "k"))
    ring = key_ring()
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
