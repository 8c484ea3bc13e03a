"""JSON Lines corpora: one document per line, with `text` and optional metadata.

Each line is an object with `text` and optionally `url`, `title`,
`published` (YYYY-MM-DD or an ISO datetime) and `id`. The file is read line
by line (a `.gz` file is decompressed on the fly), so its size does not
matter. A line that cannot be used yields an item with `meta["error"]` and
its line number, and reading goes on. Blank lines are skipped.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .base import SourceError, SourceItem, register, utcnow


@register("jsonl")
def read_jsonl(path: str) -> Iterator[SourceItem]:
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
            for number, line in enumerate(handle, start=1):
                raw = line.rstrip(b"\r\n")
                if raw.strip():
                    yield line_item(raw, f"{file}#line-{number}", number)
        except (OSError, EOFError) as exc:  # a truncated or corrupt .gz
            raise SourceError(
                f"{path} is damaged after line {number} ({exc}); check the file"
            ) from None


def line_item(raw: bytes, line_locator: str, number: int) -> SourceItem:
    """One line as an item; an unusable line gets `meta["error"]` and keeps its bytes."""
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
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
    published = parse_published(record.get("published"))
    if record.get("published") and published is None:
        meta["warning"] = (
            f"unrecognised published date {record['published']!r}; expected YYYY-MM-DD or ISO datetime"
        )
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
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _error(raw: bytes, locator: str, number: int, error: str) -> SourceItem:
    return SourceItem(
        source_kind="jsonl",
        locator=locator,
        raw=raw,
        fetched_at=utcnow(),
        meta={"line": number, "error": error},
    )
