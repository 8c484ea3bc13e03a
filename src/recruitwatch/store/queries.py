"""Search and filtered listing: full text over documents and incidents, filters on every incident field.

The same functions serve the command line and the web application: lists with
offset pages (UI) or keyset cursors (API), counts, facets, months, exports,
an incident's detail and the changes feed for mirrors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Session, defer

from ..security.crypto import KeyRingError, key_ring
from ..text.search_keys import query_terms
from . import repository as repo
from .figures_cache import FIGURES
from .models import (
    Document,
    Incident,
    IncidentChange,
    IncidentValue,
    ListedIncident,
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


_DATE_LENGTH = {"day": 10, "month": 7, "year": 4}


def _sort_keys(sort: str, date_precision: str = "day") -> list[_SortKey]:
    """ORDER BY keys of a sort, ending with the id so that every row has a unique place (keyset paging).

    `sources` is ordered in Python from the kept counts (_by_sources), not by the database.
    Dates are ordered at `date_precision`: within a month the public's order must not tell
    which day came first.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)} (got {sort!r})")
    descending, name = sort.startswith("-"), sort.lstrip("-")
    keys: list[_SortKey] = []
    if name == "date":  # undated incidents last either way; literals, not parameters, so the indexes of migration 0007 match
        undated_as = literal_column("'0000'" if descending else "'9999'")
        date = func.coalesce(Incident.date, undated_as)
        if date_precision != "day":  # no index serves this: the matches are sorted (the public's few)
            date = func.substr(date, literal_column("1"), literal_column(str(_DATE_LENGTH[date_precision])))
        keys = [(date, descending, str)]
    elif name == "updated":
        keys = [(Incident.updated_at, descending, dt.datetime)]
    return [*keys, (Incident.id, descending, int)]


def _ordered(query: Select, keys: list[_SortKey], columns: list | None = None) -> Select:
    """ORDER BY the keys, or by `columns` (the keys labelled in the SELECT list, so each is computed once)."""
    exprs = columns or [expr for expr, _d, _t in keys]
    return query.order_by(*(e.desc() if descending else e.asc() for e, (_x, descending, _t) in zip(exprs, keys, strict=True)))


def _after(keys: list[_SortKey], values: list) -> ColumnElement:
    """Rows strictly after `values` in the sort order, as one row-value comparison (every key of a
    sort runs the same way), which SQLite and PostgreSQL answer by seeking in the sort's index."""
    row = tuple_(*(expr for expr, _d, _t in keys))
    bound = tuple_(*(literal(v) for v in values))
    return row < bound if keys[0][1] else row > bound


CURSOR_CONTEXT = "cursor"


def _encode_cursor(kind: str, values) -> str:
    """A cursor sealed with the key ring: its sort values (an incident's exact date among them)
    are the server's to read, never the client's, who sees dates only as precisely as allowed."""
    plain = [v.isoformat() if isinstance(v, dt.datetime) else v for v in values]
    return key_ring().encrypt(json.dumps([kind, plain], separators=(",", ":")), CURSOR_CONTEXT)


def _decode_cursor(cursor: str, kind: str, types: list[type]) -> list:
    """The values of a cursor made by _encode_cursor for the same listing and sort, or ValueError."""
    try:
        found_kind, values = json.loads(key_ring().decrypt(cursor, CURSOR_CONTEXT))
        if found_kind != kind or len(values) != len(types):
            raise ValueError
        out = []
        for value, want in zip(values, types, strict=True):
            if want is dt.datetime:
                value = dt.datetime.fromisoformat(value)
            elif not isinstance(value, want) or isinstance(value, bool):
                raise ValueError
            out.append(value)
        return out
    except (ValueError, TypeError, KeyRingError):
        raise ValueError("invalid cursor: pass the next_cursor of the previous page with the same sort and filters") from None


# -- listing


