"""JSON Lines: one item per line, a bad line reported with its number, reading goes on."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from recruitwatch.sources import SourceError
from recruitwatch.sources.jsonl import parse_published, read_jsonl

DEMO = Path(__file__).resolve().parent.parent / "src" / "recruitwatch" / "demo" / "articles.jsonl"

LINES = [
    json.dumps(
        {
            "id": "a1",
            "url": "https://news.example/a1",
            "title": "Raid",
            "published": "2024-04-18",
            "text": "Юсуф задержан в Москве.",
        },
        ensure_ascii=False,
    ),
    json.dumps({"text": "No url here.", "published": "2024-04-19T23:30:00+05:00"}),
    "",
    "{not json",
    json.dumps(["a", "list"]),
    json.dumps({"title": "no text"}),
    json.dumps({"text": "Odd date.", "published": "18 April 2024", "id": 7}),
    json.dumps({"text": "Last good line.", "url": ""}),
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes("\r\n".join(LINES).encode("utf-8") + b"\n\xff\xfe broken bytes\n")
    return path


def test_good_lines_become_items_and_bad_lines_errors(corpus: Path) -> None:
    items = list(read_jsonl(str(corpus)))
    assert [item.meta["line"] for item in items] == [1, 2, 4, 5, 6, 7, 8, 9]
    first, second, not_json, a_list, no_text, odd_date, last, bad_bytes = items

    assert first.locator == "https://news.example/a1" and first.title == "Raid"
    assert first.text == "Юсуф задержан в Москве." and first.published == dt.date(2024, 4, 18)
    assert first.meta["id"] == "a1" and first.raw == LINES[0].encode("utf-8")  # no line ending
    assert first.source_kind == "jsonl"

    assert second.locator == f"{corpus}#line-2" and second.published == dt.date(2024, 4, 19)

    assert (
        "line 4 is not valid UTF-8 JSON" in not_json.meta["error"] and not_json.raw == b"{not json"
    )
    assert "line 5 is not a JSON object" in a_list.meta["error"]
    assert "line 6 has no 'text'" in no_text.meta["error"] and no_text.text is None

    assert odd_date.published is None and "unrecognised published date" in odd_date.meta["warning"]
    assert odd_date.meta["id"] == "7" and "error" not in odd_date.meta
    assert last.locator == f"{corpus}#line-8" and last.text == "Last good line."
    assert "line 9" in bad_bytes.meta["error"]


def test_gzipped_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(LINES[:2]).encode("utf-8")))
    assert [item.text for item in read_jsonl(str(path))] == [
        "Юсуф задержан в Москве.",
        "No url here.",
    ]


def test_truncated_gzip_raises_after_good_lines(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(LINES[:2]) * 50).encode("utf-8"))[:-30])
    with pytest.raises(SourceError, match="damaged"):
        list(read_jsonl(str(path)))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot open"):
        list(read_jsonl(str(tmp_path / "absent.jsonl")))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-04-18", dt.date(2024, 4, 18)),
        ("2024-04-18T10:00:00Z", dt.date(2024, 4, 18)),
        ("2024-04-18 10:00", dt.date(2024, 4, 18)),
        ("18.04.2024", None),
        (20240418, None),
        (None, None),
    ],
)
def test_published_formats(value: object, expected: dt.date | None) -> None:
    assert parse_published(value) == expected


def test_bundled_demo_corpus_reads_cleanly() -> None:
    items = list(read_jsonl(str(DEMO)))
    lines = [line for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) == len(lines) > 0
    assert not [item.meta for item in items if "error" in item.meta or "warning" in item.meta]


def test_a_line_over_the_limit_is_reported_and_read_past_without_holding_it(tmp_path: Path) -> None:
    """One 100 MB line once took 1.2 GB; now it costs a piece of PIECE_BYTES at a time."""
    import tracemalloc

    from recruitwatch.sources import jsonl

    path = tmp_path / "corpus.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"text": "before"}\n{"text": "' + b"x" * (64 << 20) + b'"}\n{"text": "after"}\n')
    tracemalloc.start()
    try:
        items = list(read_jsonl(str(path), max_line_bytes=1 << 20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    before, long, after = items
    assert (before.text, after.text) == ("before", "after") and after.meta["line"] == 3
    assert "line 2 is longer than the 1,048,576-byte limit" in long.meta["error"] and long.raw == b""
    assert peak < 8 * jsonl.PIECE_BYTES


def test_the_limit_counts_the_line_not_its_end(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    exactly = b'{"text": "' + b"y" * 88 + b'"}'  # 100 bytes
    path.write_bytes(exactly + b"\r\n" + exactly + b"z\n" + exactly)
    first, second, third = read_jsonl(str(path), max_line_bytes=100)
    assert first.text == third.text == "y" * 88 and "longer than" in second.meta["error"]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b'{"text": "deep", "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "nested too deeply"),
        (b'{"text": "big", "n": ' + b"9" * 5000 + b"}", "not valid UTF-8 JSON"),
    ],
)
def test_lines_json_cannot_decode_are_errors_not_crashes(tmp_path: Path, line: bytes, error: str) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(line + b'\n{"text": "fine", "id": [[[["not an id"]]]], "published": [1]}\n')
    bad, good = read_jsonl(str(path))
    assert f"line 1 is {error}" in bad.meta["error"] and bad.raw == line
    assert good.text == "fine" and "id" not in good.meta and "of type list" in good.meta["warning"]
