"""What the facets, the dashboard and the map count: values per field, incidents per month, sources
per incident, which incidents are published."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from ..figures_cache import FIGURES
from ..models import (
    Document,
    Incident,
    IncidentValue,
    Mention,
    Report,
)
from .filters import VALUE_FILTERS, IncidentQuery, _conditions, _filters_key

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


def count_incidents(session: Session, q: IncidentQuery) -> int:
    """How many incidents match q (every filter, no paging); kept until the store changes."""
    return FIGURES.get(session, ("count", _filters_key(q)), lambda: _count_incidents(session, q))


def _count_incidents(session: Session, q: IncidentQuery, *also: ColumnElement) -> int:
    conditions = _conditions(session, q)
    if conditions is None:
        return 0
    return session.scalar(select(func.count()).select_from(Incident).where(*conditions, *also)) or 0


def undated_count(session: Session, q: IncidentQuery) -> int:
    """Incidents month_counts leaves out: no date, or the year only (so months + this = the total)."""
    undated = or_(Incident.date.is_(None), func.length(Incident.date) < 7)
    return FIGURES.get(session, ("undated", _filters_key(q)), lambda: _count_incidents(session, q, undated))


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


