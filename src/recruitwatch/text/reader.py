"""Read one input (a file path or '-' for stdin) into the text we analyse."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from ..errors import InputError
from .decode import MAX_BYTES, decode_bytes
from .html import html_to_page, looks_like_html


@dataclass(frozen=True)
class InputText:
    source: str
    text: str
    encoding: str
    title: str | None = None
    date: str | None = None


def read_bytes(source: str) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            size = os.path.getsize(source)
        except FileNotFoundError:
            raise InputError(f"{source}: no such file") from None
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror})") from None
        if os.path.isdir(source):
            raise InputError(f"{source}: is a directory; give the files in it")
        if size > MAX_BYTES:
            raise InputError(f"{source}: {size // (1024 * 1024)} MB is larger than the {MAX_BYTES // (1024 * 1024)} MB limit")
        try:
            with open(source, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror})") from None
    return data


def text_from_bytes(data: bytes, source: str) -> InputText:
    text, encoding = decode_bytes(data, name=source)
    if "\r" in text:  # each replace copies the text: only when needed, huge inputs are common
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if looks_like_html(text):
        page = html_to_page(text)
        return InputText(source, page.text, encoding, page.title, page.date)
    return InputText(source, text, encoding)


def read_input(source: str) -> InputText:
    data = read_bytes(source)
    try:
        return text_from_bytes(data, source)
    finally:
        del data
