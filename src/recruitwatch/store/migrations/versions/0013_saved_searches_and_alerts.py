"""saved searches and alerts: watched searches, what they told of, batches and their deliveries

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("watched", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("watched_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("secret_enc", sa.Text(), nullable=False),
        sa.Column("feed_key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("unsubscribe_key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("email_enc", sa.Text(), nullable=True),
        sa.Column("webhook_url_enc", sa.Text(), nullable=True),
    )
    op.create_index("ix_saved_searches_user_id", "saved_searches", ["user_id"])
    op.create_table(
        "alert_matches",
        sa.Column("saved_search_id", sa.Integer(), sa.ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("incident_id", sa.Integer(), primary_key=True),
        sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "alert_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("saved_search_id", sa.Integer(), sa.ForeignKey("saved_searches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
    )
    op.create_index("ix_alert_batches_saved_search_id", "alert_batches", ["saved_search_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("alert_batches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=512), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_alert_deliveries_batch_id", "alert_deliveries", ["batch_id"])
    op.create_index("ix_alert_deliveries_state_next", "alert_deliveries", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_deliveries_state_next", table_name="alert_deliveries")
    op.drop_index("ix_alert_deliveries_batch_id", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alert_batches_saved_search_id", table_name="alert_batches")
    op.drop_table("alert_batches")
    op.drop_table("alert_matches")
    op.drop_index("ix_saved_searches_user_id", table_name="saved_searches")
    op.drop_table("saved_searches")
