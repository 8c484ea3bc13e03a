"""The incident list as a table of the columns a viewer picks, kept in the page's address
(`view=table&columns=date&columns=methods`), so a table can be shared, bookmarked and saved as a
search. Display only: the rows are the list's, redacted the same way, and filters are untouched."""

from __future__ import annotations

from collections.abc import Mapping

from .deps import Viewer

VIEWS = ("cards", "table")
# Every column a table can show, in the order it shows them.
TABLE_COLUMNS = (
    "date", "victim_nationalities", "victim_status", "victim_count", "victim_names", "location_regions",
    "perpetrators", "methods", "outcomes", "review_state", "sources", "updated",
)
DEFAULT_COLUMNS = ("date", "victim_nationalities", "victim_status", "victim_count", "location_regions", "outcomes",
                   "review_state", "sources")
PERSONAL_COLUMNS = frozenset({"victim_names"})  # only for viewers who see personal data
SORTABLE = {"date": "date", "sources": "sources", "updated": "updated"}  # column -> the list's sort key
DISPLAY_PARAMS = ("view", "columns")


def offered_columns(who: Viewer) -> tuple[str, ...]:
    """The columns this viewer may choose from."""
    return tuple(c for c in TABLE_COLUMNS if who.sees_personal_data or c not in PERSONAL_COLUMNS)


def display_params(params: Mapping, who: Viewer) -> dict[str, str | list[str]]:
    """The view and its columns, cleaned for links: unknown views and columns are dropped (as unknown
    parameters are), so a hostile or stale address still shows a list."""
    if params.get("view") != "table":
        return {}
    offered = offered_columns(who)
    asked = params.getlist("columns") if hasattr(params, "getlist") else list(params.get("columns") or ())
    chosen = [c for c in offered if c in set(asked)]
    return {"view": "table", "columns": chosen or list(c for c in DEFAULT_COLUMNS if c in offered)}


def sort_link(column: str, current: str) -> str | None:
    """The sort a column's heading asks for: its own, newest or most first, and the reverse when it is
    already so sorted; None for a column the list cannot sort by."""
    key = SORTABLE.get(column)
    if key is None:
        return None
    return key if current == f"-{key}" else f"-{key}"