def _sorted_keys(session: Session, q: IncidentQuery, limit: int, offset: int = 0) -> tuple[list[tuple], str]:
    """(sort key values ending with the id) of the incidents q asks for, in order; and the cursor kind.

    Only the keys are sorted: sorting whole rows (fields, search text) costs several times more.
    """
    keys = _sort_keys(q.sort, q.date_precision)  # checks the sort
    coarse = q.sort.lstrip("-") == "date" and q.date_precision != "day"
    kind = "incidents" + q.sort + (f"@{q.date_precision}" if coarse else "")  # a cursor serves its own order only
    if q.sort.lstrip("-") == "sources":
        return _by_sources(session, q, limit, offset), kind
    if q.sort == "-relevance":
        return _by_relevance(session, q, limit, offset), kind
    conditions = _conditions(session, q, checked_per_row=_page_from_sort_index(session, q))
    if conditions is None:
        return [], kind
    if q.after:
        conditions.append(_after(keys, _decode_cursor(q.after, kind, [t for _e, _d, t in keys])))
    columns = [expr.label(f"sort_key_{i}") for i, (expr, _d, _t) in enumerate(keys)]
    query = _ordered(select(*columns).where(*conditions), keys, columns).limit(limit).offset(offset)
    return [tuple(row) for row in session.execute(query)], kind


def _by_sources(session: Session, q: IncidentQuery, limit: int, offset: int) -> list[tuple]:
    """(sources, id) of a page in the `sources` order, sorted here from the kept counts of every
    incident: the database would count each matching incident's documents for every page."""
    conditions = _conditions(session, q)
    if conditions is None:
        return []
    counts = all_source_counts(session)
    rows = sorted(((counts.get(i, 0), i) for i in session.scalars(select(Incident.id).where(*conditions))),
                  reverse=q.sort.startswith("-"))
    if q.after:
        start = tuple(_decode_cursor(q.after, "incidents" + q.sort, [int, int]))
        rows = [r for r in rows if (r < start if q.sort.startswith("-") else r > start)]
    return rows[offset : offset + limit]


def _by_relevance(session: Session, q: IncidentQuery, limit: int, offset: int) -> list[tuple]:
    """(own fields match, sources, id) of a page in the best-match order: an incident whose own fields
    hold the words first, then the better documented (more sources: kept counts), then the newest.
    Counting each incident's matching documents instead cost 40 ms of CPU per search page on the
    benchmark store (a common word matches hundreds of thousands); this costs what `sources` does,
    and less when the incidents whose own fields hold the words fill the page: those come first, so
    the documents' matches are then not read at all."""
    hits = _matching_ids(session, "incidents", q.text, ranked=False) if q.text else None
    counts = all_source_counts(session)
    own: set[int] = set()  # matches whose own fields hold the words (and that every other filter keeps)
    if hits is not None:
        others = _conditions(session, dataclasses.replace(q, text=None))
        if others is None:
            return []
        own = set(session.scalars(select(Incident.id).where(*others, Incident.id.in_(select(hits.subquery().c.id)))))
        if not q.after and len(own) >= offset + limit:
            return sorted(((1, counts.get(i, 0), i) for i in own), reverse=True)[offset : offset + limit]
    conditions = _conditions(session, q)
    if conditions is None:
        return []
    ids = list(session.scalars(select(Incident.id).where(*conditions)))
    rows = sorted(((int(i in own), counts.get(i, 0), i) for i in ids), reverse=True)
    if q.after:
        start = tuple(_decode_cursor(q.after, "incidents" + q.sort, [int, int, int]))
        rows = [r for r in rows if r < start]
    return rows[offset : offset + limit]


def _page_from_sort_index(session: Session, q: IncidentQuery) -> bool:
    """Whether SQLite should walk the sort's index and check each row (a broad filter: a page's
    worth of matches comes soon) rather than collect the matches and sort them (a narrow one).

    SQLite's planner, without statistics, always collects; PostgreSQL's has them and chooses well.
    The counts are kept (figures_cache), so asking costs nothing after the first page.
    """
    if session.get_bind().dialect.name != "sqlite" or q.sort.lstrip("-") in ("sources", "relevance"):
        return False
    if q.sort.lstrip("-") == "date" and q.date_precision != "day":
        return False  # no index holds the coarser date
    matched = count_incidents(session, q)
    return matched * BROAD_SHARE >= count_incidents(session, IncidentQuery()) and matched > 0


BROAD_SHARE = 20  # a filter keeping at least 1 in 20 incidents fills a page within a few hundred index rows


def _incidents_by_id(session: Session, ids: list[int]) -> list[ListedIncident]:
    columns = [getattr(Incident, name) for name in ListedIncident.COLUMNS]
    found: dict[int, ListedIncident] = {}
    for start in range(0, len(ids), 500):
        for row in session.execute(select(*columns).where(Incident.id.in_(ids[start : start + 500]))):
            found[row[0]] = ListedIncident(*row)
    return [found[i] for i in ids if i in found]


