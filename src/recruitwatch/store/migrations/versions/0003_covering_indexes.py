"""covering indexes for facet counts: values by field with their incidents, documents by id with language

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Facets group the value rows of the filtered incidents; with the incident id in the index,
    # the counts are read from the index alone instead of sorting table rows.
    op.create_index("ix_incident_values_field_value_incident", "incident_values", ["field", "value", "incident_id"])
    # The language facet joins documents by id only to read their language.
    op.create_index("ix_documents_id_language", "documents", ["id", "language"])


def downgrade() -> None:
    op.drop_index("ix_documents_id_language", table_name="documents")
    op.drop_index("ix_incident_values_field_value_incident", table_name="incident_values")
