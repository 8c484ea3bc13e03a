"""WARC / WARC.gz web archives (news crawls): one item per archived HTML or text page.

Only `response` records with HTTP 200 and an HTML or plain-text type are
kept; requests, metadata, redirects and images are skipped. warcio is asked
not to parse the HTTP headers itself (`no_record_parse`): we parse them per
record, so one record with broken headers becomes an item with
`meta["error"]` and the reader goes on. Damage to the archive's own framing
(a corrupt gzip member) cannot be stepped over: that yields one error item
and ends the archive. A record shorter than its Content-Length (the archive
was cut off inside it, as a copy interrupted mid-way leaves it) is an error
item naming the file: warcio hands over what there is without a word, and
a page cut in half must not be stored as if whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeadersParser

from .base import SourceError, SourceItem, register, utcnow
from .fetch import MAX_BYTES

KEPT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_HTTP = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=True)


@register("warc")
def read_warc(path: str, *, max_bytes: int = MAX_BYTES) -> Iterator[SourceItem]:
    """Yield each archived 200 HTML/text response in `path` (a .warc or .warc.gz file)."""
    file = Path(path).expanduser()
    try:
        handle = file.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot open {path} ({exc.strerror or exc}); check the path") from None
    with handle:
        archive = ArchiveIterator(handle, no_record_parse=True)
        records = iter(archive)
        count = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except Exception as exc:  # ArchiveLoadFailed, zlib.error…: the framing is broken
                reason = _one_line(str(exc)) or type(exc).__name__
                if count == 0:
                    raise SourceError(
                        f"{path} is not a readable WARC file ({reason}); check the file"
                    ) from None
                yield _error_item(
                    f"{file}#record-{count + 1}",
                    f"archive damaged here, the rest is unreadable: {reason}",
                    file,
                )
                return
            count += 1
            item = _record_item(record, archive, file, max_bytes)
            if item is not None:
                yield item


def _record_item(record, archive: ArchiveIterator, file: Path, max_bytes: int) -> SourceItem | None:
    headers = record.rec_headers
    uri = headers.get_header("WARC-Target-URI") or ""
    if record.rec_type != "response" or not uri.startswith(("http:", "https:")):
        return None
    try:
        record.http_headers = _HTTP.parse(record.raw_stream)
        if record.http_headers.get_statuscode() != "200":
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type not in KEPT_TYPES:
            return None
        payload = record.content_stream().read(max_bytes + 1)
        if len(payload) > max_bytes:
            return _error_item(uri, f"payload is larger than the {max_bytes:,}-byte limit", file)
        while record.raw_stream.read(1 << 16):  # the rest of the record (a gzip body's end, say)
            pass
        missing = getattr(record.raw_stream, "limit", 0)  # of the Content-Length, what never came
        if missing:
            return _error_item(
                uri, f"{file} ends inside this record, {missing:,} bytes short; nothing of it was stored", file
            )
    except EOFError:  # the archive ends inside the record's HTTP headers
        return _error_item(uri, f"{file} ends inside this record; nothing of it was stored", file)
    except (
        Exception
    ) as exc:  # warcio raises many kinds on bad input; one record must not end the archive
        return _error_item(
            uri, f"broken record ({type(exc).__name__}: {_one_line(str(exc))})", file
        )
    meta = {
        "warc_file": str(file),
        "warc_record_id": headers.get_header("WARC-Record-ID"),
        "warc_offset": archive.get_record_offset(),
        "content_type": content_type,
    }
    return SourceItem(
        source_kind="warc",
        locator=uri,
        raw=payload,
        fetched_at=_warc_date(headers.get_header("WARC-Date")),
        media_type=media_type,
        meta=meta,
    )


def _error_item(locator: str, error: str, file: Path) -> SourceItem:
    return SourceItem(
        source_kind="warc",
        locator=locator,
        raw=b"",
        fetched_at=utcnow(),
        meta={"warc_file": str(file), "error": error},
    )


def _one_line(message: str) -> str:
    """A library message fit for one line: warcio quotes the damaged bytes it met."""
    first = message.splitlines()[0] if message else ""
    return "".join(char if char.isprintable() else "?" for char in first[:120])


def _warc_date(value: str | None) -> dt.datetime:
    """WARC-Date (ISO 8601, UTC) as an aware datetime; now when missing or unreadable."""
    try:
        when = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return utcnow()
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
