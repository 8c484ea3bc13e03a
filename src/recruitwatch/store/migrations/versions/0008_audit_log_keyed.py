"""audit log keyed: each entry sealed with an HMAC under a key kept outside the database; ids from 1; REPLACE and TRUNCATE refused

The hash chain alone could be recomputed by anyone with the database. Entries
now carry `key_id` and `mac` (store/audit.py); those written before have
neither (legacy), and this migration appends one sealed entry after them, so
from now on none of them can change unseen. Ids below 1 are refused by a CHECK
(`audit verify` used to skip them); rows that already break it are kept as
evidence, for `audit verify` to report. SQLite's INSERT OR REPLACE deletes the
row it replaces without firing DELETE triggers, so an insert must follow the
last entry with a new hash; PostgreSQL's TRUNCATE fires no row trigger, so a
statement trigger refuses it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from recruitwatch.store.audit import seal_legacy

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CHECK = "ck_audit_log_id_positive"
REFUSE = "SELECT RAISE(ABORT, 'the audit log is append-only')"
# SQLite: a new entry must take the next id and a new hash, or REPLACE would delete the entry it collides with.
FOLLOWS_LAST = (
    "CREATE TRIGGER audit_log_append_at_end BEFORE INSERT ON audit_log "
    "WHEN NEW.id IS NOT (SELECT coalesce(max(id), 0) + 1 FROM audit_log WHERE id >= 1) "
    "OR EXISTS (SELECT 1 FROM audit_log WHERE hash = NEW.hash) "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: a new entry must follow the last one'); END"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Adding a CHECK rebuilds the table, which drops its triggers: they are made again after.
        _drop_sqlite_triggers()
        bind.exec_driver_sql("PRAGMA ignore_check_constraints = ON")  # the copy keeps forged rows as evidence
        try:
            with op.batch_alter_table("audit_log", recreate="always") as batch:
                batch.add_column(sa.Column("key_id", sa.String(length=64), nullable=True))
                batch.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
                batch.create_check_constraint(CHECK, "id >= 1")
        finally:
            bind.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
        _create_sqlite_triggers(FOLLOWS_LAST)
    else:
        op.add_column("audit_log", sa.Column("key_id", sa.String(length=64), nullable=True))
        op.add_column("audit_log", sa.Column("mac", sa.String(length=64), nullable=True))
        op.execute(f"ALTER TABLE audit_log ADD CONSTRAINT {CHECK} CHECK (id >= 1) NOT VALID")
        if bind.execute(sa.text("SELECT 1 FROM audit_log WHERE id < 1 LIMIT 1")).first() is None:
            op.execute(f"ALTER TABLE audit_log VALIDATE CONSTRAINT {CHECK}")  # else forged rows stay, as evidence
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    seal_legacy(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _drop_sqlite_triggers()
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_at_end")
        with op.batch_alter_table("audit_log", recreate="always") as batch:
            batch.drop_constraint(CHECK, type_="check")
            batch.drop_column("mac")
            batch.drop_column("key_id")
        _create_sqlite_triggers()
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.drop_constraint(CHECK, "audit_log", type_="check")
        op.drop_column("audit_log", "mac")
        op.drop_column("audit_log", "key_id")


def _drop_sqlite_triggers() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb}")


def _create_sqlite_triggers(*more: str) -> None:
    """The refusals of migration 0004, and any more."""
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log BEGIN {REFUSE}; END")
    for statement in more:
        op.execute(statement)