def listed_incidents(session: Session, ids: list[int]) -> list[ListedIncident]:
    """These incidents, in this order (missing ones left out)."""
    return _incidents_by_id(session, ids)


def list_incidents(session: Session, q: IncidentQuery) -> list[ListedIncident]:
    """One page of the incidents q asks for, in q.sort order, by q.offset (or after the cursor q.after)."""
    rows, _kind = _sorted_keys(session, q, q.limit, q.offset)
    return _incidents_by_id(session, [row[-1] for row in rows])


def incident_page(session: Session, q: IncidentQuery) -> tuple[list[ListedIncident], str | None]:
    """Up to q.limit incidents after the cursor q.after, and the cursor of the next page (None at the end).

    Keyset paging: rows inserted meanwhile never shift a page, so no row is seen twice or skipped
    (except one whose sort value itself changes between pages: a new source, an edit). q.offset is ignored.
    """
    limit = max(1, q.limit)
    rows, kind = _sorted_keys(session, q, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = _encode_cursor(kind, list(rows[-1])) if more else None
    return _incidents_by_id(session, [row[-1] for row in rows]), cursor


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


def count_incidents(session: Session, q: IncidentQuery) -> int:
    """How many incidents match q (every filter, no paging); kept until the store changes."""
    return FIGURES.get(session, ("count", _filters_key(q)), lambda: _count_incidents(session, q))


def _count_incidents(session: Session, q: IncidentQuery) -> int:
    conditions = _conditions(session, q)
    if conditions is None:
        return 0
    return session.scalar(select(func.count()).select_from(Incident).where(*conditions)) or 0


def matching_states(session: Session, q: IncidentQuery, *, changed_since: dt.datetime | None = None) -> list[tuple[int, str]]:
    """(id, review state) of every incident q matches, only those changed since `changed_since` if given:
    what a watched search checks on each run (alerts), in id order."""
    conditions = _conditions(session, q)
    if conditions is None:
        return []
    if changed_since is not None:
        conditions.append(Incident.updated_at >= changed_since)
    query = select(Incident.id, Incident.review_state).where(*conditions).order_by(Incident.id)
    return [(row.id, row.review_state) for row in session.execute(query)]


SNIPPET_CHARS = 6_000  # of each document: a snippet comes from its start (a search page stays fast), never a whole 50 MB text


def document_texts(session: Session, incident_ids: list[int], per_incident: int = 2) -> dict[int, list[str]]:
    """The start of the text of the first documents reporting each incident: where a search's snippet is cut from."""
    if not incident_ids:
        return {}
    rows = session.execute(
        select(Mention.incident_id, func.substr(Document.text, 1, SNIPPET_CHARS))
        .join(Report, Mention.report_id == Report.id).join(Document, Report.document_id == Document.id)
        .where(Mention.incident_id.in_(incident_ids)).order_by(Mention.incident_id, Document.id)
    )
    found: dict[int, list[str]] = {}
    for incident_id, text_ in rows:
        texts = found.setdefault(incident_id, [])
        if len(texts) < per_incident and text_:
            texts.append(text_)
    return found


# -- facets and months

FACETS = ("nationality", "status", "region", "perpetrator", "method", "outcome", "language", "review_state")


def facets(session: Session, q: IncidentQuery, fields: Iterable[str] = FACETS) -> dict[str, list[tuple[str, int]]]:
    """_facets, kept until the store changes (a copy: callers may change what they get)."""
    fields = tuple(fields)
    found = FIGURES.get(session, ("facets", _filters_key(q), fields), lambda: _facets(session, q, fields))
    return {f: list(pairs) for f, pairs in found.items()}


def _facets(session: Session, q: IncidentQuery, fields: tuple[str, ...]) -> dict[str, list[tuple[str, int]]]:
    """For each facet, how many of the incidents matching q have each value, most frequent first.

    Counts are over the filtered set, the facet's own filter included: with nationality=UZ the
    nationality facet shows UZ with the total and the other nationalities of those same incidents
    (Datasette's behaviour; no "what if I chose another value" counts). An incident with two
    values counts once under each. Facets: the filter names (VALUE_FILTERS), "language" (of any
    document reporting it) and "review_state".
    """
    fields = tuple(fields)
    unknown = [f for f in fields if f not in VALUE_FILTERS and f not in ("language", "review_state")]
    if unknown:
        raise ValueError(f"unknown facet(s) {', '.join(unknown)}; choose from {', '.join(FACETS)}")
    counts: dict[str, list[tuple[str, int]]] = {f: [] for f in fields}
    conditions = _conditions(session, q)
    if conditions is None:
        return counts
    ids = select(Incident.id).where(*conditions)
    left_out = _left_out(session, conditions, unfiltered=len(conditions) == len(UNFILTERED_CONDITIONS) and not q.review_state)
    by_field = {VALUE_FILTERS[f]: f for f in fields if f in VALUE_FILTERS}
    if by_field:
        for (field, value), n in _counted(lambda among: _value_counts(session, sorted(by_field), among), ids, left_out):
            counts[by_field[field]].append((value, n))
    if "language" in fields:  # one pass over the documents' language index either way
        counts["language"] = list(_language_counts(session, ids).items())
    if "review_state" in fields and q.review_state:
        counts["review_state"] = _counted(lambda among: _state_counts(session, among), ids, left_out)
    elif "review_state" in fields:  # rejected ones left the list; the facet still leads to them
        every_state = select(Incident.id).where(*_conditions(session, q, include_rejected=True))
        counts["review_state"] = list(_state_counts(session, every_state).items())
    return {f: sorted(pairs, key=lambda p: (-p[1], p[0])) for f, pairs in counts.items()}


UNFILTERED_CONDITIONS = ("not merged away", "not rejected")  # what _conditions of an IncidentQuery() holds


def _left_out(session: Session, conditions: list[ColumnElement], *, unfiltered: bool) -> Select | None:
    """The incidents a broad filter leaves out, or None when the filter is narrow.

    Counting every row of an index is one fast pass; checking each row's incident against
    the filtered set is what costs. So for a broad filter (the common case: none at all)
    facets count everything and subtract the few incidents left out; for a narrow one they
    look up the values of the incidents kept.
    """
    if unfiltered:  # only "not merged away" (and "not rejected"): everything less those
        return select(Incident.id).where(~and_(*conditions))
    matched = session.scalar(select(func.count()).select_from(Incident).where(*conditions)) or 0
    total = session.scalar(select(func.count()).select_from(Incident)) or 0
    if matched * 2 < total:
        return None
    return select(Incident.id).where(Incident.id.not_in(select(Incident.id).where(*conditions)))


def _counted(count, ids: Select, left_out: Select | None) -> list[tuple]:
    """count(among) -> {key: incidents}; over `ids` directly, or everything minus `left_out`."""
    if left_out is None:
        return list(count(ids).items())
    totals = count(None)
    for key, n in count(left_out).items():
        totals[key] -= n
    return [(key, n) for key, n in totals.items() if n > 0]


def _value_counts(session: Session, fields: list[str], among: Select | None) -> dict[tuple[str, str], int]:
    """(field, value) -> incidents having it, among these incidents or all (None)."""
    query = select(IncidentValue.field, IncidentValue.value, func.count())
    if among is None:  # the (field, value) index alone answers
        query = query.where(IncidentValue.field.in_(fields))
    else:  # `field || ''` keeps SQLite on the (incident_id, field, value) key: a lookup per incident
        query = query.where((IncidentValue.field + "").in_(fields), IncidentValue.incident_id.in_(among))
    rows = session.execute(query.group_by(IncidentValue.field, IncidentValue.value))
    return {(field, value): n for field, value, n in rows}


def _state_counts(session: Session, among: Select | None) -> dict[str, int]:
    query = select(Incident.review_state, func.count())
    if among is not None:
        query = query.where(Incident.id.in_(among))
    return {state: n for state, n in session.execute(query.group_by(Incident.review_state))}


def _language_counts(session: Session, among: Select | None) -> dict[str, int]:
    """Language -> incidents reported by a document in it, among these incidents or all (None).

    Starts from the mentions (few: only relevant documents have any), so its cost follows the
    incidents, not the million screened-out documents; only current reports count.
    """
    query = (
        select(Document.language, func.count(func.distinct(Mention.incident_id)))
        .select_from(Mention)
        .join(Report, Mention.report_id == Report.id)
        # `+ 0` on the reports' side: documents are looked up by id, never scanned by their language index
        .join(Document, Document.id == Report.document_id + 0)
        .where(Document.language.is_not(None), Report.current.is_(True))
        .group_by(Document.language)
    )
    if among is not None:
        query = query.where(Mention.incident_id.in_(among))
    return {language: n for language, n in session.execute(query)}


def month_counts(session: Session, q: IncidentQuery) -> list[tuple[str, int]]:
    """Incidents per YYYY-MM, oldest month first, of those dated at least to the month."""
    return list(FIGURES.get(session, ("months", _filters_key(q)), lambda: _month_counts(session, q)))


def _month_counts(session: Session, q: IncidentQuery) -> list[tuple[str, int]]:
    conditions = _conditions(session, q)
    if conditions is None:
        return []
    month = func.substr(Incident.date, literal_column("1"), literal_column("7"))
    rows = session.execute(
        select(month, func.count()).where(*conditions, func.length(Incident.date) >= 7).group_by(month).order_by(month)
    )
    return [(m, n) for m, n in rows]


def undated_count(session: Session, q: IncidentQuery) -> int:
    """Incidents month_counts leaves out: no date, or the year only (so months + this = the total)."""
    return FIGURES.get(session, ("undated", _filters_key(q)), lambda: _undated_count(session, q))


def _undated_count(session: Session, q: IncidentQuery) -> int:
    conditions = _conditions(session, q)
    if conditions is None:
        return 0
    undated = or_(Incident.date.is_(None), func.length(Incident.date) < 7)
    return session.scalar(select(func.count()).select_from(Incident).where(*conditions, undated)) or 0


def source_counts(session: Session, incident_ids: Iterable[int]) -> dict[int, int]:
    """How many documents (current reports) mention each incident; absent ids have none."""
    counts = all_source_counts(session)
    return {i: counts[i] for i in set(incident_ids) if i in counts}


def all_source_counts(session: Session) -> dict[int, int]:
    """Documents (current reports) mentioning each incident that has any; kept until the store changes
    (one pass over the mentions: about 20 ms for 27,000 of them, 1 MB per 20,000 incidents)."""
    def count() -> dict[int, int]:
        rows = session.execute(
            select(Mention.incident_id, func.count(func.distinct(Report.document_id)))
            .join(Report, Mention.report_id == Report.id)
            .where(Report.current.is_(True))
            .group_by(Mention.incident_id)
        )
        return {incident_id: n for incident_id, n in rows}

    return FIGURES.get(session, ("source counts",), count)


def published_ids(session: Session, incident_ids: Iterable[int], states: tuple[str, ...] = ("verified",)) -> set[int]:
    """Which of these incidents the public may see (review state in `states`, not merged away)."""
    ids = sorted(set(incident_ids))
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Incident.id).where(Incident.id.in_(ids), Incident.review_state.in_(states), Incident.merged_into.is_(None))
        )
    )


