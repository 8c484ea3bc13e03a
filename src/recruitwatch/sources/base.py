"""The contract every source reader keeps, and the registry of readers by kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..errors import RecruitWatchError


class SourceError(RecruitWatchError):
    """A source that cannot be read at all (bad URL, refused address, unreadable file)."""

    exit_code = 3


@dataclass(frozen=True)
class SourceItem:
    """One document as a source delivered it, before any analysis.

    `raw` is the exact bytes received (kept compressed in the store, hashed for
    identity); `text` is the text to analyse when the reader already has it
    (Telegram posts, JSON Lines), else None and the pipeline decodes `raw`.
    """

    source_kind: str  # "feed", "page", "folder", "telegram", "warc", "jsonl"
    locator: str  # URL, or path (plus "#id" for an item inside a file)
    raw: bytes
    fetched_at: dt.datetime  # UTC, when the bytes were received or read
    text: str | None = None
    title: str | None = None
    published: dt.date | None = None
    author: str | None = None
    media_type: str = "text/plain"  # "text/html", "text/plain", …
    meta: dict = field(default_factory=dict)  # reader-specific extras (channel, message id, HTTP headers…)


# A reader takes the source string and options, and yields items (or one
# SourceItem with `meta["error"]` for an item it could not get, so nothing is lost silently).
Reader = Callable[..., Iterator[SourceItem]]
READERS: dict[str, Reader] = {}


def register(kind: str) -> Callable[[Reader], Reader]:
    def add(reader: Reader) -> Reader:
        READERS[kind] = reader
        return reader

    return add


def reader_for(kind: str) -> Reader:
    # Import the reader modules on first use, so a missing optional one fails late and clearly.
    from . import feeds, folder, jsonl, pages, telegram, warc  # noqa: F401

    try:
        return READERS[kind]
    except KeyError:
        raise SourceError(f"unknown source kind {kind!r}; known: {', '.join(sorted(READERS))}") from None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
