"""The ACLED-style table as an Excel workbook, for people who work in spreadsheets.

Cells are typed, so text needs no apostrophe against formula injection: every
text cell is stored as a string, never as a formula. `event_date` (always a
day, ACLED-style, with `time_precision` saying how much of it is known) is a
real date, `first_seen` and `updated_at` real date-times in UTC; the contract's
own `date` stays text (YYYY, YYYY-MM or YYYY-MM-DD), because a month or year
is not a day and Excel would make it one. The header row is bold, frozen and
filterable; columns get widths that fit their headings and typical values. Every cell's text passes `_value`, which drops what XML 1.0 cannot
hold (a workbook is XML): a single such character in a title once broke the
whole download.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .acled import column_meanings, table_rows
from .rows import IncidentRow
from .tabular import MULTI_SEPARATOR

MAX_CELL = 32767  # Excel's limit on the characters of one cell
SHEET_TITLE = "incidents"
GUIDE_TITLE = "columns"
# Not a character of XML 1.0: C0 controls but tab, newline and return; lone surrogates; U+FFFE, U+FFFF.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _value(value: Any) -> Any:
    """A cell value openpyxl writes as given: lists joined, text made XML-safe and cut to Excel's limit."""
    if isinstance(value, list | tuple):
        value = MULTI_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, str):
        value = NOT_XML.sub("", value)[:MAX_CELL]
    return None if value == "" else value


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    """Plain values as they are (fast); a typed cell for a header cell, and for text that
    openpyxl would otherwise store as a formula (it treats text beginning with = as one)."""
    value = _value(value)
    if not bold and not (isinstance(value, str) and value.startswith("=")):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


DATE_COLUMNS = {"event_date"}
DATETIME_COLUMNS = {"first_seen", "updated_at"}
WIDE_COLUMNS = {"notes": 60, "source_urls": 50, "source_titles": 50, "victim_names": 30, "location_regions": 28,
                "methods": 36, "outcomes": 30, "perpetrators": 26, "actor1": 26, "admin1": 22, "location": 22}
NARROWEST, WIDEST = 10, 60


def _width(heading: str) -> float:
    return min(max(WIDE_COLUMNS.get(heading, 0), len(heading) + 3, NARROWEST), WIDEST)


def _typed(sheet: Any, heading: str, value: Any) -> Any:
    """A date or date-time cell for the date columns; the plain cell otherwise (or when unreadable)."""
    if value and heading in DATE_COLUMNS:
        try:
            cell = WriteOnlyCell(sheet, value=dt.date.fromisoformat(str(value)[:10]))
        except ValueError:
            return _cell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if value and heading in DATETIME_COLUMNS:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return _cell(sheet, value)
        if moment.tzinfo is not None:  # Excel has no time zones: UTC, as the data dictionary says
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=moment)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return _cell(sheet, value)


def export_xlsx(rows: Iterable[IncidentRow], *, redact_names: bool) -> Iterator[bytes]:
    """The incidents sheet (bold, frozen, filterable header row; then one row per incident) and a
    "columns" sheet saying what each column holds."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    header, body = table_rows(rows, redact_names=redact_names)
    for i, heading in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(i)].width = _width(heading)
    sheet.append([_cell(sheet, h, bold=True) for h in header])
    count = 0
    for values in body:
        sheet.append([_typed(sheet, h, v) for h, v in zip(header, values, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    guide = workbook.create_sheet(GUIDE_TITLE)  # the data dictionary travels with the data
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 24, 100
    guide.append([_cell(guide, "column", bold=True), _cell(guide, "what it holds", bold=True)])
    meanings = column_meanings()
    for heading in header:
        guide.append([heading, meanings.get(heading, "")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    yield buffer.getvalue()
