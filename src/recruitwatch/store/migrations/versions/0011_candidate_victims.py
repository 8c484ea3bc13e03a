"""candidate victims: the main victim of a report not judged relevant, so it can join a known incident

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "candidate_victims",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name_enc", sa.Text(), nullable=False),
        sa.Column("main", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_candidate_victims_report_id", "candidate_victims", ["report_id"])
    op.create_index("ix_candidate_victims_key", "candidate_victims", ["key"])


def downgrade() -> None:
    op.drop_index("ix_candidate_victims_key", table_name="candidate_victims")
    op.drop_index("ix_candidate_victims_report_id", table_name="candidate_victims")
    op.drop_table("candidate_victims")
