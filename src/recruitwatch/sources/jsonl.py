"""JSON Lines corpora: one document per line, with `text` and optional metadata.

Each line is an object with `text` and optionally `url`, `title`,
`published` (YYYY-MM-DD or an ISO datetime) and `id`. The file is read line
by line (a `.gz` file is decompressed on the fly), so its size does not
matter. A line that cannot be used (not JSON, not UTF-8, nested too deeply,
longer than MAX_LINE_BYTES) yields an item with `meta["error"]` and its line
number, and reading goes on. Blank lines are skipped. A line over the limit
is read past in pieces, never held whole: one 100 MB line once took 1.2 GB.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .base import SourceError, SourceItem, register, utcnow

MAX_LINE_BYTES = 16 * 1024 * 1024  # one document per line: a longer one is a broken file, not an article
PIECE_BYTES = 1 << 20  # what is held at a time while reading past a line over the limit
# A damaged .gz: a cut file (EOFError), a bad header (BadGzipFile, an OSError), a bad deflate stream (zlib.error).
DAMAGED = (OSError, EOFError, zlib.error)


@register("jsonl")
def read_jsonl(path: str, *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[SourceItem]:
    """Yield one item per non-blank line of `path`."""
    file = Path(path).expanduser()
    opener = gzip.open if file.suffix == ".gz" else open
    try:
        handle: IO[bytes] = opener(file, "rb")
    except OSError as exc:
        raise SourceError(f"cannot open {path} ({exc.strerror or exc}); check the path") from None
    with handle:
        number = 0
        try:
            for number, (raw, _) in enumerate(read_lines(handle, max_line_bytes), start=1):
                if raw is None:
                    yield too_long_item(f"{file}#line-{number}", number, max_line_bytes)
                elif raw.strip():
                    yield line_item(raw, f"{file}#line-{number}", number)
        except DAMAGED as exc:
            raise SourceError(
                f"{path} is damaged after line {number} ({exc}); check the file"
            ) from None


def read_lines(handle: IO[bytes], max_bytes: int = MAX_LINE_BYTES) -> Iterator[tuple[bytes | None, int]]:
    """Each line without its end, with the bytes it took in the file; None for a line longer than
    `max_bytes`, which is read past PIECE_BYTES at a time."""
    while True:
        line = handle.readline(max_bytes + 2)  # room for the longest line allowed and its "\r\n"
        if not line:
            return
        size = len(line)
        content = line.rstrip(b"\r\n")
        if len(content) <= max_bytes:
            yield content, size
            continue
        while not line.endswith(b"\n"):
            line = handle.readline(PIECE_BYTES)
            if not line:
                break
            size += len(line)
        yield None, size


def too_long_item(line_locator: str, number: int, max_bytes: int) -> SourceItem:
    """The item standing for a line over the limit: its error, and no bytes (they were not kept)."""
    return _error(b"", line_locator, number,
                  f"line {number} is longer than the {max_bytes:,}-byte limit; split the document")


def line_item(raw: bytes, line_locator: str, number: int) -> SourceItem:
    """One line as an item; an unusable line gets `meta["error"]` and keeps its bytes."""
    try:
        record = json.loads(raw)
    except RecursionError:
        return _error(raw, line_locator, number, f"line {number} is nested too deeply to read")
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, or a number of over 4,300 digits
        return _error(raw, line_locator, number, f"line {number} is not valid UTF-8 JSON ({exc})")
    if not isinstance(record, dict):
        return _error(raw, line_locator, number, f"line {number} is not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return _error(raw, line_locator, number, f"line {number} has no 'text' string")
    url, title, record_id = (_str(record.get(key)) for key in ("url", "title", "id"))
    meta: dict = {"line": number}
    if record_id is not None:
        meta["id"] = record_id
    value = record.get("published")
    published = parse_published(value)
    if value and published is None:
        shown = repr(value[:80]) if isinstance(value, str) else f"of type {type(value).__name__}"
        meta["warning"] = f"unrecognised published date {shown}; expected YYYY-MM-DD or ISO datetime"
    return SourceItem(
        source_kind="jsonl",
        locator=url or line_locator,
        raw=raw,
        fetched_at=utcnow(),
        text=text,
        title=title,
        published=published,
        meta=meta,
    )


def parse_published(value: object) -> dt.date | None:
    """YYYY-MM-DD or an ISO 8601 datetime (its own calendar date, not converted to UTC)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def _str(value: object) -> str | None:
    """A string field as given, a number as its digits; anything else (a list, an object) is no value."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _error(raw: bytes, locator: str, number: int, error: str) -> SourceItem:
    return SourceItem(
        source_kind="jsonl",
        locator=locator,
        raw=raw,
        fetched_at=utcnow(),
        meta={"line": number, "error": error},
    )
