"""link comparisons: each link's weighed comparisons, and possible duplicates for analysts

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("comparisons", sa.JSON(), nullable=True))
    op.create_table(
        "possible_duplicates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("other_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("comparisons", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("incident_id", "other_id", name="uq_possible_duplicates_pair"),
    )
    op.create_index("ix_possible_duplicates_state", "possible_duplicates", ["state", "score"])
    op.create_index("ix_possible_duplicates_other_id", "possible_duplicates", ["other_id"])


def downgrade() -> None:
    op.drop_index("ix_possible_duplicates_other_id", table_name="possible_duplicates")
    op.drop_index("ix_possible_duplicates_state", table_name="possible_duplicates")
    op.drop_table("possible_duplicates")
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("comparisons")
