"""Writing tables as CSV bytes, safely for the spreadsheets people open them in.

A cell that begins with = + - @ (or a tab or carriage return) is run as a
formula by Excel, LibreOffice and Google Sheets; an attacker who gets such a
string into a news title or an outlet name could make a reviewer's
spreadsheet fetch a URL or run a command. Such text cells get a leading
apostrophe (OWASP's advice), which spreadsheets show as plain text. Numbers we
write ourselves are not text and are left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MULTI_SEPARATOR = "; "  # inside one cell of our own CSV columns


def neutralise_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """One cell as the csv module should write it: lists joined, None empty, formulas inert."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = MULTI_SEPARATOR.join(str(v) for v in value)
    return neutralise_formula(value)


BOM = "\ufeff"


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 200, bom: bool = False
) -> Iterator[bytes]:
    """UTF-8 CSV (RFC 4180 quoting, CRLF line ends), yielded in chunks of `batch` rows; with `bom`,
    a byte-order mark first, without which Excel reads UTF-8 as the local code page (Cyrillic garbled)."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for n, row in enumerate(rows, 1):
        writer.writerow([csv_cell(v) for v in row])
        if n % batch == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
