"""initial schema: sources, documents, reports, incidents and their links, with full-text search

Revision ID: 0001
Revises: (none)
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('reviewed_fields', sa.JSON(), nullable=False),
    sa.Column('location_country', sa.String(length=2), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('date_precision', sa.String(length=8), nullable=True),
    sa.Column('place_precision', sa.String(length=8), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('merged_into', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['merged_into'], ['incidents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_location_country'), ['location_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_updated_at'), ['updated_at'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('locator', sa.String(length=2048), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=True),
    sa.Column('watched', sa.Boolean(), nullable=False),
    sa.Column('etag', sa.String(length=512), nullable=True),
    sa.Column('last_modified', sa.String(length=128), nullable=True),
    sa.Column('last_polled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'locator')
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('locator', sa.String(length=2048), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('author', sa.String(length=512), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('media_type', sa.String(length=128), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('encoding', sa.String(length=32), nullable=True),
    sa.Column('screened', sa.Boolean(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('minhash', sa.LargeBinary(), nullable=True),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_language'), ['language'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_published'), ['published'], unique=False)

    op.create_table('incident_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_changes_incident_id'), ['incident_id'], unique=False)

    op.create_table('incident_values',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.PrimaryKeyConstraint('incident_id', 'field', 'value')
    )
    with op.batch_alter_table('incident_values', schema=None) as batch_op:
        batch_op.create_index('ix_incident_values_field_value', ['field', 'value'], unique=False)

    op.create_table('document_organisations',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ),
    sa.PrimaryKeyConstraint('document_id', 'organisation_id')
    )
    with op.batch_alter_table('document_organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_organisations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('extractor_version', sa.String(length=32), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('relevant', sa.Boolean(), nullable=False),
    sa.Column('relevance_score', sa.Float(), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'extractor_version')
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_relevant'), ['relevant'], unique=False)

    op.create_table('mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('link_score', sa.Float(), nullable=False),
    sa.Column('link_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'position')
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentions_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_report_id'), ['report_id'], unique=False)
    _create_search()


# Full text is searched over `search_text`: the word keys (lemmas, folded Uzbek
# stems) of each text, so "Москва" finds "в Москве" and "Toshkent" "Toshkentda".
FTS_TABLES = ("documents", "incidents")


def _create_search() -> None:
    dialect = op.get_bind().dialect.name
    for table in FTS_TABLES:
        if dialect == "sqlite":
            op.execute(
                f"CREATE VIRTUAL TABLE {table}_fts USING fts5(search_text, content='{table}', "
                f"content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
            )
            op.execute(
                f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {table}_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {table}_fts({table}_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF search_text ON {table} BEGIN "
                f"INSERT INTO {table}_fts({table}_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
                f"INSERT INTO {table}_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
            )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE INDEX ix_{table}_search ON {table} USING gin (to_tsvector('simple', search_text))"
            )


def _drop_search() -> None:
    dialect = op.get_bind().dialect.name
    for table in FTS_TABLES:
        if dialect == "sqlite":
            for suffix in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")


def downgrade() -> None:
    _drop_search()
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentions_report_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_incident_id'))

    op.drop_table('mentions')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_relevant'))
        batch_op.drop_index(batch_op.f('ix_reports_document_id'))

    op.drop_table('reports')
    with op.batch_alter_table('document_organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_organisations_organisation_id'))

    op.drop_table('document_organisations')
    with op.batch_alter_table('incident_values', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_values_field_value')

    op.drop_table('incident_values')
    with op.batch_alter_table('incident_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_changes_incident_id'))

    op.drop_table('incident_changes')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_published'))
        batch_op.drop_index(batch_op.f('ix_documents_language'))
        batch_op.drop_index(batch_op.f('ix_documents_cluster_id'))

    op.drop_table('documents')
    op.drop_table('sources')
    op.drop_table('organisations')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_updated_at'))
        batch_op.drop_index(batch_op.f('ix_incidents_review_state'))
        batch_op.drop_index(batch_op.f('ix_incidents_location_country'))
        batch_op.drop_index(batch_op.f('ix_incidents_date'))

    op.drop_table('incidents')
