"""Telegram Desktop channel exports (`result.json`): one item per post.

Exports of busy channels run to gigabytes, so the file is streamed: the
top-level object is read key by key, and the `messages` array one message at
a time (the standard json module decodes each message), so memory holds one
message, not the channel. Telegram writes `name`, `type` and `id` before
`messages`; keys written after it are not seen by items already yielded.

A message's `text` is a string or a list mixing strings and entity objects
({"type": "bold"|"link"|"text_link"|…, "text": …, "href": …}); it is
flattened to plain text and the links are kept in `meta["links"]`.

One bad message costs only itself: a value nested too deeply for the decoder,
or longer than MAX_VALUE_CHARS, is stepped over without being decoded (or
held) and becomes an item with `meta["error"]` naming where it began; the
messages after it are read as usual. A lone surrogate ("\\ud83d", half an
emoji) is kept in the item's raw bytes as the escape the file had (the
pipeline replaces it in the text). The file itself has no size limit:
memory holds a chunk and one message.
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
MAX_VALUE_CHARS = 16 << 20  # a message is a few KB: one of more than this is a broken file, not a post
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_OUTSIDE_STRING = re.compile(r'[^"\[\]{}]*')
_INSIDE_STRING = re.compile(r'[^"\\]*')
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_DECODER = json.JSONDecoder()


class _Malformed(Exception):
    """Raised inside the stream reader; turned into a SourceError naming the file."""


class _Unreadable(Exception):
    """One message that could not be read (the stream is past it); `where` ends its locator."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(message)
        self.where = where


@register("telegram")
def read_telegram(path: str) -> Iterator[SourceItem]:
    """Yield each text message of a channel export; `path` is result.json or its folder."""
    file = _export_file(path)
    locator = str(file)
    try:
        with file.open(encoding="utf-8-sig") as handle:
            for channel, message in _messages(_JsonStream(handle)):
                item = _error_item(message, locator) if isinstance(message, _Unreadable) else \
                    _message_item(message, channel, locator)
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
    message_id = _scalar(message.get("id"))
    # Only plain values: a field holding a structure has no meaning here, and a deep one could not be stored.
    meta = {
        "channel": _scalar(channel.get("name")),
        "channel_id": _scalar(channel.get("id")),
        "message_id": message_id,
        "date": _scalar(message.get("date")),
        "views": _scalar(message.get("views")),
        "forwarded_from": _scalar(message.get("forwarded_from")),
        "links": links,
    }
    try:
        raw = _LONE_SURROGATE.sub(_escape, json.dumps(message, ensure_ascii=False)).encode("utf-8")
    except RecursionError:  # decoded, but too deep to write again from further down the stack
        return _error_item(_Unreadable(f"message {message_id} is nested too deeply to read", str(message_id)), locator)
    author = message.get("author")  # the signature, on channels that sign posts
    return SourceItem(
        source_kind="telegram",
        locator=f"{locator}#{message_id}",
        raw=raw,
        fetched_at=utcnow(),
        text=text,
        published=_date(message.get("date")),
        author=author if isinstance(author, str) and author else None,
        meta=meta,
    )


def _error_item(unreadable: _Unreadable, locator: str) -> SourceItem:
    return SourceItem(
        source_kind="telegram",
        locator=f"{locator}#{unreadable.where}",
        raw=b"",
        fetched_at=utcnow(),
        meta={"error": str(unreadable)},
    )


def _scalar(value: Any) -> str | int | float | bool | None:
    return value if isinstance(value, str | int | float | bool) else None


def _escape(match: re.Match) -> str:
    """A lone surrogate as the JSON escape it was in the file (UTF-8 has no bytes for it)."""
    return f"\\u{ord(match.group()):04x}"


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
        if isinstance(href, str) and href and href not in links:
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
                try:
                    header[key] = stream.value()
                except _Unreadable:
                    header[key] = None
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
        try:
            value = stream.value()
        except _Unreadable as exc:
            value = exc
        yield value
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
        """Decode the next JSON value, reading more of the file until it is complete.

        A value too deep for the decoder, or longer than MAX_VALUE_CHARS, is stepped over
        and raises `_Unreadable`.
        """
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
                # A value ending exactly at the buffer's end may be cut ("12" of "123").
                if end - self.pos > MAX_VALUE_CHARS:  # whole in one chunk: over the limit all the same
                    raise self._skip(f"is longer than {MAX_VALUE_CHARS:,} characters")
                if end < len(self.buf) or self.eof:
                    self.pos = end
                    return value
            except RecursionError:
                raise self._skip("is nested too deeply to read") from None
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - 16
                if self.eof or not cut:
                    raise _Malformed(f"{exc.msg} at character {self.offset + exc.pos}") from None
                if len(self.buf) - self.pos > MAX_VALUE_CHARS:
                    raise self._skip(f"is longer than {MAX_VALUE_CHARS:,} characters") from None
            self._more()

    def _skip(self, why: str) -> _Unreadable:
        """Step over the array, object or string at `pos` without decoding it, a chunk at a time."""
        start = self.where()
        unreadable = _Unreadable(f"the message at character {start} {why}; it was skipped", f"character-{start}")
        if self.buf[self.pos] not in '[{"':
            raise _Malformed(f"a value at character {start} {why}")
        depth, in_string = 0, False
        while True:
            if self.pos >= len(self.buf) and not self._more():
                raise _Malformed(f"the file ends inside the value at character {start}")
            if in_string:
                self.pos = _INSIDE_STRING.match(self.buf, self.pos).end()
                if self.pos >= len(self.buf):
                    continue
                if self.buf[self.pos] == "\\":
                    if self.pos + 1 >= len(self.buf) and not self._more():
                        raise _Malformed(f"the file ends inside the value at character {start}")
                    self.pos += 2  # the backslash and the character it escapes
                    continue
                self.pos += 1  # the closing quote
                in_string = False
            else:
                self.pos = _OUTSIDE_STRING.match(self.buf, self.pos).end()
                if self.pos >= len(self.buf):
                    continue
                char = self.buf[self.pos]
                self.pos += 1
                if char == '"':
                    in_string = True
                    continue
                depth += 1 if char in "[{" else -1
            if depth == 0:
                return unreadable
