"""RSS and Atom feeds: the feed fetched conditionally, then each linked article.

A feed is a list of links; the articles are what we keep. The feed is
fetched through the `Fetcher` (conditional GET, size cap, address guard) and
parsed by feedparser from the bytes, so feedparser never touches the network.
Each article page goes through the same fetcher, so the per-host rate holds.

Polling state: pass a `FeedState` as `state=` and read it after the loop.
`state.not_modified` is True when the server answered 304 (then nothing is
yielded); `state.etag` and `state.last_modified` are the validators to send
next time. Store them only after consuming every item, or the articles not
yet read would be skipped by the next poll. Each item also carries them in
`meta["feed_etag"]` / `meta["feed_last_modified"]`.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, replace

import feedparser

from .base import SourceError, SourceItem, register, utcnow
from .fetch import Fetcher, FetchResult, fetcher_for
from .pages import page_item

logger = logging.getLogger(__name__)


@dataclass
class FeedState:
    """What one read of a feed learnt, for the caller to keep between polls."""

    url: str | None = None  # final feed URL, after redirects
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    title: str | None = None
    entries: int = 0  # items yielded
    errors: int = 0  # of which carry meta["error"]
    fetched_at: dt.datetime | None = None


@register("feed")
def read_feed(
    url: str,
    *,
    fetcher: Fetcher | None = None,
    allow_private: bool = False,
    etag: str | None = None,
    last_modified: str | None = None,
    fetch_articles: bool = True,
    state: FeedState | None = None,
) -> Iterator[SourceItem]:
    """Yield one item per feed entry: its article page, or the entry itself on failure.

    An unreadable feed raises `SourceError`; an article that fails yields an
    item with `meta["error"]` and the entry's summary as `text`. With
    `fetch_articles=False` the entry's own content is delivered instead of
    the page. `allow_private` only applies when no `fetcher` is given.
    """
    state = state if state is not None else FeedState()
    with fetcher_for(fetcher, allow_private=allow_private) as client:
        result = client.fetch(url, etag=etag, last_modified=last_modified)
        state.url, state.etag, state.last_modified = result.url, result.etag, result.last_modified
        state.not_modified, state.fetched_at = result.not_modified, result.fetched_at
        if result.not_modified:
            return
        parsed = parse_feed(result)
        state.title = parsed.feed.get("title") or None
        for number, entry in enumerate(parsed.entries, start=1):
            meta = {
                "feed_url": result.url,
                "feed_title": state.title,
                "entry_id": entry.get("id") or entry.get("link") or f"entry-{number}",
                "feed_etag": result.etag,
                "feed_last_modified": result.last_modified,
            }
            link = entry.get("link")
            if link:
                link = urllib.parse.urljoin(result.url, link)
            if not link:  # the entry is the whole post (microblogs, notices): deliver it
                item = entry_item(entry, f"{result.url}#{meta['entry_id']}", meta)
            elif not fetch_articles:
                item = entry_item(entry, link, meta)
            else:
                item = article_item(client, entry, link, meta)
            state.entries += 1
            state.errors += "error" in item.meta
            yield item


def parse_feed(result: FetchResult) -> feedparser.FeedParserDict:
    """Parse feed bytes; raise `SourceError` when they are not a feed at all."""
    parsed = feedparser.parse(
        io.BytesIO(result.content),  # a stream, never a URL: feedparser must not fetch
        response_headers={
            "content-type": result.headers.get("content-type", "application/xml"),
            "content-location": result.url,  # base for relative links
        },
    )
    # Not bozo alone: an empty answer parses cleanly into nothing, and must be reported too.
    if not parsed.entries and not parsed.get("version"):
        raise SourceError(
            f"{result.url} is not an RSS or Atom feed ({parsed.get('bozo_exception') or 'nothing in it'}); "
            "check that the address is the feed itself, not the site's home page"
        )
    if parsed.bozo:
        logger.debug("feed %s is slightly malformed: %s", result.url, parsed.get("bozo_exception"))
    return parsed


def article_item(client: Fetcher, entry: dict, link: str, meta: dict) -> SourceItem:
    """The linked page, with the entry's title, date and author where the page has none."""
    try:
        result = client.fetch(link)
    except SourceError as exc:
        return entry_item(entry, link, meta | {"error": str(exc)})
    item = page_item(result, kind="feed", requested_url=link)
    return replace(
        item,
        title=item.title or entry.get("title") or None,
        published=item.published or entry_date(entry),
        author=item.author or entry.get("author") or None,
        meta=item.meta | meta,
    )


def entry_item(entry: dict, locator: str, meta: dict) -> SourceItem:
    """The entry's own content (full content if the feed carries it, else the summary)."""
    detail = (entry.get("content") or [None])[0] or entry.get("summary_detail") or {}
    value = detail.get("value") or entry.get("summary") or ""
    media_type = detail.get("type") or "text/plain"
    return SourceItem(
        source_kind="feed",
        locator=locator,
        raw=value.encode("utf-8"),
        fetched_at=utcnow(),
        text=plain_text(value) if "html" in media_type else value,
        title=entry.get("title") or None,
        published=entry_date(entry),
        author=entry.get("author") or None,
        media_type=media_type,
        meta=meta,
    )


def entry_date(entry: dict) -> dt.date | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(*stamp[:3]) if stamp else None


_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def plain_text(fragment: str) -> str:
    """Text of a feed's HTML fragment, already sanitised by feedparser; keeps paragraph breaks."""
    text = html.unescape(_TAG.sub(" ", _BREAK.sub("\n", fragment)))
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
