"""The incident query a request asks for: one parser for pages, exports and the API, so a URL is a shareable view."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..publish.redact import coarsen_date
from ..store.queries import IncidentQuery
from .deps import MAX_RECORD_NUMBER, Viewer
from .views import policy

FILTER_PARAMS = ("q", "nationality", "status", "region", "perpetrator", "method", "outcome", "language",
                 "review_state", "date_from", "date_to", "sort")
# Facets that take several values (?nationality=UZ&nationality=TJ: either); the others take one.
MULTI_PARAMS = ("nationality", "status", "region", "perpetrator", "method", "outcome", "language")
MAX_VALUES = 20  # values of one facet in a query
SORTS = ("-relevance", "-date", "date", "-updated", "updated", "-sources", "sources", "-id", "id")
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_VALUE = re.compile(r"^[\w\- .']{1,64}$")


class FilterError(ValueError):
    pass


def effective_sort(clean: Mapping) -> str:
    """The list's order: as asked, else the best matches first for a search and the newest otherwise."""
    return clean.get("sort") or ("-relevance" if clean.get("q") else "-date")


def parse_filters(params: Mapping[str, str], who: Viewer, *, limit: int = PAGE_SIZE) -> tuple[IncidentQuery, dict[str, str]]:
    """The query and the cleaned parameters (for links). Unknown parameters are ignored; bad values are refused.

    For viewers without access to personal data, the filters themselves must not reveal
    more than the records they return: dates filter at the public precision and free text
    matches incidents' published fields, never the documents' texts.
    """
    clean: dict[str, str | list[str]] = {}
    for name in FILTER_PARAMS:
        if name in MULTI_PARAMS:
            values = _values(params, name)
            for value in values:
                if not _VALUE.match(value):
                    raise FilterError(f"{name} has an unexpected value")
            if values:
                clean[name] = values
            continue
        value = (params.get(name) or "").strip()
        if not value:
            continue
        if name in ("date_from", "date_to") and not _DATE.match(value):
            raise FilterError(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD")
        if name == "sort" and value not in SORTS:
            raise FilterError(f"sort must be one of {', '.join(SORTS)}")
        if name == "q":
            value = value[:200]
        elif not _VALUE.match(value):
            raise FilterError(f"{name} has an unexpected value")
        if name in ("date_from", "date_to") and not who.sees_personal_data:
            value = coarsen_date(value, policy().date_precision)  # a day's filter would tell the day
        clean[name] = value
    states = who.visible_states
    review_state = clean.get("review_state")
    if states is not None and review_state not in states:
        review_state = states[0]  # the public sees published incidents only
    chosen = {name: tuple(clean[name]) if name in clean else None for name in MULTI_PARAMS}
    query = IncidentQuery(
        text=clean.get("q"),
        nationality=chosen["nationality"],
        status=chosen["status"],
        region=chosen["region"],
        perpetrator=chosen["perpetrator"],
        method=chosen["method"],
        outcome=chosen["outcome"],
        language=chosen["language"],
        review_state=review_state,
        date_from=clean.get("date_from"),
        date_to=clean.get("date_to"),
        text_in_documents=who.sees_personal_data,  # document texts name people: the public searches what it reads
        date_precision="day" if who.sees_personal_data else policy().date_precision,  # order tells no day either
        limit=limit,
    )
    query.sort = effective_sort(clean)
    return query, clean


def _values(params: Mapping[str, str], name: str) -> list[str]:
    """Every value given for a facet, in order, once each (a form or a link may repeat the name)."""
    raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    values = list(dict.fromkeys(v.strip() for v in raw if v and v.strip()))
    if len(values) > MAX_VALUES:
        raise FilterError(f"{name}: at most {MAX_VALUES} values at once")
    return values


def record_number(raw: str | None) -> int | None:
    """A record number typed into a form (an incident, a mention, a count): ASCII digits within the
    databases' range, else None, so a huge or odd number gets the form's refusal, never a server error."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    number = int(raw)
    return number if number <= MAX_RECORD_NUMBER else None


def page_number(params: Mapping[str, str]) -> int:
    try:
        return max(1, min(int(params.get("page", "1")), 100_000))
    except ValueError:
        return 1