# -- the changes feed

FEED_KINDS = ("created", "edited", "merged", "deleted", "restored")
_ACTION_KINDS = {"created": "created", "rejected": "deleted", "reopened": "restored"}


def _iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite gives back naive datetimes, which the store writes in UTC)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def feed_kind(action: str, detail: dict) -> str:
    """What a mirror must do for one history entry: created, edited, merged, deleted or restored."""
    if action == "merged" and detail.get("merged_into"):
        return "merged"  # the merged-away incident; the one kept gets "edited"
    if action == "confirmed" and (detail.get("review_state") or {}).get("before") == "rejected":
        return "restored"
    return _ACTION_KINDS.get(action, "edited")


def changes_since(session: Session, since: int, limit: int = 500) -> list[dict]:
    """History entries after change id `since` (exclusive), oldest first, as mirrors need them.

    Each is {"id", "incident_id", "kind", "at", "merged_into"}; pass the last id as the next `since`.
    """
    rows = session.execute(
        select(IncidentChange.id, IncidentChange.incident_id, IncidentChange.action, IncidentChange.at, IncidentChange.detail)
        .where(IncidentChange.id > since)
        .order_by(IncidentChange.id)
        .limit(max(1, limit))
    )
    out = []
    for change_id, incident_id, action, at, detail in rows:
        detail = detail or {}
        kind = feed_kind(action, detail)
        merged_into = detail.get("merged_into") if kind == "merged" else None
        out.append({"id": change_id, "incident_id": incident_id, "kind": kind, "at": _iso(at), "merged_into": merged_into})
    return out


