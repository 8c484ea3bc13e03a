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


def test_an_empty_database_is_migrated_to_the_models(db_url):
    assert current_revision(db_url) is not None
    assert _schema_differences(db_url) == []


def test_a_database_of_the_previous_release_is_brought_forward(db_url):
    from alembic import command

    from recruitwatch.store.database import alembic_config

    config = alembic_config(db_url)
    with engine_for(db_url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert current_revision(db_url) == "0001"
    upgrade(db_url)
    assert _schema_differences(db_url) == []
