"""Telegram Desktop channel exports (`result.json`): one item per post.

Exports of busy channels run to gigabytes, so the file is streamed: the
top-level object is read key by key, and the `messages` array one message at
a time (the standard json module decodes each message), so memory holds one
message, not the channel. Telegram writes `name`, `type` and `id` before
`messages`; keys written after it are not seen by items already yielded.

A message's `text` is a string or a list mixing strings and entity objects
({"type": "bold"|"link"|"text_link"|…, "text": …, "href": …}); it is
flattened to plain text and the links are kept in `meta["links"]`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .base import SourceError, SourceItem, register, utcnow

CHUNK_CHARS = 1 << 18
MAX_MESSAGE_CHARS = 64 << 20  # one message larger than this is a broken file, not a post
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _Malformed(Exception):
    """Raised inside the stream reader; turned into a SourceError naming the file."""


@register("telegram")
def read_telegram(path: str) -> Iterator[SourceItem]:
    """Yield each text message of a channel export; `path` is result.json or its folder."""
    file = _export_file(path)
    locator = str(file)
    try:
        with file.open(encoding="utf-8-sig") as handle:
            for channel, message in _messages(_JsonStream(handle)):
                item = _message_item(message, channel, locator)
                if item is not None:
                    yield item
    except _Malformed as exc:
        raise SourceError(
            f"{file} is not a valid Telegram export ({exc}); export the channel again from Telegram Desktop as JSON"
        ) from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{file} is not UTF-8 JSON ({exc.reason}); export it again from Telegram Desktop as JSON"
        ) from None
    except OSError as exc:
        raise SourceError(
            f"cannot read {file} ({exc.strerror or exc}); check the path and permissions"
        ) from None


def _export_file(path: str) -> Path:
    file = Path(path).expanduser()
    if file.is_dir():
        file = file / "result.json"
    if not file.is_file():
        raise SourceError(
            f"no Telegram export at {file}; give the export's result.json or its folder"
        )
    return file.resolve()


def _message_item(message: Any, channel: dict, locator: str) -> SourceItem | None:
    if not isinstance(message, dict) or message.get("type") != "message":
        return None
    text, links = flatten_text(message.get("text", message.get("text_entities", "")))
    if not text.strip():
        return None  # photos, stickers, polls without a caption: nothing to read
    message_id = message.get("id")
    meta = {
        "channel": channel.get("name"),
        "channel_id": channel.get("id"),
        "message_id": message_id,
        "date": message.get("date"),
        "views": message.get("views"),
        "forwarded_from": message.get("forwarded_from"),
        "links": links,
    }
    return SourceItem(
        source_kind="telegram",
        locator=f"{locator}#{message_id}",
        raw=json.dumps(message, ensure_ascii=False).encode("utf-8"),
        fetched_at=utcnow(),
        text=text,
        published=_date(message.get("date")),
        author=message.get("author") or None,  # the signature, on channels that sign posts
        meta=meta,
    )


def flatten_text(value: Any) -> tuple[str, list[str]]:
    """Telegram's `text` (string, or list of strings and entity objects) as (plain text, links)."""
    if isinstance(value, str):
        return value, []
    parts: list[str] = []
    links: list[str] = []
    for part in value if isinstance(value, list) else []:
        if isinstance(part, str):
            parts.append(part)
            continue
        if not isinstance(part, dict):
            continue
        text = part.get("text") if isinstance(part.get("text"), str) else ""
        parts.append(text)
        kind = part.get("type")
        href = part.get("href") if kind == "text_link" else text if kind == "link" else None
        if href and href not in links:
            links.append(href)
    return "".join(parts), links


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None


# ---------------------------------------------------------------- streaming JSON


def _messages(stream: _JsonStream) -> Iterator[tuple[dict, Any]]:
    """Walk the top-level object; yield (keys seen so far, message) for each element of `messages`."""
    header: dict = {}
    seen_messages = False
    stream.expect("{")
    if stream.peek() == "}":
        stream.pos += 1
    else:
        while True:
            key = stream.value()
            if not isinstance(key, str):
                raise _Malformed(f"expected a key at character {stream.where()}")
            stream.expect(":")
            if key == "messages":
                seen_messages = True
                yield from ((header, message) for message in _array(stream))
            else:
                header[key] = stream.value()
            if stream.separator("}"):
                break
    if stream.peek():
        raise _Malformed(f"unexpected data after the export at character {stream.where()}")
    if not seen_messages:
        raise _Malformed(
            "it has no 'messages' list (a whole-account export? export a single channel)"
        )


def _array(stream: _JsonStream) -> Iterator[Any]:
    stream.expect("[")
    if stream.peek() == "]":
        stream.pos += 1
        return
    while True:
        yield stream.value()
        if stream.separator("]"):
            return


class _JsonStream:
    """A text file read in chunks, with `pos` the next unread character of `buf`."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.buf = ""
        self.pos = 0
        self.offset = 0  # characters dropped from the front of buf
        self.eof = False

    def where(self) -> int:
        return self.offset + self.pos

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.handle.read(CHUNK_CHARS)
        if not data:
            self.eof = True
            return False
        self.offset += self.pos
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character, without consuming it; "" at the end."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise _Malformed(
                f"expected {char!r} at character {self.where()}, found {found or 'the end'!r}"
            )
        self.pos += 1

    def separator(self, closer: str) -> bool:
        """Consume "," (False: more follows) or `closer` (True: done)."""
        found = self.peek()
        if found in (",", closer) and found:
            self.pos += 1
            return found == closer
        raise _Malformed(
            f"expected ',' or {closer!r} at character {self.where()}, found {found or 'the end'!r}"
        )

    def value(self) -> Any:
        """Decode the next JSON value, reading more of the file until it is complete."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
                # A value ending exactly at the buffer's end may be cut ("12" of "123").
                if end < len(self.buf) or self.eof:
                    self.pos = end
                    return value
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - 16
                if self.eof or not cut or len(self.buf) - self.pos > MAX_MESSAGE_CHARS:
                    raise _Malformed(f"{exc.msg} at character {self.offset + exc.pos}") from None
            self._more()
