"""Telegram Desktop channel exports: one item per text post, text flattened, links kept."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recruitwatch.sources import SourceError
from recruitwatch.sources import telegram as telegram_module
from recruitwatch.sources.telegram import flatten_text, read_telegram

EXPORT = {
    "name": "Мигранты | Migrants news",
    "type": "public_channel",
    "id": 1234567890,
    "messages": [
        {
            "id": 1,
            "type": "service",
            "date": "2024-01-01T09:00:00",
            "action": "create_channel",
            "text": "",
        },
        {
            "id": 2,
            "type": "message",
            "date": "2024-04-18T21:15:03",
            "date_unixtime": "1713464103",
            "from": "Migrants news",
            "text": "Юсуф задержан в Москве и отправлен на фронт.",
            "views": 10543,
        },
        {
            "id": 3,
            "type": "message",
            "date": "2024-04-19T08:00:00",
            "forwarded_from": "Radio Ozodi",
            "text": [
                {"type": "bold", "text": "Срочно:"},
                " заключённых из Рыбинска вербуют. Подробности: ",
                {"type": "text_link", "text": "здесь", "href": "https://example.org/story"},
                " и ",
                {"type": "link", "text": "https://t.me/ozodi/99"},
                ". ",
                {"type": "mention", "text": "@ozodi"},
                {"type": "hashtag", "text": "#вербовка"},
            ],
            "text_entities": [],
        },
        {
            "id": 4,
            "type": "message",
            "date": "2024-04-19T09:00:00",
            "photo": "photos/p.jpg",
            "text": "",
        },
        {
            "id": 5,
            "type": "message",
            "date": "2024-04-20T10:00:00",
            "text": ["   ", {"type": "italic", "text": ""}],
        },
        {"id": 6, "type": "message", "date": "not a date", "text": "Post with a broken date"},
    ],
}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "ChatExport_2024-04-21"
    folder.mkdir()
    (folder / "result.json").write_text(
        json.dumps(EXPORT, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return folder


def test_one_item_per_text_message(export: Path) -> None:
    items = list(read_telegram(str(export / "result.json")))
    assert [item.meta["message_id"] for item in items] == [2, 3, 6]
    plain, mixed, broken_date = items
    result = (export / "result.json").resolve()
    assert plain.locator == f"{result}#2" and plain.source_kind == "telegram"
    assert plain.text == "Юсуф задержан в Москве и отправлен на фронт."
    assert plain.published == dt.date(2024, 4, 18)
    assert (
        plain.meta["channel"] == "Мигранты | Migrants news"
        and plain.meta["channel_id"] == 1234567890
    )
    assert plain.meta["views"] == 10543 and plain.meta["forwarded_from"] is None
    assert json.loads(plain.raw.decode("utf-8")) == EXPORT["messages"][1]
    assert broken_date.published is None


def test_mixed_text_is_flattened_and_links_kept(export: Path) -> None:
    mixed = list(read_telegram(str(export)))[1]
    assert mixed.text == (
        "Срочно: заключённых из Рыбинска вербуют. Подробности: здесь и https://t.me/ozodi/99. @ozodi#вербовка"
    )
    assert mixed.meta["links"] == ["https://example.org/story", "https://t.me/ozodi/99"]
    assert mixed.meta["forwarded_from"] == "Radio Ozodi"


def test_flatten_text_shapes() -> None:
    assert flatten_text("plain") == ("plain", [])
    assert flatten_text(["a", {"type": "bold", "text": "b"}, 7, None]) == ("ab", [])
    assert flatten_text(None) == ("", [])


def test_text_entities_used_when_text_is_absent(tmp_path: Path) -> None:
    export = {
        "name": "c",
        "id": 1,
        "messages": [
            {
                "id": 9,
                "type": "message",
                "date": "2024-05-01T00:00:00",
                "text_entities": [
                    {"type": "plain", "text": "from "},
                    {"type": "text_link", "text": "entities", "href": "https://e.org"},
                ],
            },
        ],
    }
    (tmp_path / "result.json").write_text(json.dumps(export), encoding="utf-8")
    (item,) = read_telegram(str(tmp_path))
    assert item.text == "from entities" and item.meta["links"] == ["https://e.org"]


def test_malformed_json_raises_after_the_good_messages(tmp_path: Path) -> None:
    text = json.dumps(EXPORT, ensure_ascii=False, indent=1)
    cut = text.index('"id": 6')
    (tmp_path / "result.json").write_text(text[:cut] + '"id": 6, "type": "mess', encoding="utf-8")
    seen = []
    with pytest.raises(SourceError, match="not a valid Telegram export .*export the channel again"):
        for item in read_telegram(str(tmp_path)):
            seen.append(item.meta["message_id"])
    assert seen == [2, 3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "expected '{'"),
        ("[1, 2]", "expected '{'"),
        ('{"name": "x", "messages": [{"id": 1}] ', "expected ','"),
        ('{"name": "x", "messages": [{"id": 1}]} trailing', "unexpected data"),
        ('{"name": "x", "chats": {"list": []}}', "no 'messages' list"),
        ('{"name": "x", "messages": {"id": 1}}', "expected '\\['"),
        (
            '{"name": "x", "messages": [{"id": 1, "text": "raw\nnewline"}]}',
            "Invalid control character",
        ),
    ],
)
def test_broken_exports_raise_source_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "result.json").write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        list(read_telegram(str(tmp_path / "result.json")))


def test_missing_export(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no Telegram export"):
        list(read_telegram(str(tmp_path)))


def test_empty_channel_yields_nothing(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_text('\ufeff{"name": "x", "messages": []}', encoding="utf-8")
    assert list(read_telegram(str(tmp_path))) == []


@settings(max_examples=40, deadline=None)
@given(chunk=st.integers(min_value=1, max_value=64), indent=st.sampled_from([None, 0, 2]))
def test_streaming_matches_whole_file_parsing(
    tmp_path_factory, chunk: int, indent: int | None
) -> None:
    # Tiny chunks cut keys, numbers, escapes and Cyrillic at every possible place.
    folder = tmp_path_factory.mktemp("stream")
    export = {
        **EXPORT,
        "messages": [
            *EXPORT["messages"],
            {
                "id": 123456,
                "type": "message",
                "date": "2024-06-01T00:00:00",
                "text": 'кавычки " и \\ слэш \u2028 end',
                "views": 1e3,
            },
        ],
    }
    (folder / "result.json").write_text(
        json.dumps(export, ensure_ascii=indent is None, indent=indent), encoding="utf-8"
    )
    expected = [
        (m["id"], flatten_text(m["text"])[0])
        for m in export["messages"]
        if m["type"] == "message" and flatten_text(m["text"])[0].strip()
    ]
    original = telegram_module.CHUNK_CHARS
    telegram_module.CHUNK_CHARS = chunk
    try:
        got = [(item.meta["message_id"], item.text) for item in read_telegram(str(folder))]
    finally:
        telegram_module.CHUNK_CHARS = original
    assert got == expected


def test_memory_stays_flat_on_a_large_export(tmp_path: Path) -> None:
    messages = [
        {
            "id": i,
            "type": "message",
            "date": "2024-01-01T00:00:00",
            "text": [f"Сообщение {i} ", {"type": "bold", "text": "x" * 300}],
        }
        for i in range(20000)
    ]
    file = tmp_path / "result.json"
    file.write_text(
        json.dumps({"name": "big", "id": 1, "messages": messages}, ensure_ascii=False),
        encoding="utf-8",
    )
    del messages
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_telegram(str(file)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 20000
    assert peak < file.stat().st_size / 2  # ~10 MB file, a few MB at most in memory


def hostile_export(folder: Path) -> Path:
    """Good posts around one nested 200,000 levels deep, one with half an emoji, one far too long."""
    deep = '{"id": 11, "type": "message", "text": ' + "[" * 200_000 + "]" * 200_000 + "}"
    tricky = 'a \\"quoted\\" [bracket] {brace} \\\\ backslash \\u005d '  # escapes the skipper must step over
    huge = '{"id": 13, "type": "message", "text": "' + tricky * 2000 + '", "more": [' + '"]", ' * 10 + "1]}"
    messages = [
        json.dumps({"id": 10, "type": "message", "date": "2024-04-18T21:15:03", "text": "Юсуф задержан."}),
        deep,
        '{"id": 12, "type": "message", "text": "Half an emoji \\ud83d here", "author": ["not", "a", "name"]}',
        huge,
        json.dumps({"id": 14, "type": "message", "text": "Forwarded.", "forwarded_from": [[["x"]]],
                    "text_entities": [], "views": {"n": 1}}),
        json.dumps({"id": 15, "type": "message", "text": "Last post."}),
    ]
    header = '{"name": "c", "about": ' + "[" * 5000 + "]" * 5000 + ', "id": 1, "messages": [\n'
    (folder / "result.json").write_text(header + ",\n".join(messages) + "]}", encoding="utf-8")
    return folder / "result.json"


@pytest.mark.parametrize("chunk", [7, 1 << 18])
def test_one_unreadable_message_costs_only_itself(tmp_path: Path, monkeypatch, chunk: int) -> None:
    monkeypatch.setattr(telegram_module, "CHUNK_CHARS", chunk)
    monkeypatch.setattr(telegram_module, "MAX_VALUE_CHARS", 20_000)
    file = hostile_export(tmp_path)
    items = list(read_telegram(str(file)))
    assert [item.meta.get("message_id") for item in items] == [10, None, 12, None, 14, 15]
    good, deep, surrogate, huge, forwarded, last = items
    assert deep.meta["error"].startswith("the message at character ") and "nested too deeply" in deep.meta["error"]
    assert "longer than 20,000 characters" in huge.meta["error"] and huge.raw == b""
    assert deep.locator.startswith(f"{file.resolve()}#character-")
    assert surrogate.text == "Half an emoji \ud83d here" and surrogate.author is None
    assert b'"Half an emoji \\ud83d here"' in surrogate.raw  # the escape the file had: UTF-8 has no bytes for it
    assert forwarded.meta["forwarded_from"] is None and forwarded.meta["views"] is None
    assert (good.meta["channel"], good.meta["channel_id"], last.text) == ("c", 1, "Last post.")


def test_an_export_with_unreadable_messages_stores_the_others(tmp_path: Path, db_url, monkeypatch) -> None:
    from sqlalchemy import select

    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Document
    from recruitwatch.workflows import ingest

    monkeypatch.setattr(telegram_module, "MAX_VALUE_CHARS", 20_000)
    hostile_export(tmp_path)
    for _ in range(2):  # a rerun neither crashes nor stores anything twice
        stats = ingest(str(tmp_path), url=db_url)
        assert stats.failed == 2 and all("it was skipped" in error for error in stats.errors)
    with sessions(db_url)() as session:
        texts = sorted(d.text for d in session.scalars(select(Document)) if d.text)
    assert texts == ["Forwarded.", "Half an emoji \ufffd here", "Last post.", "Юсуф задержан."]
