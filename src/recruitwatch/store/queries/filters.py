"""What an incident query is and which incidents it matches: the filters, full-text matching and the
SQL conditions every list, count and facet shares."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, defer

from ...text.search_keys import query_terms
from .. import repository as repo
from ..models import (
    Document,
    Incident,
    IncidentValue,
    Mention,
    Report,
)

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
    # A facet filter is one value or several (a tuple: any of them).
    nationality: str | tuple[str, ...] | None = None
    status: str | tuple[str, ...] | None = None
    region: str | tuple[str, ...] | None = None
    country: str | tuple[str, ...] | None = None
    perpetrator: str | tuple[str, ...] | None = None
    method: str | tuple[str, ...] | None = None
    outcome: str | tuple[str, ...] | None = None
    name: str | None = None
    language: str | tuple[str, ...] | None = None
    review_state: str | None = None  # None: every state but "rejected" (rejected records leave counts and exports)
    date_from: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD: compared as text, so prefixes work
    date_to: str | None = None
    text_in_documents: bool = True  # `text` also matches the texts of the documents reporting an incident
    date_precision: str = "day"  # the date sorts order by the date cut to this: day | month | year
    limit: int = 50
    offset: int = 0
    sort: str = "-date"  # one of SORTS; "-" is descending
    after: str | None = None  # keyset cursor of incident_page (the API); list_incidents uses offset


SORTS = ("date", "-date", "updated", "-updated", "id", "-id", "sources", "-sources", "-relevance")


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


def _matching_ids(session: Session, table: str, query: str, limit: int | None = None, *, ranked: bool = True) -> Select | None:
    """A selectable of ids of `table` rows whose search text matches the query, best first if `ranked`
    (filters skip the ranking: it scores every match)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        expression = _fts5_query(query)
        if expression is None:
            return None
        sql = f"SELECT rowid AS id FROM {table}_fts WHERE {table}_fts MATCH :q" + (" ORDER BY rank" if ranked else "")
        sql += f" LIMIT {int(limit)}" if limit else ""
        return text(sql).bindparams(q=expression).columns(id=Document.id.type)
    expression = _tsquery(query)
    if expression is None:
        return None
    sql = f"SELECT id FROM {table} WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', :q)"
    if ranked:
        sql += " ORDER BY ts_rank(to_tsvector('simple', search_text), to_tsquery('simple', :q)) DESC"
    sql += f" LIMIT {int(limit)}" if limit else ""
    return text(sql).bindparams(q=expression).columns(id=Document.id.type)


def search_documents(session: Session, query: str, limit: int = 20) -> list[Document]:
    ids_query = _matching_ids(session, "documents", query, limit)
    if ids_query is None:
        return []
    ids = [row.id for row in session.execute(ids_query)]
    if not ids:
        return []
    unread = (defer(Document.raw), defer(Document.search_text), defer(Document.minhash))  # the bytes as received, keys
    by_id = {d.id: d for d in session.scalars(select(Document).options(*unread).where(Document.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


# -- the filtered set


_UPPER_CODES = ("victim_nationalities", "location_regions", "location_country")  # stored as UZ, RU-MOW


def _value_matches(field: str, value: str) -> ColumnElement:
    """Case-insensitive equality; codes and vocabulary ids are stored in one case, so those use the index."""
    if field in _UPPER_CODES:
        return and_(IncidentValue.field == field, IncidentValue.value == value.upper())
    if field == "victim_names":  # names are kept as blind-index keys only (repository.name_keys)
        return and_(IncidentValue.field == field, IncidentValue.value == repo.name_query_key(value))
    return and_(IncidentValue.field == field, IncidentValue.value == value.lower())


def _conditions(session: Session, q: IncidentQuery, *, checked_per_row: bool = False,
                include_rejected: bool = False) -> list[ColumnElement] | None:
    """The WHERE clauses of the incidents `q` asks for (never merged-away ones; rejected ones only
    when q asks for that state, or with `include_rejected`); None if none can match.

    `checked_per_row` writes each clause so that no index of `incidents` can serve it
    (`id + 0`, `state || ''`): SQLite then walks the sort's index in order and checks each row,
    stopping at the page's end, instead of collecting every match and sorting them (_sorted_keys).
    """
    incident_id = Incident.id + 0 if checked_per_row else Incident.id
    review_state = Incident.review_state + "" if checked_per_row else Incident.review_state
    date = Incident.date + "" if checked_per_row else Incident.date
    conditions: list[ColumnElement] = [Incident.merged_into.is_(None)]
    if not q.review_state and not include_rejected:
        conditions.append(review_state != "rejected")
    for attr, field in VALUE_FILTERS.items():
        values = _several(getattr(q, attr))
        if values:
            matches = or_(*(_value_matches(field, v) for v in values))
            conditions.append(incident_id.in_(select(IncidentValue.incident_id).where(matches)))
    if q.review_state:
        conditions.append(review_state == q.review_state)
    if q.date_from:
        conditions.append(date >= q.date_from)
    if q.date_to:
        conditions.append(date <= q.date_to + "\uffff")
    if q.language:
        conditions.append(
            incident_id.in_(
                select(Mention.incident_id)
                .join(Report, Mention.report_id == Report.id)
                .join(Document, Report.document_id == Document.id)
                .where(Document.language.in_(_several(q.language)))
            )
        )
    if q.text:
        incident_hits = _matching_ids(session, "incidents", q.text, ranked=False)
        if incident_hits is None:
            return None
        matched = incident_id.in_(select(incident_hits.subquery().c.id))
        if q.text_in_documents:
            document_hits = _matching_ids(session, "documents", q.text, ranked=False)
            from_documents = (
                select(Mention.incident_id)
                .join(Report, Mention.report_id == Report.id)
                .where(Report.document_id.in_(select(document_hits.subquery().c.id)))
            )
            matched = matched | incident_id.in_(from_documents)
        conditions.append(matched)
    return conditions


# -- sorting and keyset cursors

_SortKey = tuple[ColumnElement, bool, type]  # expression, descending, type of its cursor value



def _several(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A facet filter's values: none, one, or several."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _filters_key(q: IncidentQuery) -> tuple:
    """What of q decides which incidents match (not the order or the page)."""
    return tuple(_several(v) if attr in (*VALUE_FILTERS, "language") else v
                 for attr in (*VALUE_FILTERS, "text", "text_in_documents", "language", "review_state", "date_from", "date_to")
                 for v in (getattr(q, attr),))


