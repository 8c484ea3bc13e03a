"""Inputs to records: reading, decoding and extraction, with errors turned into records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from ..errors import InputError
from ..text.reader import read_input
from .pipeline import extract_text


def error_record(source: str, message: str) -> dict:
    return {
        "source": source,
        "error": message,
        "language": None,
        "relevant": False,
        "relevance_score": 0.0,
        "incidents": [],
        "legal_refs": [],
        "organisations": [],
    }


def extract_inputs(sources: Iterable[str], *, published: dt.date | None = None) -> Iterator[dict]:
    """One record per source, in order; an unreadable source gives a record with `error`."""
    for source in sources:
        try:
            item = read_input(source)
        except InputError as exc:
            yield error_record(source, str(exc))
            continue
        yield extract_text(item.text, source=source, published=published)
