"""Which reader a source string needs, when the user does not say: by URL shape or file kind."""

from __future__ import annotations

from pathlib import Path

from .base import SourceError

_FEED_HINTS = (".rss", ".xml", ".atom", "/rss", "/feed", "rss.", "/atom", "format=rss")


def detect_kind(source: str) -> str:
    low = source.lower()
    if low.startswith(("http://", "https://")):
        return "feed" if any(hint in low for hint in _FEED_HINTS) else "page"
    if "://" in low:
        raise SourceError(f"{source}: only http(s) URLs and local paths can be ingested")
    path = Path(source)
    if path.is_dir():
        return "telegram" if (path / "result.json").exists() else "folder"
    if not path.exists():
        raise SourceError(f"{source}: no such file or folder")
    name = path.name.lower()
    if name == "result.json":
        return "telegram"
    if name.endswith((".warc", ".warc.gz", ".arc.gz")):
        return "warc"
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz")):
        return "jsonl"
    return "folder"
