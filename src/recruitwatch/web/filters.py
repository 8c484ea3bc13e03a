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
SORTS = ("-date", "date", "-updated", "updated", "-sources", "sources", "-id", "id")
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_VALUE = re.compile(r"^[\w\- .']{1,64}$")


class FilterError(ValueError):
    pass


def parse_filters(params: Mapping[str, str], who: Viewer, *, limit: int = PAGE_SIZE) -> tuple[IncidentQuery, dict[str, str]]:
    """The query and the cleaned parameters (for links). Unknown parameters are ignored; bad values are refused.

    For viewers without access to personal data, the filters themselves must not reveal
    more than the records they return: dates filter at the public precision and free text
    matches incidents' published fields, never the documents' texts.
    """
    clean: dict[str, str] = {}
    for name in FILTER_PARAMS:
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
    query = IncidentQuery(
        text=clean.get("q"),
        nationality=clean.get("nationality"),
        status=clean.get("status"),
        region=clean.get("region"),
        perpetrator=clean.get("perpetrator"),
        method=clean.get("method"),
        outcome=clean.get("outcome"),
        language=clean.get("language"),
        review_state=review_state,
        date_from=clean.get("date_from"),
        date_to=clean.get("date_to"),
        text_in_documents=who.sees_personal_data,  # document texts name people: the public searches what it reads
        date_precision="day" if who.sees_personal_data else policy().date_precision,  # order tells no day either
        limit=limit,
    )
    query.sort = clean.get("sort", "-date")
    return query, clean


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