# -- exports

EXPORT_BATCH = 500


def export_rows(session: Session, q: IncidentQuery) -> Iterator[dict]:
    """Every incident matching q (no limit; q's sort), read in batches of 500, each with its documents.

    Rows are JSON-ready: times and dates as ISO strings.
    """
    page = replace(q, limit=EXPORT_BATCH, offset=0, after=None)
    while True:
        rows, cursor = incident_page(session, page)
        documents = _document_summaries(session, [i.id for i in rows])
        for incident in rows:
            yield {
                "id": incident.id,
                "fields": dict(incident.fields),
                "review_state": incident.review_state,
                "date_precision": incident.date_precision,
                "place_precision": incident.place_precision,
                "first_seen": _iso(incident.first_seen),
                "updated_at": _iso(incident.updated_at),
                "documents": documents.get(incident.id, []),
            }
        if cursor is None:
            return
        page = replace(page, after=cursor)


def _document_summaries(session: Session, incident_ids: list[int]) -> dict[int, list[dict]]:
    """For each incident, its documents (current reports, oldest first) without their texts."""
    from .review import outlet_of

    if not incident_ids:
        return {}
    rows = session.execute(
        select(Mention.incident_id, Document.id, Document.url, Document.locator, Document.title, Document.published,
               Document.language)
        .join(Report, Mention.report_id == Report.id)
        .join(Document, Report.document_id == Document.id)
        .where(Mention.incident_id.in_(incident_ids), Report.current.is_(True))
        .order_by(Document.published, Document.id)
    )
    out: dict[int, list[dict]] = {}
    seen: set[tuple[int, int]] = set()
    for incident_id, document_id, url, locator, title, published, language in rows:
        if (incident_id, document_id) in seen:  # one text reporting it twice (after a merge)
            continue
        seen.add((incident_id, document_id))
        out.setdefault(incident_id, []).append({
            "url": url, "locator": locator, "title": title, "published": published.isoformat() if published else None,
            "language": language, "outlet": outlet_of(url, locator),
        })
    return out


