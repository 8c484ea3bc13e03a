"""Single web pages by URL: the bytes as served, plus the title, date and author.

Only the metadata is read here (trafilatura's metadata stage); turning the
HTML into text is the pipeline's job, so `text` stays None. We call
`trafilatura.extract_metadata` rather than `bare_extraction(with_metadata=True)`:
it is the same metadata code without the body extraction the pipeline does
anyway (about 4x faster), and it still answers for pages whose body is too
thin for `bare_extraction`, which then returns None and drops the metadata.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import trafilatura
from trafilatura.utils import load_html

from .base import SourceItem, register
from .fetch import Fetcher, FetchResult, fetcher_for

logger = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@register("page")
def read_page(
    url: str, *, fetcher: Fetcher | None = None, allow_private: bool = False
) -> Iterator[SourceItem]:
    """Yield the one page at `url`. A page that cannot be fetched raises `SourceError`.

    `allow_private` only applies when no `fetcher` is given (a given fetcher keeps its own).
    """
    with fetcher_for(fetcher, allow_private=allow_private) as client:
        yield page_item(client.fetch(url), requested_url=url)


def page_item(
    result: FetchResult, *, kind: str = "page", requested_url: str | None = None
) -> SourceItem:
    """A SourceItem for a fetched page; shared with the feed reader for its articles."""
    media_type = result.media_type or (
        "text/html" if looks_like_html(result.content) else "application/octet-stream"
    )
    title = published = author = None
    if media_type in HTML_TYPES:
        title, published, author = html_metadata(result.content, result.url)
    meta: dict = {"http_status": result.status}
    for key, value in (
        ("content_type", result.headers.get("content-type")),
        ("etag", result.etag),
        ("last_modified", result.last_modified),
    ):
        if value:
            meta[key] = value
    if requested_url and requested_url != result.url:
        meta["requested_url"] = requested_url
    return SourceItem(
        source_kind=kind,
        locator=result.url,
        raw=result.content,
        fetched_at=result.fetched_at,
        title=title,
        published=published,
        author=author,
        media_type=media_type,
        meta=meta,
    )


def looks_like_html(content: bytes) -> bool:
    """For pages served without a Content-Type."""
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def html_metadata(
    raw: bytes, url: str | None = None
) -> tuple[str | None, dt.date | None, str | None]:
    """(title, published date, author) from an HTML page; Nones where it has none."""
    try:
        tree = load_html(raw)
        if tree is None:
            return None, None, None
        found = trafilatura.extract_metadata(tree, default_url=url)
    except Exception as exc:  # metadata is a bonus: a page must never be lost over it
        logger.debug("no metadata from %s: %s", url, exc)
        return None, None, None
    return found.title or None, _date(found.date), found.author or None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
