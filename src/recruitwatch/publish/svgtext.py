"""Escaping and sizing text for the inline SVG charts and maps."""

from __future__ import annotations

import hashlib
from html import escape


def esc(text: object) -> str:
    """Text or attribute value made safe for XML and HTML: & < > " ' escaped."""
    return escape(str(text), quote=True)


def text_width(text: str, font_size: float) -> float:
    """A rough width in px (0.6 em a character): enough to lay out labels without a font."""
    return len(text) * font_size * 0.6


def element_id(prefix: str, *parts: object) -> str:
    """A stable id for aria references, distinct for distinct content on one page."""
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:8]
    return f"{prefix}-{digest}"