# -- one incident, one document

EVIDENCE_KEYS = ("field", "value", "start", "end", "quote")


def _evidence(found: dict | None) -> list[dict]:
    """The evidence entries of what a document says of an incident (quotes are text[start:end])."""
    return [{k: e.get(k) for k in EVIDENCE_KEYS} for e in (found or {}).get("evidence") or []]


def current_report(session: Session, document_id: int) -> Report | None:
    """The document's report by the current extractor (None for a document the screen kept out)."""
    return session.scalar(select(Report).where(Report.document_id == document_id, Report.current.is_(True)))


def incident_detail(session: Session, incident_id: int) -> dict | None:
    """The incident, its history (oldest first) and each linked document with its grade, link and evidence.

    {"incident": Incident, "history": [{"id", "at", "actor", "action", "reason", "summary", "detail"}],
     "documents": [{"id", "url", "locator", "title", "published", "language", "outlet", "grade", "grade_note", "credibility", "credibility_note",
                    "mention_id", "score", "reason", "comparisons" (link/incidents.MatchDecision.as_dict, or None),
                    "evidence": [{"field", "value", "start", "end", "quote",
                    "document_id", "outlet"}]}]}
    A merged-away incident is returned too (its merged_into says where it went).
    """
    from .review import document_credibility, outlet_grades, outlet_of

    incident = session.get(Incident, incident_id)
    if incident is None:
        return None
    pairs = repo.incident_documents(session, [incident.id])[incident.id]
    outlets = {document.id: outlet_of(document.url, document.locator) for document, _m in pairs}
    grades = outlet_grades(session, outlets.values())
    credibility = document_credibility(session, outlets)
    documents = []
    for document, mention in pairs:
        outlet = outlets[document.id]
        grade = grades.get(outlet)
        evidence = [{**e, "document_id": document.id, "outlet": outlet} for e in _evidence(mention.record)]
        documents.append({
            "id": document.id, "url": document.url, "locator": document.locator, "title": document.title,
            "published": document.published, "language": document.language, "outlet": outlet,
            "grade": grade.grade if grade else None, "grade_note": grade.note if grade else None,
            "credibility": credibility[document.id].credibility if document.id in credibility else None,
            "credibility_note": credibility[document.id].note if document.id in credibility else None,
            "mention_id": mention.id, "score": mention.link_score, "reason": mention.link_reason, "evidence": evidence,
            "comparisons": mention.comparisons,
        })
    changes = session.scalars(select(IncidentChange).where(IncidentChange.incident_id == incident.id).order_by(IncidentChange.id))
    return {"incident": incident, "history": [_history_entry(c) for c in changes], "documents": documents}


