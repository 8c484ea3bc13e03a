"""WARC / WARC.gz archives: archived 200 HTML/text responses become items, the rest is skipped."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from recruitwatch.sources import SourceError
from recruitwatch.sources.warc import read_warc

HTML = "<html><head><title>Новость</title></head><body><p>Юсуф отправлен на фронт.</p></body></html>".encode()
DATE = "2024-04-18T12:30:00Z"


def record_bytes(
    kind: str,
    uri: str,
    body: bytes = b"",
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
    extra: tuple = (),
    compress: bool = True,
) -> bytes:
    """One WARC record, written by warcio into its own buffer (one gzip member when compressed)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    http = None
    if kind in ("response", "request"):
        statusline = status if kind == "response" else "GET / HTTP/1.1"
        protocol = "HTTP/1.1" if kind == "response" else ""
        http = StatusAndHeaders(
            statusline,
            [("Content-Type", content_type), *extra],
            protocol=protocol,
            is_http_request=kind == "request",
        )
    record = writer.create_warc_record(
        uri,
        kind,
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": DATE},
    )
    writer.write_record(record)
    return out.getvalue()


def broken_http_record(uri: str, compress: bool = True) -> bytes:
    """A response record whose HTTP status line is garbage (warcio's writer would refuse it)."""
    block = b"garbage status line\r\n\r\n<html>lost</html>"
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\n"
        + f"WARC-Target-URI: {uri}\r\nWARC-Date: {DATE}\r\n".encode()
        + b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        + b"Content-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {len(block)}\r\n\r\n".encode()
        + block
        + b"\r\n\r\n"
    )
    return gzip.compress(record) if compress else record


def archive(compress: bool) -> list[bytes]:
    return [
        record_bytes("warcinfo", "", b"software: test\r\n", compress=compress),
        record_bytes("request", "http://news.example/a", compress=compress),
        record_bytes("response", "http://news.example/a", HTML, compress=compress),
        record_bytes(
            "response",
            "http://news.example/b.txt",
            b"plain report",
            content_type="text/plain",
            compress=compress,
        ),
        record_bytes(
            "response",
            "http://news.example/missing",
            HTML,
            status="404 Not Found",
            compress=compress,
        ),
        record_bytes(
            "response",
            "http://news.example/logo.png",
            b"\x89PNG",
            content_type="image/png",
            compress=compress,
        ),
        record_bytes(
            "response",
            "http://news.example/moved",
            b"",
            status="301 Moved Permanently",
            extra=(("Location", "/a"),),
            compress=compress,
        ),
        broken_http_record("http://news.example/broken", compress=compress),
        record_bytes(
            "response",
            "http://news.example/gz",
            gzip.compress(HTML),
            extra=(("Content-Encoding", "gzip"),),
            compress=compress,
        ),
        record_bytes("metadata", "http://news.example/a", b"outlinks: none", compress=compress),
    ]


@pytest.mark.parametrize(("compress", "name"), [(True, "crawl.warc.gz"), (False, "crawl.warc")])
def test_only_ok_html_and_text_responses_become_items(
    tmp_path: Path, compress: bool, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"".join(archive(compress)))
    items = list(read_warc(str(path)))
    assert [item.locator for item in items] == [
        "http://news.example/a",
        "http://news.example/b.txt",
        "http://news.example/broken",
        "http://news.example/gz",
    ]
    page, text, broken, gzipped = items
    assert page.raw == HTML and page.media_type == "text/html" and page.source_kind == "warc"
    assert page.fetched_at == dt.datetime(2024, 4, 18, 12, 30, tzinfo=dt.UTC)
    assert page.meta["content_type"] == "text/html; charset=utf-8" and page.meta["warc_record_id"]
    assert text.raw == b"plain report" and text.media_type == "text/plain"
    assert "broken record" in broken.meta["error"] and broken.raw == b""
    assert gzipped.raw == HTML  # content-encoding undone: the page as a browser saw it
    assert all(item.text is None for item in items)


def test_record_offsets_point_back_into_the_archive(tmp_path: Path) -> None:
    records = archive(compress=True)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join(records))
    first = next(read_warc(str(path)))
    assert first.meta["warc_offset"] == sum(len(r) for r in records[:2])


def test_damaged_archive_keeps_what_came_before(tmp_path: Path) -> None:
    records = archive(compress=True)
    damaged = bytearray(records[3])
    damaged[12:40] = b"\x00" * 28  # inside the deflate stream of the fourth member
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(b"".join([*records[:3], bytes(damaged), *records[4:]]))
    items = list(read_warc(str(path)))
    assert items[0].locator == "http://news.example/a" and "error" not in items[0].meta
    assert "archive damaged" in items[-1].meta["error"]


def test_oversized_payload_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    path.write_bytes(
        record_bytes("response", "http://news.example/big", b"x" * 5000)
        + record_bytes("response", "http://news.example/a", HTML)
    )
    big, small = read_warc(str(path), max_bytes=1000)
    assert "larger than" in big.meta["error"] and small.raw == HTML


def test_not_a_warc_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("just some notes\n")
    with pytest.raises(SourceError, match="not a readable WARC file"):
        list(read_warc(str(path)))
    with pytest.raises(SourceError, match="cannot open"):
        list(read_warc(str(tmp_path / "absent.warc.gz")))


LONG_PAGE = b"<html><body>" + b"<p>Yusuf was sent to the front.</p>" * 3000 + b"</body></html>"


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("where", ["payload", "headers", "last bytes of the payload"])
def test_a_cut_off_archive_keeps_the_records_before_and_nothing_of_the_cut_one(
    tmp_path: Path, compress: bool, where: str
) -> None:
    """warcio hands over a cut record's bytes as if whole: half a page was stored without a word."""
    from recruitwatch.scale.partitions import Partition
    from recruitwatch.scale.tasks import items as backfill_items

    first = record_bytes("response", "http://news.example/a", HTML, compress=compress)
    last = record_bytes("response", "http://news.example/long", LONG_PAGE, compress=compress)
    cut = {"payload": len(last) // 2, "headers": 300,
           "last bytes of the payload": len(last) - (20 if compress else 6)}[where]
    path = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    path.write_bytes(first + last[:cut])
    for items in (list(read_warc(str(path))), list(backfill_items(Partition(0, "warc", str(path))))):
        kept, cut_off = items
        assert kept.raw == HTML and "error" not in kept.meta
        assert cut_off.raw == b"" and f"{path} ends inside this record" in cut_off.meta["error"]


def test_a_cut_off_archive_is_reported_when_ingested(tmp_path: Path, db_url) -> None:
    from sqlalchemy import select

    from recruitwatch.store import repository as repo
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Document
    from recruitwatch.workflows import ingest

    last = record_bytes("response", "http://news.example/long", LONG_PAGE)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(record_bytes("response", "http://news.example/a", HTML) + last[: len(last) // 2])
    stats = ingest(str(path), url=db_url)
    assert stats.failed == 1 and f"{path} ends inside this record" in stats.errors[0]
    with sessions(db_url)() as session:
        stored = {d.locator: repo.raw_bytes(d) for d in session.scalars(select(Document))}
    assert stored["http://news.example/a"] == HTML
    assert stored.get("http://news.example/long", b"") == b""  # never a part of the page
