"""Incidents as a CSV that Uwazi (HURIDOCS' database for human-rights documentation) imports.

Uwazi maps each CSV column to the template property of the same name and
needs a `title` column; several values in one cell are separated by `|`, a
date range is `from:to`, a geolocation `lat|lon`, a link `label|url`. Values
of Select and Multi Select properties are the thesaurus labels; Uwazi adds a
label it has not seen to the property's thesaurus during the import, so the
thesauri may start empty. Our labels are the contract's ids and ISO codes,
which do not change between imports (give them readable names with Uwazi's
thesaurus translations).

The NGO creates this template once (Settings > Templates), with property
names exactly as below:

    property              Uwazi type        thesaurus
    incident_id           Numeric
    incident_date         Date Range
    date_precision        Select            Date precision (day, month, year)
    victim_status         Select            Victim status
    victim_count          Numeric
    victim_nationalities  Multi Select      Countries
    victim_names          Text              (only for collections whose readers may see names)
    location_country      Select            Countries
    location_regions      Multi Select      Regions
    map_location          Geolocation
    place_precision       Select            Place precision (city, region, country)
    perpetrators          Multi Select      Perpetrators
    methods               Multi Select      Methods
    outcomes              Multi Select      Outcomes
    review_state          Select            Review state
    summary               Rich Text
    sources               Rich Text
    source_link           Link
    first_seen            Date

`title` is Uwazi's own Title property. An export made with redact_names has
no victim_names column at all, so importing it never writes names. Details
and the reasons for each choice: docs/exports.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .acled import in_order, point, redact_text, source_name
from .rows import IncidentRow
from .summary import notes, title
from .tabular import csv_chunks

SEPARATOR = "|"


@dataclass(frozen=True)
class UwaziProperty:
    name: str
    type: str  # Uwazi's internal type name
    thesaurus: str | None = None


TEMPLATE: tuple[UwaziProperty, ...] = (
    UwaziProperty("incident_id", "numeric"),
    UwaziProperty("incident_date", "daterange"),
    UwaziProperty("date_precision", "select", "Date precision"),
    UwaziProperty("victim_status", "select", "Victim status"),
    UwaziProperty("victim_count", "numeric"),
    UwaziProperty("victim_nationalities", "multiselect", "Countries"),
    UwaziProperty("victim_names", "text"),
    UwaziProperty("location_country", "select", "Countries"),
    UwaziProperty("location_regions", "multiselect", "Regions"),
    UwaziProperty("map_location", "geolocation"),
    UwaziProperty("place_precision", "select", "Place precision"),
    UwaziProperty("perpetrators", "multiselect", "Perpetrators"),
    UwaziProperty("methods", "multiselect", "Methods"),
    UwaziProperty("outcomes", "multiselect", "Outcomes"),
    UwaziProperty("review_state", "select", "Review state"),
    UwaziProperty("summary", "markdown"),
    UwaziProperty("sources", "markdown"),
    UwaziProperty("source_link", "link"),
    UwaziProperty("first_seen", "date"),
)


def columns(*, redact_names: bool) -> tuple[str, ...]:
    return ("title",) + tuple(
        p.name for p in TEMPLATE if not (redact_names and p.name == "victim_names")
    )


def date_range(row: IncidentRow) -> str:
    """The incident's date as the span it stands for: a day, a whole month or a whole year."""
    date = row.date
    if date is None:
        return ""
    year = int(date[:4])
    if len(date) == 4:
        return f"{year}-01-01:{year}-12-31"
    if len(date) == 7:
        month = int(date[5:7])
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 28
        return f"{date}-01:{date}-{last:02d}"
    return f"{date}:{date}"


def _markdown_text(text: str) -> str:
    return "".join("\\" + ch if ch in "\\[]()*_`#<>|" else ch for ch in text.replace("\n", " "))


def _safe_url(url: str) -> str:
    """A URL that survives inside Markdown's (...) and Uwazi's label|url split."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~")


def sources(row: IncidentRow, *, redact_names: bool) -> str:
    """A Markdown list of the reports: outlet, title, date, link."""
    names = row.values("victim_names") if redact_names else []
    lines = []
    for d in row.documents:
        text = (
            " - ".join(
                p
                for p in (
                    source_name(d),
                    redact_text(d.title, names),
                    d.published,
                )
                if p
            )
            or d.locator
        )
        text = _markdown_text(text)
        lines.append(f"* [{text}]({_safe_url(d.url)})" if d.url else f"* {text}")
    return "\n".join(lines)


def source_link(row: IncidentRow) -> str:
    for d in row.documents:
        if d.url:
            label = (source_name(d) or "source").replace(SEPARATOR, "/")
            return f"{label}{SEPARATOR}{_safe_url(d.url)}"
    return ""


def values(row: IncidentRow, *, redact_names: bool) -> dict[str, Any]:
    where = point(row)
    first_seen = row.first_seen.date().isoformat() if row.first_seen else ""
    out: dict[str, Any] = {
        "title": title(row),
        "incident_id": row.id,
        "incident_date": date_range(row),
        "date_precision": row.time_precision or "",
        "victim_status": row.value("victim_status") or "",
        "victim_count": row.value("victim_count") if row.value("victim_count") is not None else "",
        "victim_nationalities": SEPARATOR.join(row.values("victim_nationalities")),
        "victim_names": "; ".join(row.values("victim_names")),
        "location_country": row.value("location_country") or "",
        "location_regions": SEPARATOR.join(row.values("location_regions")),
        "map_location": f"{where[0]}{SEPARATOR}{where[1]}" if where else "",
        "place_precision": row.geo_precision or "",
        "perpetrators": SEPARATOR.join(row.values("perpetrators")),
        "methods": SEPARATOR.join(row.values("methods")),
        "outcomes": SEPARATOR.join(row.values("outcomes")),
        "review_state": row.review_state,
        "summary": notes(row),
        "sources": sources(row, redact_names=redact_names),
        "source_link": source_link(row),
        "first_seen": first_seen,
    }
    if redact_names:
        del out["victim_names"]
    return out


def export_uwazi(rows: Iterable[IncidentRow], *, redact_names: bool) -> Iterator[bytes]:
    header = columns(redact_names=redact_names)
    return csv_chunks(
        header, (in_order(values(r, redact_names=redact_names), header) for r in rows)
    )
