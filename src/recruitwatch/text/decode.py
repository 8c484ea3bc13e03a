"""Bytes in, text out: detect the encoding of whatever a source hands us."""

from __future__ import annotations

import codecs

from ..errors import InputError

MAX_BYTES = 64 * 1024 * 1024  # larger inputs are refused, not truncated silently
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings that news in our languages actually arrives in, besides UTF-8.
_LEGACY = ("cp1251", "koi8_r", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5", "cp1252")


_CONTROL = bytes(b for b in range(32) if b < 9 or 13 < b < 32)


def looks_binary(data: bytes) -> bool:
    """True for images, archives, executables: many control bytes, or NULs outside UTF-16."""
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL))  # counted in C, not byte by byte
    return control / len(sample) > 0.05


def decode_bytes(data: bytes, *, name: str = "input") -> tuple[str, str]:
    """Return (text, encoding). Raises InputError for binary or oversized input."""
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{name}: {len(data) // (1024 * 1024)} MB is larger than the {MAX_BYTES // (1024 * 1024)} MB limit"
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    if looks_binary(data):
        raise InputError(f"{name}: binary data, not text (an image, archive or executable?)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect_legacy(data)
    if encoding:
        return data.decode(encoding, errors="replace"), encoding
    # Mostly UTF-8 with a few broken bytes: keep what is readable.
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


def _detect_legacy(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=list(_LEGACY)).best()
    if best is None:
        return None
    if best.encoding in ("cp1251", "koi8_r", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5"):
        return best.encoding
    return _cyrillic_vote(data) or best.encoding


def _cyrillic_vote(data: bytes) -> str | None:
    """cp1251 and KOI8-R both decode any byte; pick the one giving real Russian letters."""
    common = set("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэф")
    best, best_score = None, 0.0
    sample = data[:50_000]
    for encoding in ("cp1251", "koi8_r"):
        text = sample.decode(encoding, errors="replace")
        letters = [c for c in text if c.isalpha()]
        if not letters:
            continue
        score = sum(c in common for c in letters) / len(letters)
        if score > best_score:
            best, best_score = encoding, score
    return best if best_score > 0.6 else None
