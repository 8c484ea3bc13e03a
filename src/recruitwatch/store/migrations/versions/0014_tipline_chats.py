"""tipline chats: the sealed Telegram chat an appeal came from, for caseworkers' replies

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tipline_chats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, unique=True),
        sa.Column("chat_enc", sa.Text(), nullable=False),
        sa.Column("chat_key", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tipline_chats_chat_key", "tipline_chats", ["chat_key"])


def downgrade() -> None:
    op.drop_index("ix_tipline_chats_chat_key", table_name="tipline_chats")
    op.drop_table("tipline_chats")
