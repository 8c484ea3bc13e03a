"""HTML to the text we analyse: trafilatura for articles, a plain fallback for the rest."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_HTML_SNIFF = re.compile(r"<(?:!doctype html|html|head|body|article|div|p|br|span|title)\b", re.I)


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None


def looks_like_html(text: str) -> bool:
    head = text[:4096]
    return bool(_HTML_SNIFF.search(head)) and head.lstrip().startswith("<")


def html_to_page(html: str) -> Page:
    """Main text with title, date and author; never raises on broken markup."""
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=False, with_metadata=True
        )
    except Exception as exc:  # trafilatura can trip on pathological markup
        logger.warning("trafilatura failed (%s); using plain text extraction", exc)
        doc = None
    if doc is not None:
        data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        body = (data.get("text") or "").strip()
        title = (data.get("title") or "").strip() or None
        if body:
            text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
            return Page(text=text, title=title, date=data.get("date"), author=data.get("author"))
    return Page(text=_plain_text(html))


def _plain_text(html: str) -> str:
    try:
        import lxml.html

        root = lxml.html.fromstring(html)
        for bad in root.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        text = root.text_content()
    except Exception:
        text = re.sub(r"<[^>]*>", " ", html)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
