"""Incidents as rows in ACLED's column layout, plus RecruitWatch's own coded columns.

ACLED's layout is what conflict researchers already load into their tools, so
an incident table in it can be read and merged without a custom parser. The
event and sub-event types are ours (ACLED has no coerced-recruitment type), so
merged data stays distinguishable. Mapping, column by column: docs/exports.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from ..extract.data_files import load_data
from . import places
from .labels import label
from .places import PACKAGE
from .rows import DocumentRef, IncidentRow
from .summary import notes

EVENT_TYPE = "Coerced recruitment"
SUB_EVENT_TYPES = {
    "migrant_worker": "Coerced recruitment of migrant workers",
    "prisoner": "Coerced recruitment of prisoners",
    "student": "Coerced recruitment of foreign students",
    "naturalised_citizen": "Coerced recruitment of naturalised citizens",
    "unknown": "Coerced recruitment, group not reported",
}
TIME_PRECISION = {"day": 1, "month": 2, "year": 3}
GEO_PRECISION = {"city": 1, "region": 2, "country": 3}

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "iso",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
)
OWN_COLUMNS = (
    "incident_id",
    "date",
    "date_precision",
    "place_precision",
    "victim_status",
    "victim_count",
    "victim_nationalities",
    "victim_names",
    "location_country",
    "location_regions",
    "perpetrators",
    "methods",
    "outcomes",
    "review_state",
    "first_seen",
    "updated_at",
    "source_urls",
    "source_titles",
)


@cache
def column_meanings() -> dict[str, str]:
    """The table's data dictionary (data/columns.yaml): column -> what it holds."""
    return dict(load_data(PACKAGE, "columns.yaml")["columns"])


def columns(*, redact_names: bool) -> tuple[str, ...]:
    """The header: ACLED's columns, then ours; victim_names only when names may be shown."""
    own = tuple(c for c in OWN_COLUMNS if not (redact_names and c == "victim_names"))
    return ACLED_COLUMNS + own


def event_date(row: IncidentRow) -> str:
    """YYYY-MM-DD; a month or year date is set to its first day (time_precision says which)."""
    date = row.date
    if date is None:
        return ""
    return date + {4: "-01-01", 7: "-01"}.get(len(date), "")


def point(row: IncidentRow) -> tuple[float, float] | None:
    """(lat, lon) of the first region's administrative centre, if it has one."""
    for code in row.values("location_regions"):
        found = places.centroid(code)
        if found:
            return found
    return None


def fatalities(row: IncidentRow) -> int:
    """victim_count when the outcomes include killed (at least 1), else 0."""
    if "killed" not in row.values("outcomes"):
        return 0
    count = row.value("victim_count")
    return count if isinstance(count, int) and count > 0 else 1


def redact_text(text: str | None, names: list[str]) -> str | None:
    """`text` with every victim name in it replaced, for exports without names."""
    if not text:
        return text
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = _replace_casefold(text, name, "[name withheld]")
    return text


def _replace_casefold(text: str, needle: str, replacement: str) -> str:
    lowered, target = text.casefold(), needle.casefold()
    if len(lowered) != len(text):  # casefold changed lengths (ß, ﬁ): fall back to exact matches
        return text.replace(needle, replacement)
    out, start = [], 0
    while (i := lowered.find(target, start)) >= 0:
        out.append(text[start:i] + replacement)
        start = i + len(target)
    out.append(text[start:])
    return "".join(out)


def source_name(document: DocumentRef) -> str | None:
    """The outlet's name, else the host of the report's URL."""
    return document.outlet or (urlsplit(document.url).hostname if document.url else None)


def document_titles(row: IncidentRow, *, redact_names: bool) -> list[str]:
    names = row.values("victim_names") if redact_names else []
    return [redact_text(d.title, names) or "" for d in row.documents]


def values(row: IncidentRow, *, redact_names: bool) -> dict[str, Any]:
    """Column -> cell value for one incident (lists stay lists; the writer joins them)."""
    country = row.value("location_country")
    regions = row.values("location_regions")
    admin1 = places.region_name(regions[0]) if regions else ""
    where = point(row)
    perpetrators = [label("perpetrators", p) for p in row.values("perpetrators")]
    nationalities = [places.country_name(c) for c in row.values("victim_nationalities")]
    status = row.value("victim_status") or "unknown"
    alpha3 = places.alpha3(country) or "XXX"
    outlets = list(dict.fromkeys(filter(None, (source_name(d) for d in row.documents))))
    out: dict[str, Any] = {
        "event_id_cnty": f"{alpha3}RW{row.id}",
        "event_date": event_date(row),
        "year": row.date[:4] if row.date else "",
        "time_precision": TIME_PRECISION.get(row.time_precision or "", ""),
        "event_type": EVENT_TYPE,
        "sub_event_type": SUB_EVENT_TYPES.get(status, SUB_EVENT_TYPES["unknown"]),
        "actor1": perpetrators[0] if perpetrators else "",
        "assoc_actor_1": perpetrators[1:],
        "actor2": f"Civilians ({', '.join(nationalities)})" if nationalities else "Civilians",
        "assoc_actor_2": label("victim_status", status).capitalize() if status != "unknown" else "",
        "iso": places.iso_numeric(country) or "",
        "country": places.country_name(country),
        "admin1": admin1,
        "location": admin1 or places.country_name(country),
        "latitude": where[0] if where else "",
        "longitude": where[1] if where else "",
        "geo_precision": GEO_PRECISION.get(row.geo_precision or "", ""),
        "source": outlets,
        "source_scale": "",
        "notes": notes(row),
        "fatalities": fatalities(row),
        "timestamp": int(row.updated_at.timestamp()) if row.updated_at else "",
        "incident_id": row.id,
        "date": row.date or "",
        "date_precision": row.time_precision or "",
        "place_precision": row.geo_precision or "",
        "victim_status": row.value("victim_status") or "",
        "victim_count": row.value("victim_count") if row.value("victim_count") is not None else "",
        "victim_nationalities": row.values("victim_nationalities"),
        "victim_names": row.values("victim_names"),
        "location_country": country or "",
        "location_regions": regions,
        "perpetrators": row.values("perpetrators"),
        "methods": row.values("methods"),
        "outcomes": row.values("outcomes"),
        "review_state": row.review_state,
        "first_seen": row.first_seen.isoformat() if row.first_seen else "",
        "updated_at": row.updated_at.isoformat() if row.updated_at else "",
        "source_urls": [d.url for d in row.documents if d.url],
        "source_titles": document_titles(row, redact_names=redact_names),
    }
    if redact_names:
        del out["victim_names"]
    return out


def table_rows(
    rows: Iterable[IncidentRow], *, redact_names: bool
) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
    """(header, iterator of row lists) in column order, each incident read once."""
    header = columns(redact_names=redact_names)
    return header, (in_order(values(r, redact_names=redact_names), header) for r in rows)


def in_order(cells: dict[str, Any], header: Iterable[str]) -> list[Any]:
    return [cells[c] for c in header]
