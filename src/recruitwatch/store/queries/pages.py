"""Pages of matching incidents in a chosen order: sort keys, offset pages and keyset cursors, the
best-match order, counts of matches and the snippets a search page shows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from sqlalchemy import (
    ColumnElement,
    Select,
    func,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from ...security.crypto import KeyRingError, key_ring
from ..models import (
    Document,
    Incident,
    ListedIncident,
    Mention,
    Report,
)
from .counts import all_source_counts, count_incidents
from .filters import SORTS, IncidentQuery, _conditions, _matching_ids, _SortKey

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


