"""Reading a posted form with limits enforced while the bytes arrive: too much is refused at once (413).

Starlette's form parser has no limit on a file's size and spools large files
to a temporary file on disk. Here the body is counted as it streams in and
each file part is counted as it is parsed, so an oversized upload stops at
the limit instead of after it was read; and files stay in memory (at most the
limit), so nobody's photo or document is ever written to disk in clear.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import FormData, Headers
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser


class TooLarge(Exception):
    """The body, a file or a field is larger than allowed."""


class BadForm(Exception):
    """Not a form, or a malformed one."""


@dataclass(frozen=True)
class FormLimits:
    max_files: int
    max_file_bytes: int
    max_field_bytes: int = 64 * 1024  # a 10,000-character story in any script fits
    max_fields: int = 40

    @property
    def max_body(self) -> int:
        return self.max_files * self.max_file_bytes + self.max_fields * self.max_field_bytes // 4 + 64 * 1024


class _Parser(MultiPartParser):
    """Starlette's multipart parser, counting each part's bytes as they come and keeping files in memory."""

    def __init__(self, headers: Headers, stream: AsyncIterator[bytes], limits: FormLimits) -> None:
        super().__init__(headers, stream, max_files=limits.max_files, max_fields=limits.max_fields,
                         max_part_size=limits.max_field_bytes)
        self.spool_max_size = limits.max_file_bytes + 1  # never rolls over to disk: larger parts are refused
        self._limits = limits
        self._part_bytes = 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._part_bytes = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._part_bytes += end - start
        is_file = self._current_part.file is not None
        if self._part_bytes > (self._limits.max_file_bytes if is_file else self._limits.max_field_bytes):
            raise TooLarge()
        super().on_part_data(data, start, end)


async def _counted(request: Request, limit: int) -> AsyncIterator[bytes]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise TooLarge()
        yield chunk


async def read_form(request: Request, limits: FormLimits) -> FormData:
    """The posted form (multipart or urlencoded); TooLarge or BadForm when it cannot be taken."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body:
        raise TooLarge()
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    stream = _counted(request, limits.max_body)
    try:
        if content_type == "multipart/form-data":
            return await _Parser(request.headers, stream, limits).parse()
        if content_type == "application/x-www-form-urlencoded":
            return await FormParser(request.headers, stream).parse()
    except MultiPartException as exc:
        if "Too many" in exc.message:
            raise TooLarge() from None
        raise BadForm(exc.message) from None
    raise BadForm("send the form as multipart/form-data")


class ParsedRequest:
    """A request whose form was already read: lets deps.checked_form check its CSRF token."""

    def __init__(self, request: Request, form: FormData) -> None:
        self.cookies = request.cookies
        self._form = form

    async def form(self) -> FormData:
        return self._form
