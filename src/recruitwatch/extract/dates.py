"""Dates in text: full, day-month, month-year and year expressions in en/ru/uz/tg/ky.

Month names come from data/months.yaml. A day and month without a year is
resolved with the article's publication date (the latest such date not after
it); without one it gives no date, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .data_files import extract_data

_UZ_TAIL = r"(?:['’‘ʻʼ]?(?:da|dan|ga|ning|dagi|gi|i|ida|idan|ining|idagi|oyida|oyi|oyining))?"


@dataclass(frozen=True, slots=True)
class DateMention:
    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    start: int
    end: int


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str]]:
    data = extract_data("months.yaml")
    month_of: dict[str, int] = {}
    for number, forms in data["months"].items():
        for lang_forms in forms.values():
            for form in lang_forms or ():
                month_of[str(form).lower().rstrip(".")] = int(number)
    _patterns.month_of = month_of  # type: ignore[attr-defined]
    names = "|".join(sorted((re.escape(m) for m in month_of), key=len, reverse=True))
    month = rf"(?P<month>{names})\.?{_UZ_TAIL}(?!\w)"
    year_words = sorted(
        {str(w).lower() for forms in data["year_words"].values() for w in forms or ()}, key=len, reverse=True
    )
    yw = "|".join(re.escape(w) for w in year_words)
    year = r"(?P<year>(?:19|20)\d{2})"
    day = r"(?P<day>[0-3]?\d)"
    flags = re.IGNORECASE
    return [
        (re.compile(rf"(?<![\d.]){day}\.(?P<mnum>[01]?\d)\.{year}(?![\d.]\d)"), "dmy"),
        (re.compile(rf"(?<!\d){year}-(?P<mnum>[01]\d)-{day}(?!\d)"), "ymd"),
        # 2023-yil 24-noyabrda / 2023 йил 24 ноябрда / 2024-yil martida
        (re.compile(rf"(?<!\d){year}\s*-?\s*(?:{yw})\w*\.?,?\s+(?:{day}\s*-?\s*)?{month}", flags), "y_dm"),
        # 24 November 2023 / 24 ноября 2023 года / 24-noyabr 2023-yil / 12-oktyabrda
        (re.compile(rf"(?<![\d.]){day}(?:st|nd|rd|th)?\s*-?\s*(?:of\s+)?{month}(?:,?\s+{year})?", flags), "dm_y"),
        # November 24, 2023 / October 12
        (re.compile(rf"(?<!\w){month}\s+{day}(?:st|nd|rd|th)?(?!\d)(?:,?\s+{year})?", flags), "md_y"),
        # March 2024 / в марте 2024 года / mart 2024
        (re.compile(rf"(?<!\w){month}\s*,?\s+(?:of\s+)?{year}(?!\d)", flags), "m_y"),
        # 2024 / в 2024 году / 2024-yilda (a bare year needs a year word or a preposition)
        (re.compile(rf"(?<![\d,.]){year}\s*-?\s*(?:{yw})(?!\w)", flags), "y"),
        (re.compile(rf"(?<!\w)(?:in|since|of|during|в|во|с|до|к)\s+(?:the\s+)?(?:(?:early|late|mid|spring|summer|autumn|fall|winter)\s+(?:of\s+)?)?{year}(?![\d,])", flags), "y"),
        (re.compile(rf"(?<!\w)(?:весной|летом|осенью|зимой|начале|конце|середине)\s+{year}(?!\d)", flags), "y"),
    ]


def find_dates(text: str, published: dt.date | None = None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date mentions in text[start:end], earliest offset first, no overlaps."""
    end = len(text) if end is None else end
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    patterns = _patterns()
    month_of = _patterns.month_of  # type: ignore[attr-defined]
    for pattern, kind in patterns:
        for m in pattern.finditer(text, start, end):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            value = _value(m, kind, month_of, published)
            if value:
                found.append(DateMention(value, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _value(m: re.Match, kind: str, month_of: dict[str, int], published: dt.date | None) -> str | None:
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if groups.get("mnum"):
        month = int(groups["mnum"])
    elif groups.get("month"):
        month = month_of.get(groups["month"].lower().rstrip("."))
    else:
        month = None
    day = int(groups["day"]) if groups.get("day") else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and month is not None and not _valid_day(year or 2024, month, day):
        return None
    if year is None:
        if month is None or published is None:
            return None
        year = published.year
        if (month, day or 1) > (published.month, published.day):
            year -= 1
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True
