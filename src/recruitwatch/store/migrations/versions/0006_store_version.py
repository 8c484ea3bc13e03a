"""The store's version: a counter the database bumps on every change that can alter a listing

Counts, facets and months of a filtered view are costly on a large store and
change only when incidents, their values, reports or mentions do. Triggers
bump `store_state.version` on each such change, so a process can keep those
figures until the version moves (store/figures_cache.py). `epoch` is random per
database, so a store rebuilt at the same address never matches an old entry.

Revision ID: 0006
Revises: 0005
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WATCHED = ("incidents", "incident_values", "mentions", "reports")
VERBS = ("INSERT", "UPDATE", "DELETE")
BUMP = "UPDATE store_state SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "store_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.execute(sa.text("INSERT INTO store_state (id, epoch, version) VALUES (1, :epoch, 0)").bindparams(epoch=secrets.token_hex(16)))
    if op.get_bind().dialect.name == "sqlite":  # row triggers only: one tiny update per changed row
        for table in WATCHED:
            for verb in VERBS:
                op.execute(f"CREATE TRIGGER {table}_bump_{verb.lower()} AFTER {verb} ON {table} BEGIN {BUMP}; END")
        op.execute(f"CREATE TRIGGER documents_bump_language AFTER UPDATE OF language ON documents BEGIN {BUMP}; END")
    else:  # one bump per statement, TRUNCATE included
        op.execute(f"CREATE FUNCTION bump_store_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$")
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_store_version()"
            )
        op.execute(
            "CREATE TRIGGER documents_bump_language AFTER UPDATE OF language ON documents "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_store_version()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED:
            for verb in VERBS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_{verb.lower()}")
        op.execute("DROP TRIGGER IF EXISTS documents_bump_language")
    else:
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bump ON {table}")
        op.execute("DROP TRIGGER IF EXISTS documents_bump_language ON documents")
        op.execute("DROP FUNCTION IF EXISTS bump_store_version()")
    op.drop_table("store_state")
