"""incidents' search text without the date: the public searches it, and the day is not public

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from recruitwatch.store.repository import incident_search_text

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 1000


def _rebuild() -> None:
    """Every incident's search text made again by the current rule (the full-text index follows by trigger)."""
    connection = op.get_bind()
    incidents = sa.table("incidents", sa.column("id", sa.Integer), sa.column("fields", sa.JSON),
                         sa.column("search_text", sa.Text))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(incidents.c.id, incidents.c.fields, incidents.c.search_text)
            .where(incidents.c.id > last).order_by(incidents.c.id).limit(BATCH)
        ).all()
        for incident_id, fields, old in rows:
            new = incident_search_text(fields or {})
            if new != old:
                connection.execute(incidents.update().where(incidents.c.id == incident_id).values(search_text=new))
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def upgrade() -> None:
    _rebuild()


def downgrade() -> None:
    pass  # the old text held the date too; searching without it loses nothing a filter cannot do
