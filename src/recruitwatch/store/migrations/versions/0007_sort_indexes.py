"""sort indexes: the incident list's date and update orders read from an index (with merged_into, so unfiltered pages need no table rows)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The date sorts order by the date with undated incidents last either way (store/queries/pages.py
    # _sort_keys): '0000' below every date going down, '9999' above every date going up.
    op.create_index("ix_incidents_date_down", "incidents", [sa.text("coalesce(date, '0000')"), "id", "merged_into"])
    op.create_index("ix_incidents_date_up", "incidents", [sa.text("coalesce(date, '9999')"), "id", "merged_into"])
    op.create_index("ix_incidents_updated_id", "incidents", ["updated_at", "id", "merged_into"])


def downgrade() -> None:
    op.drop_index("ix_incidents_updated_id", table_name="incidents")
    op.drop_index("ix_incidents_date_up", table_name="incidents")
    op.drop_index("ix_incidents_date_down", table_name="incidents")