def _history_entry(change: IncidentChange) -> dict:
    detail = change.detail or {}
    return {
        "id": change.id, "at": _iso(change.at), "actor": change.actor, "action": change.action,
        "reason": detail.get("reason") or None, "summary": change_summary(change.action, detail), "detail": detail,
    }


def change_summary(action: str, detail: dict) -> str:
    """One line saying what a history entry changed, for people reading the history."""
    parts = []
    if detail.get("merged_into"):
        parts.append(f"merged into #{detail['merged_into']}")
    if detail.get("merged_from"):
        parts.append(f"#{detail['merged_from']} merged into this one")
    if detail.get("split_from"):
        parts.append(f"split off from #{detail['split_from']}")
    if detail.get("split_into"):
        parts.append(f"sources moved to #{detail['split_into']}")
    if action == "kept apart" and detail.get("other"):
        parts.append(f"kept apart from #{detail['other']} (possible duplicate {detail.get('possible_duplicate')})")
    state = detail.get("review_state")
    if isinstance(state, dict):
        parts.append(f"{state.get('before')} → {state.get('after')}")
    if action == "linked" and detail.get("report_id"):
        parts.append(f"report {detail['report_id']} linked: {detail.get('why', '')}".rstrip(": "))
    if action == "unlinked" and detail.get("report_id"):
        parts.append(f"report {detail['report_id']} unlinked: {detail.get('why', '')}".rstrip(": "))
    if action == "linked" and detail.get("case_id"):
        parts.append(f"case #{detail['case_id']} linked; suggested: {', '.join(detail.get('suggested') or ()) or 'nothing'}")
    if detail.get("suggestion_id"):
        parts.append(f"suggestion {detail['suggestion_id']} from case #{detail.get('case_id')} for {detail.get('field')}")
    changed = detail.get("changed") or {}
    if changed:
        parts.append("changed " + ", ".join(sorted(changed)))
    return "; ".join(parts)


def get_document(session: Session, document_id: int) -> Document | None:
    return session.get(Document, document_id)


def document_detail(session: Session, document_id: int) -> dict | None:
    """A document with the incidents its current report is linked to and every evidence span in it.

    {"document": Document, "outlet", "incident_ids": [...], "evidence": [{"field", "value", "start", "end",
     "quote", "position", "incident_id"}]} — offsets point into document.text.
    """
    from .review import outlet_of

    document = session.get(Document, document_id)
    if document is None:
        return None
    report = current_report(session, document.id)
    linked: dict[int, int] = {}
    evidence: list[dict] = []
    if report is not None:
        mentions = {m.position: m for m in report.mentions}
        linked = {position: m.incident_id for position, m in mentions.items()}
        incidents = report.record.get("incidents") or []
        entered = sorted((p for p in mentions if p < 0), reverse=True)  # analysts' entries: -1, -2, ...
        for position in [*range(len(incidents)), *entered]:
            found = mentions[position].record if position in mentions else incidents[position]
            evidence.extend({**e, "position": position, "incident_id": linked.get(position)} for e in _evidence(found))
    return {
        "document": document, "outlet": outlet_of(document.url, document.locator),
        "incident_ids": sorted(set(linked.values())), "evidence": evidence,
    }


_LIGHT = (defer(Document.raw), defer(Document.text), defer(Document.search_text), defer(Document.minhash))


def document_page(session: Session, q_text: str | None, limit: int = 50, after: str | None = None) -> tuple[list[Document], str | None]:
    """Documents newest first (by id), optionally those matching a full-text query, with a keyset cursor.

    Texts and raw bytes are not loaded until asked for.
    """
    query = select(Document).options(*_LIGHT)
    if q_text and q_text.strip():
        hits = _matching_ids(session, "documents", q_text, ranked=False)
        if hits is None:
            return [], None
        query = query.where(Document.id.in_(select(hits.subquery().c.id)))
    if after:
        (last_id,) = _decode_cursor(after, "documents", [int])
        query = query.where(Document.id < last_id)
    limit = max(1, limit)
    rows = list(session.scalars(query.order_by(Document.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_encode_cursor("documents", [rows[-1].id]) if more else None)
