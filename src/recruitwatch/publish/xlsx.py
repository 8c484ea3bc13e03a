"""The ACLED-style table as an Excel workbook, for people who work in spreadsheets.

Cells are typed, so text needs no apostrophe against formula injection: every
text cell is stored as a string, never as a formula. Dates are written as text
(YYYY-MM-DD), because a month or year date is not a day and Excel would make
it one. Every cell's text passes `_value`, which drops what XML 1.0 cannot
hold (a workbook is XML): a single such character in a title once broke the
whole download.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .acled import table_rows
from .rows import IncidentRow
from .tabular import MULTI_SEPARATOR

MAX_CELL = 32767  # Excel's limit on the characters of one cell
SHEET_TITLE = "incidents"
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


def export_xlsx(rows: Iterable[IncidentRow], *, redact_names: bool) -> Iterator[bytes]:
    """One sheet: bold, frozen header row; then one row per incident."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    header, body = table_rows(rows, redact_names=redact_names)
    sheet.append([_cell(sheet, h, bold=True) for h in header])
    for values in body:
        sheet.append([_cell(sheet, v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    yield buffer.getvalue()
