"""tipline: the sealed Telegram chat an appeal came from (for caseworkers' replies), conversations in
progress and their files, sealed (they survive a restart)

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
    op.create_table(
        "tipline_conversations",
        sa.Column("chat_key", sa.String(length=64), primary_key=True),
        sa.Column("state_enc", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tipline_conversations_updated_at", "tipline_conversations", ["updated_at"])
    op.create_table(
        "tipline_pending_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_key", sa.String(length=64), nullable=False),
        sa.Column("name_enc", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("content_enc", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tipline_pending_files_chat_key", "tipline_pending_files", ["chat_key"])


def downgrade() -> None:
    op.drop_index("ix_tipline_pending_files_chat_key", table_name="tipline_pending_files")
    op.drop_table("tipline_pending_files")
    op.drop_index("ix_tipline_conversations_updated_at", table_name="tipline_conversations")
    op.drop_table("tipline_conversations")
    op.drop_index("ix_tipline_chats_chat_key", table_name="tipline_chats")
    op.drop_table("tipline_chats")
