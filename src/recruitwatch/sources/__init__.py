"""Where documents come from: one reader per kind of source, found in one registry.

A reader turns a source (a feed URL, a page URL, a folder, a Telegram export, a
web archive, a JSON Lines file) into `SourceItem`s. Readers do I/O only: no
screening, extraction or storage, which the pipeline does with what they yield.
"""

from __future__ import annotations

from .base import READERS, SourceError, SourceItem, reader_for

__all__ = ["READERS", "SourceError", "SourceItem", "reader_for"]
