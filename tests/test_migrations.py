"""Migrations: an empty database and one at the previous release both reach a schema that matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from recruitwatch.store.database import current_revision, engine_for, upgrade
from recruitwatch.store.models import Base


def _schema_differences(url: str) -> list:
    with engine_for(url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    # Full-text search lives outside the models: FTS5 tables on SQLite, GIN indexes on PostgreSQL.
    def outside_models(diff) -> bool:
        kind, obj = diff[0], diff[1]
        return (kind == "remove_table" and "_fts" in obj.name) or (kind == "remove_index" and obj.name.endswith("_search"))

    return [d for d in differences if not (isinstance(d, tuple) and outside_models(d))]


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    from recruitwatch.store.database import alembic_config

    config = alembic_config(url)
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_an_empty_database_is_migrated_to_the_models(db_url):
    assert current_revision(db_url) is not None
    assert _schema_differences(db_url) == []


def test_a_database_of_the_previous_release_is_brought_forward(db_url):
    _downgrade(db_url, "0001")
    assert current_revision(db_url) == "0001"
    upgrade(db_url)
    assert _schema_differences(db_url) == []


def test_a_store_with_incidents_at_the_last_release_keeps_them_and_its_figures_follow_changes(db_url):
    """0005 was the last release before the store's version counter and sort indexes: a store
    with data there comes forward with its incidents listed in order and counts that move."""
    from sqlalchemy import text

    from recruitwatch.store import queries, review
    from recruitwatch.store.database import sessions
    from recruitwatch.store.queries import IncidentQuery

    from .store_helpers import new_incident

    with sessions(db_url)() as s:
        for n, date in enumerate(["2024-03", None, "2025-01-02", "2023"], 1):
            new_incident(s, n, victim_nationalities=["UZ"], date=date)
        s.commit()
    _downgrade(db_url, "0005")
    assert current_revision(db_url) == "0005"
    upgrade(db_url)
    assert _schema_differences(db_url) == []
    with sessions(db_url)() as s:
        listed = queries.list_incidents(s, IncidentQuery())
        assert [i.date for i in listed] == ["2025-01-02", "2024-03", "2023", None]
        assert queries.count_incidents(s, IncidentQuery(review_state="verified")) == 0
        version = s.execute(text("SELECT version FROM store_state")).scalar()
        review.confirm(s, listed[0].id, actor="alice")
        s.commit()
        assert s.execute(text("SELECT version FROM store_state")).scalar() > version
        assert queries.count_incidents(s, IncidentQuery(review_state="verified")) == 1


def test_incidents_of_an_older_store_are_no_longer_found_by_their_day(db_url):
    """Before 0010 an incident's search text held its date, so a public search for "14" found the
    incidents of the 14th (the public sees the month only); the migration rebuilds the texts."""
    from sqlalchemy import text

    from recruitwatch.store import queries
    from recruitwatch.store.database import sessions
    from recruitwatch.store.queries import IncidentQuery

    from .store_helpers import new_incident

    with sessions(db_url)() as s:
        incident_id = new_incident(s, 1, victim_nationalities=["UZ"], methods=["threat"], date="2024-02-14").id
        s.commit()
    _downgrade(db_url, "0007")
    with engine_for(db_url).begin() as connection:  # the text as 0007's code wrote it
        connection.execute(text("UPDATE incidents SET search_text = 'uz threat 2024 02 14' WHERE id = :id"), {"id": incident_id})
    upgrade(db_url)
    with sessions(db_url)() as s:
        assert queries.list_incidents(s, IncidentQuery(text="14", text_in_documents=False)) == []
        found = queries.list_incidents(s, IncidentQuery(text="threat", text_in_documents=False))
        assert [i.id for i in found] == [incident_id]
