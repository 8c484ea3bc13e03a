"""Search and filtered listing: full text over documents and incidents, filters on every incident field.

The same functions serve the command line now and the web application later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from ..text.search_keys import query_terms
from .models import Document, Incident, IncidentValue, Mention, Report

VALUE_FILTERS = {
    "nationality": "victim_nationalities",
    "status": "victim_status",
    "region": "location_regions",
    "country": "location_country",
    "perpetrator": "perpetrators",
    "method": "methods",
    "outcome": "outcomes",
    "name": "victim_names",
}


@dataclass
class IncidentQuery:
    """Filters of the incident list; every one optional, all combined with AND."""

    text: str | None = None
    nationality: str | None = None
    status: str | None = None
    region: str | None = None
    country: str | None = None
    perpetrator: str | None = None
    method: str | None = None
    outcome: str | None = None
    name: str | None = None
    language: str | None = None
    review_state: str | None = None
    date_from: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD: compared as text, so prefixes work
    date_to: str | None = None
    limit: int = 50
    offset: int = 0


_SAFE = re.compile(r"[^\w*]+")


def _boolean_query(query: str, word, any_of: str, all_of: str) -> str | None:
    """Each query word's alternatives OR-ed, the words AND-ed, in one engine's syntax.

    `word(w, prefix)` renders one alternative: '"москва"' / '"москв"*' for SQLite's
    FTS5, "'москва'" / "'москв':*" for PostgreSQL's tsquery.
    """
    clauses = []
    for alternatives in query_terms(query):
        parts = []
        for alt in sorted(alternatives):
            prefix = alt.endswith("*")
            parts.extend(word(w, prefix) for w in _SAFE.sub(" ", alt.rstrip("*")).split())
        if parts:
            clauses.append("(" + any_of.join(parts) + ")")
    return all_of.join(clauses) or None


def _fts5_query(query: str) -> str | None:
    return _boolean_query(query, lambda w, prefix: f'"{w}"' + ("*" if prefix else ""), " OR ", " AND ")


def _tsquery(query: str) -> str | None:
    return _boolean_query(query, lambda w, prefix: f"'{w}'" + (":*" if prefix else ""), " | ", " & ")


def _matching_ids(session: Session, table: str, query: str, limit: int | None = None) -> Select | None:
    """A selectable of ids of `table` rows whose search text matches the query, best first."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        expression = _fts5_query(query)
        if expression is None:
            return None
        sql = f"SELECT rowid AS id FROM {table}_fts WHERE {table}_fts MATCH :q ORDER BY rank"
        sql += f" LIMIT {int(limit)}" if limit else ""
        return text(sql).bindparams(q=expression).columns(id=Document.id.type)
    expression = _tsquery(query)
    if expression is None:
        return None
    sql = (
        f"SELECT id FROM {table} WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', :q) "
        f"ORDER BY ts_rank(to_tsvector('simple', search_text), to_tsquery('simple', :q)) DESC"
    )
    sql += f" LIMIT {int(limit)}" if limit else ""
    return text(sql).bindparams(q=expression).columns(id=Document.id.type)


def search_documents(session: Session, query: str, limit: int = 20) -> list[Document]:
    ids_query = _matching_ids(session, "documents", query, limit)
    if ids_query is None:
        return []
    ids = [row.id for row in session.execute(ids_query)]
    if not ids:
        return []
    by_id = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def list_incidents(session: Session, q: IncidentQuery) -> list[Incident]:
    query = select(Incident).where(Incident.merged_into.is_(None))
    for attr, field in VALUE_FILTERS.items():
        value = getattr(q, attr)
        if value:
            query = query.where(
                Incident.id.in_(
                    select(IncidentValue.incident_id).where(
                        IncidentValue.field == field, func.lower(IncidentValue.value) == value.lower()
                    )
                )
            )
    if q.review_state:
        query = query.where(Incident.review_state == q.review_state)
    if q.date_from:
        query = query.where(Incident.date >= q.date_from)
    if q.date_to:
        query = query.where(Incident.date <= q.date_to + "\uffff")
    if q.language:
        query = query.where(
            Incident.id.in_(
                select(Mention.incident_id)
                .join(Report, Mention.report_id == Report.id)
                .join(Document, Report.document_id == Document.id)
                .where(Document.language == q.language)
            )
        )
    if q.text:
        incident_hits = _matching_ids(session, "incidents", q.text)
        document_hits = _matching_ids(session, "documents", q.text)
        if incident_hits is None or document_hits is None:
            return []
        from_documents = (
            select(Mention.incident_id)
            .join(Report, Mention.report_id == Report.id)
            .where(Report.document_id.in_(select(document_hits.subquery().c.id)))
        )
        query = query.where(Incident.id.in_(select(incident_hits.subquery().c.id)) | Incident.id.in_(from_documents))
    query = query.order_by(Incident.date.desc().nulls_last(), Incident.id.desc()).limit(q.limit).offset(q.offset)
    return list(session.scalars(query))
