"""The incident query a request asks for: one parser for pages, exports and the API, so a URL is a shareable view."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..store.queries import IncidentQuery
from .deps import Viewer

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
    """The query and the cleaned parameters (for links). Unknown parameters are ignored; bad values are refused."""
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
        limit=limit,
    )
    query.sort = clean.get("sort", "-date")
    return query, clean


def page_number(params: Mapping[str, str]) -> int:
    try:
        return max(1, min(int(params.get("page", "1")), 100_000))
    except ValueError:
        return 1
