"""The export formats, registered by name: the web layer looks a format up here.

Every exporter is a function `(rows, *, redact_names) -> Iterator[bytes]`: the
file's bytes in chunks, so a web response can stream a large CSV or JSON Lines
export as it is made (xlsx and the GeoJSON document come whole or in a few
chunks). `export_bytes` joins the chunks when the whole file is wanted.

With redact_names=True no victim name leaves the package: the victim_names
field or column is left out, and a name that appears in a report's title is
replaced by "[name withheld]". Formats and columns: docs/exports.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import UsageError
from .acled import point, table_rows
from .records import record
from .rows import IncidentRow
from .tabular import csv_chunks
from .uwazi import export_uwazi
from .xlsx import export_xlsx

ExportFunction = Callable[..., Iterator[bytes]]


@dataclass(frozen=True)
class Exporter:
    name: str  # for people: "CSV (ACLED columns)"
    media_type: str  # the Content-Type of the response
    file_extension: str  # without the dot
    function: ExportFunction


EXPORTERS: dict[str, Exporter] = {}


def register(format: str, exporter: Exporter) -> None:
    """Add a format; a second registration under one name is a bug."""
    if format in EXPORTERS:
        raise ValueError(f"export format {format!r} is registered twice")
    EXPORTERS[format] = exporter


def exporter(format: str) -> Exporter:
    try:
        return EXPORTERS[format]
    except KeyError:
        raise UsageError(
            f"unknown export format {format!r}; known: {', '.join(sorted(EXPORTERS))}"
        ) from None


def export(format: str, rows: Iterable[IncidentRow], *, redact_names: bool) -> Iterator[bytes]:
    return exporter(format).function(rows, redact_names=redact_names)


def export_bytes(format: str, rows: Iterable[IncidentRow], *, redact_names: bool) -> bytes:
    return b"".join(export(format, rows, redact_names=redact_names))


def export_csv(rows: Iterable[IncidentRow], *, redact_names: bool) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so that Excel opens Cyrillic and Uzbek right (Python reads it
    with encoding 'utf-8-sig'); lists joined with '; '."""
    header, body = table_rows(rows, redact_names=redact_names)
    return csv_chunks(header, body, bom=True)


def export_jsonl(rows: Iterable[IncidentRow], *, redact_names: bool) -> Iterator[bytes]:
    for row in rows:
        yield (
            json.dumps(record(row, redact_names=redact_names), ensure_ascii=False) + "\n"
        ).encode("utf-8")


def feature(row: IncidentRow, *, redact_names: bool) -> dict:
    """A GeoJSON Feature at the first region's administrative centre; geometry null when
    the incident names no region we can place (RFC 7946, section 3.2, allows that)."""
    where = point(row)
    geometry = {"type": "Point", "coordinates": [where[1], where[0]]} if where else None
    return {
        "type": "Feature",
        "id": row.id,
        "geometry": geometry,
        "properties": record(row, redact_names=redact_names),
    }


def export_geojson(rows: Iterable[IncidentRow], *, redact_names: bool) -> Iterator[bytes]:
    """A FeatureCollection, written feature by feature."""
    yield b'{"type": "FeatureCollection", "features": ['
    for n, row in enumerate(rows):
        text = json.dumps(feature(row, redact_names=redact_names), ensure_ascii=False)
        yield ((",\n" if n else "\n") + text).encode("utf-8")
    yield b"\n]}\n"


register("csv", Exporter("CSV (ACLED columns)", "text/csv; charset=utf-8", "csv", export_csv))
register(
    "jsonl", Exporter("JSON Lines", "application/x-ndjson; charset=utf-8", "jsonl", export_jsonl)
)
register("geojson", Exporter("GeoJSON", "application/geo+json", "geojson", export_geojson))
register(
    "xlsx",
    Exporter(
        "Excel workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        export_xlsx,
    ),
)
register(
    "uwazi", Exporter("CSV for Uwazi import", "text/csv; charset=utf-8", "uwazi.csv", export_uwazi)
)
