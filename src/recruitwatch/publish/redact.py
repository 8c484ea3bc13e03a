"""What the public may see of people: names, phone and passport numbers, e-mail and street addresses
taken out of text; counts under a threshold suppressed; dates coarsened.

Pure functions; the web layer applies them to everything shown to people
without a staff role (public pages, the API without a token, exports).
Thresholds come from settings (`RECRUITWATCH_PUBLIC_MIN_COUNT`,
`RECRUITWATCH_PUBLIC_DATE_PRECISION`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

NAME = "[name withheld]"
PHONE = "[phone withheld]"
PASSPORT = "[document number withheld]"
EMAIL = "[e-mail withheld]"
ADDRESS = "[address withheld]"
UNPUBLISHED_SOURCE = "unpublished source"  # what the public sees of a file, an export or an archive: never its path

# International or local phone numbers: 7+ digits with the usual separators (+998 90 123-45-67, 8 (916) 123 45 67).
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().-]{6,}\d(?!\w)")
# Passport-like numbers: two Latin or Cyrillic capitals and 7 digits (Uzbek, Tajik, Kyrgyz passports),
# or Russian "45 12 345678" / "4512 345678" series and number.
_PASSPORT = re.compile(r"\b[A-ZА-ЯЁ]{2}\s?\d{7}\b|\b\d{2}\s?\d{2}\s?\d{6}\b")
_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$|^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# A street address: a street word with a name and a house number, in Russian, Uzbek or English.
_ADDRESS = re.compile(
    r"(?:(?<!\w)(?:ул\.|улица|пр-т|проспект|пер\.|переулок|д\.|дом|кв\.)\s*[\w\-., ]{0,40}?\d+[\w/]*)"
    r"|(?:\b(?:[\w'ʻ’-]+\s+){1,2}(?:ko['ʻ’]chasi|mahallasi|tor ko['ʻ’]cha)\s*,?\s*\d+[\w/]*)"
    r"|(?:\b\d+[\w/]*\s+[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?\s+(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Lane)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Policy:
    min_count: int = 3  # counts from 1 to min_count - 1 are shown as "fewer than min_count"
    date_precision: str = "month"  # day | month | year

    @classmethod
    def from_environment(cls) -> Policy:
        raw_count = os.environ.get("RECRUITWATCH_PUBLIC_MIN_COUNT", "3")
        precision = os.environ.get("RECRUITWATCH_PUBLIC_DATE_PRECISION", "month")
        if not raw_count.isdigit() or precision not in ("day", "month", "year"):
            raise ValueError(
                "RECRUITWATCH_PUBLIC_MIN_COUNT must be a whole number and "
                "RECRUITWATCH_PUBLIC_DATE_PRECISION one of day, month, year"
            )
        return cls(int(raw_count), precision)


def redact_text(text: str | None, names: Iterable[str] = ()) -> str | None:
    """The text without the given names (whole or any part of three letters or more) and contact details."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    parts = sorted({p for name in names for p in [name, *name.split()] if len(p) >= 3}, key=len, reverse=True)
    for part in parts:
        text = re.sub(rf"(?<!\w){re.escape(part)}\w*", NAME, text, flags=re.IGNORECASE)
    text = _PASSPORT.sub(PASSPORT, text)
    text = _ADDRESS.sub(ADDRESS, text)
    return _PHONE.sub(_phone, text)


def _phone(match: re.Match) -> str:
    found = match.group()
    if sum(c.isdigit() for c in found) < 7 or _DATE.match(found.strip()):
        return found
    return PHONE


def coarsen_date(value: str | None, precision: str) -> str | None:
    """A YYYY-MM-DD, YYYY-MM or YYYY date cut to `precision` (never made more precise)."""
    if not value:
        return value
    keep = {"day": 10, "month": 7, "year": 4}[precision]
    return value[:keep]


def suppress(count: int, policy: Policy) -> int | None:
    """None for a count so small it could point at a person; 0 and larger counts pass."""
    return None if 0 < count < policy.min_count else count


def public_fields(fields: dict, policy: Policy) -> dict:
    """An incident's contract fields as the public may see them: no names, a coarser date."""
    out = dict(fields)
    out["victim_names"] = []
    out.pop("victim_details", None)  # names, ages and home towns of the victims
    out["date"] = coarsen_date(out.get("date"), policy.date_precision)
    return out


def coarsen_published(value: dt.date | str | None, precision: str) -> str | None:
    """A source's publication date (a date or an ISO string) as text no finer than `precision`."""
    if value is None or value == "":
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    return coarsen_date(text, precision)


def public_url(url: str | None, names: Iterable[str] = ()) -> str | None:
    """A source's web address if it is one and names nobody (slugs often carry the subject's name
    or a phone number); None otherwise. Local paths and other schemes never pass."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    readable = re.sub(r"[-_+/.=&?#]+", " ", unquote(url))
    return url if redact_text(readable, names) == readable else None


def public_outlet(url: str | None) -> str:
    """A source's outlet as the public may see it: the host of a web address, else a fixed word."""
    if url:
        try:
            host = (urlsplit(url).hostname or "").rstrip(".").removeprefix("www.")
        except ValueError:
            host = ""
        if host:
            return host
    return UNPUBLISHED_SOURCE


PUBLIC_SOURCE_KEYS = ("id", "url", "locator", "title", "published", "language", "outlet", "grade", "credibility")


def public_source(source: Mapping, names: Iterable[str], policy: Policy) -> dict:
    """One source of an incident as the public may see it (pages, API, exports).

    A whitelist: its web address (only if published on the web and naming nobody), the
    outlet's host, a redacted title of a web page, a coarsened date, the language and the
    outlet's grade and the document's credibility (never their notes). A file's path or name never leaves the server: it can name the person
    ("<name> - statement, tel …") or the server's folders.
    """
    names = list(names)
    web = source.get("url") if str(source.get("url") or "").lower().startswith(("http://", "https://")) else None
    url = public_url(web, names)
    outlet = public_outlet(web)
    out = {key: source[key] for key in ("id", "language", "grade", "credibility") if key in source}
    out.update(
        url=url,
        outlet=outlet,
        locator=url or outlet,
        title=redact_text(source.get("title"), names) if web else None,
        published=coarsen_published(source.get("published"), policy.date_precision),
    )
    return out
