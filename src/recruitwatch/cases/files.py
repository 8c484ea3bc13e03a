"""Files sent with an appeal: a short allowlist of types, checked by their first bytes, and a size limit.

The type a browser declares comes from the file's name, so a program renamed
`.pdf` is declared a PDF; the content decides. A file is taken only when its
first bytes match the declared type (JPEG, PNG, PDF, UTF-8 plain text, an Ogg voice
recording or an MP4 video: relatives send voice and video messages).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata

from .workflow import CaseError

MEGABYTE = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 5 * MEGABYTE
MAX_FILES = 3
MAX_NAME = 200
ALLOWED_TYPES = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
    "text/plain": (".txt",),
    "audio/ogg": (".ogg", ".oga", ".opus"),  # voice notes (Telegram's are Opus in Ogg)
    "video/mp4": (".mp4", ".m4v"),  # video messages
}
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png", "audio/opus": "audio/ogg",
            "application/ogg": "audio/ogg"}
_UNDECLARED = ("", "application/octet-stream")
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
    (b"OggS", "audio/ogg"),
)
# Bytes that start executables, archives and office files: never plain text, whatever they decode to.
_BINARY_STARTS = (b"MZ", b"\x7fELF", b"PK\x03\x04", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!", b"\xd0\xcf\x11\xe0")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class FileRefused(CaseError):
    """A file that is not taken; `too_large` tells the web layer to answer 413."""

    def __init__(self, message: str, *, key: str, too_large: bool = False) -> None:
        super().__init__(message, key=key)
        self.too_large = too_large


def sniff(data: bytes) -> str | None:
    """The allowed type these bytes are, by their first bytes (text: valid UTF-8 without control codes)."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[4:8] == b"ftyp" and data[8:12].isascii():  # an ISO media file's first box names its brand
        return "video/mp4"
    if not data or data.startswith(_BINARY_STARTS):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else "text/plain"


def declared_type(declared: str | None, filename: str) -> str:
    """The browser's type without parameters; from the name's extension when the browser gave none."""
    media_type = (declared or "").split(";", 1)[0].strip().lower()
    media_type = _ALIASES.get(media_type, media_type)
    if media_type in _UNDECLARED:
        extension = posixpath.splitext(filename.lower())[1]
        media_type = next((t for t, exts in ALLOWED_TYPES.items() if extension in exts), media_type)
    return media_type


def check_file(filename: str, declared: str | None, data: bytes, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """The file's media type if it may be kept; FileRefused saying why otherwise."""
    if len(data) > max_bytes:
        raise FileRefused(f"{clean_name(filename)!r} is larger than {max_bytes // MEGABYTE or 1} MB", key="file_too_large", too_large=True)
    if not data:
        raise FileRefused(f"{clean_name(filename)!r} is empty", key="file_empty")
    media_type = declared_type(declared, filename)
    if media_type not in ALLOWED_TYPES:
        raise FileRefused(
            f"{clean_name(filename)!r} is of a type not taken ({media_type or 'unknown'}); "
            f"send {', '.join(ALLOWED_TYPES)}", key="file_type",
        )
    found = sniff(data)
    if found != media_type:
        raise FileRefused(
            f"{clean_name(filename)!r} says it is {media_type} but its content is {found or 'something else'}",
            key="file_mismatch",
        )
    return media_type


def clean_name(filename: str | None) -> str:
    """The name without folders or control characters, at most MAX_NAME characters (for storage and display)."""
    name = posixpath.basename((filename or "").replace("\\", "/"))
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip()
    return name[:MAX_NAME] or "file"


def download_name(filename: str, media_type: str) -> str:
    """The name a download is saved under: its extension always matches the stored type."""
    name = clean_name(filename)
    extensions = ALLOWED_TYPES.get(media_type, ())
    if extensions and posixpath.splitext(name.lower())[1] not in extensions:
        name += extensions[0]
    return name
