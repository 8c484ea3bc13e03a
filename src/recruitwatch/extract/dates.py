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

_UZ_TAIL = (
    r"(?:['’‘ʻʼ]?(?:da|dan|ga|ning|dagi|gi|i|ida|idan|ining|idagi|oyida|oyi|oyining"
    r"|да|дан|га|нинг|даги|ги|и|ида|идан|ининг|идаги"
    # Kyrgyz and Kazakh: a possessive then a locative (августунда, январында, мартында)
    r"|ында|инде|унда|үндө|нда|нде|ынан|инен|унан|үнөн))?"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    start: int
    end: int


def trie_regex(words) -> str:
    """An alternation of words as a prefix tree ("ma(?:rt|y)"), far faster for re than a flat list."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return render(trie)


@dataclass(frozen=True)
class _Grammar:
    """Everything date rules need from months.yaml, compiled once."""

    month_of: dict[str, int]  # month name (any language, any form) -> 1..12
    season_of: dict[str, str]  # season word -> season
    season_end: dict[str, int]  # season -> its last month
    absolute: list[tuple[re.Pattern, str]]
    relative: list[tuple[re.Pattern, str]]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    data = extract_data("months.yaml")
    month_of: dict[str, int] = {}
    for number, forms in data["months"].items():
        for lang_forms in forms.values():
            for form in lang_forms or ():
                month_of[str(form).lower().rstrip(".")] = int(number)
    season_of: dict[str, str] = {}
    season_end: dict[str, int] = {}
    for season, spec in ((data.get("relative") or {}).get("seasons") or {}).items():
        season_end[season] = int(spec["months"][-1])
        for key, forms in spec.items():
            if key != "months":
                season_of.update({str(f).lower(): season for f in forms or ()})
    return _Grammar(
        month_of, season_of, season_end, _absolute_patterns(data, month_of), _relative_patterns(data, month_of, season_of)
    )


def _absolute_patterns(data: dict, month_of: dict[str, int]) -> list[tuple[re.Pattern, str]]:
    month = rf"{_month_with_ending(month_of, _abbreviations(data))}(?!\w)"
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


def _month_with_ending(month_of: dict[str, int], abbreviations: frozenset[str]) -> str:
    """A month name (group `month`) with the case ending Turkic languages add (_UZ_TAIL), or an
    abbreviation (group `abbr`: "бер", "Mar", "янв"; months.yaml), which takes none: Kyrgyz "бери"
    (since) is not March."""
    full = [m for m in month_of if m not in abbreviations]
    short = [m for m in month_of if m in abbreviations]
    return rf"(?:(?P<month>{trie_regex(full)})\.?{_UZ_TAIL}|(?P<abbr>{trie_regex(short)})\.?)"


def _abbreviations(data: dict) -> frozenset[str]:
    return frozenset(str(a).lower() for a in data.get("abbreviations") or ())


def _month_name(groups: dict) -> str | None:
    name = groups.get("month") or groups.get("abbr")
    return name.lower().rstrip(".") if name else None


def _alternation(words) -> str:
    """A regex alternation of words, longest first, any space and any apostrophe variant."""
    escaped = (re.escape(str(w)).replace("\\ ", r"\s+").replace("'", "['’‘ʻʼ`]") for w in words)
    return "|".join(sorted(escaped, key=len, reverse=True))


def _relative_patterns(data: dict, month_of: dict[str, int], season_of: dict[str, str]) -> list[tuple[re.Pattern, str]]:
    """Dates counted back from the article: 'last October', 'в прошлом месяце', 'o'tgan yil dekabrida'."""
    rel = data.get("relative") or {}
    last = _alternation(w for forms in (rel.get("last") or {}).values() for w in forms or ())
    this = _alternation(w for forms in (rel.get("this") or {}).values() for w in forms or ())
    month_words = _alternation(w for forms in (rel.get("month_words") or {}).values() for w in forms or ())
    year_words = _alternation(w for forms in data["year_words"].values() for w in forms or ())
    seasons = _alternation(season_of)
    month = _month_with_ending(month_of, _abbreviations(data))
    f = re.IGNORECASE
    b, e = r"(?<!\w)", r"(?!\w)"
    return [
        # last October / o'tgan yil dekabr oyida / в октябре прошлого года
        (re.compile(rf"{b}(?:{last})\s+(?:(?:{year_words})\w*\s+)?{month}(?:\s+(?:oy|ой)\w*)?{e}", f), "last_month_name"),
        (re.compile(rf"{b}(?:в|во)?\s*{month}\s+(?:{last})\s+(?:{year_words}){e}", f), "month_last_year"),
        # last month / в прошлом месяце / o'tgan oy
        (re.compile(rf"{b}(?:в\s+|во\s+)?(?:{last})\s+(?:{month_words}){e}", f), "last_month"),
        # last autumn / прошлой осенью / o'tgan yilning kuzida
        (re.compile(rf"{b}(?:{last})\s+(?:{seasons}){e}", f), "last_season"),
        # last year / в прошлом году / o'tgan yili; this year
        (re.compile(rf"{b}(?:в\s+)?(?:{last})\s+(?:{year_words}){e}", f), "last_year"),
        (re.compile(rf"{b}(?:в\s+)?(?:{this})\s+(?:{year_words}){e}", f), "this_year"),
        # in March / в марте / mart oyida: the latest such month not after the article
        (re.compile(rf"{b}(?:in|в|во)\s+{month}{e}(?!\s*,?\s*\d)", f), "month_only"),
        (re.compile(rf"{b}{month}\s+(?:oy|ой)(?:ida|ида|da|да){e}", f), "month_only"),
    ]


def _relative_value(m: re.Match, kind: str, published: dt.date, grammar: _Grammar) -> str | None:
    groups = m.groupdict()
    name = _month_name(groups)
    month = grammar.month_of.get(name) if name else None
    year = published.year
    if kind == "last_month_name":
        text = m.group().lower()
        said_year = any(w in text for w in ("yil", "йил", "год", "year"))
        if said_year:
            return f"{year - 1:04d}-{month:02d}"
        return f"{year if month < published.month else year - 1:04d}-{month:02d}"
    if kind == "month_last_year":
        return f"{year - 1:04d}-{month:02d}"
    if kind == "last_month":
        y, mth = (year, published.month - 1) if published.month > 1 else (year - 1, 12)
        return f"{y:04d}-{mth:02d}"
    if kind == "last_season":
        season = next((v for k, v in grammar.season_of.items() if k in m.group().lower()), None)
        last_month = grammar.season_end.get(season or "", 12)
        said_year = any(w in m.group().lower() for w in ("yil", "йил"))
        return f"{year - 1 if said_year or published.month <= last_month else year:04d}"
    if kind == "last_year":
        return f"{year - 1:04d}"
    if kind == "this_year":
        return f"{year:04d}"
    if kind == "month_only":
        return f"{year if month <= published.month else year - 1:04d}-{month:02d}"
    return None


WAR_START = dt.date(2022, 2, 24)  # the full-scale war: recruitment for it is reported from then on


def date_span(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a YYYY, YYYY-MM or YYYY-MM-DD value can mean; None if it is no date."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            day = dt.date(*parts)
            return day, day
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            return first, dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    except (ValueError, TypeError):
        return None


def could_date_incident(value: str, published: dt.date | None) -> bool:
    """Whether a date can be when an incident of recruitment for the war happened: not wholly
    before the full-scale war ("since 2011", "in January 2022"), not its first day (the invasion's
    date, which reports give as background), not after the report ("in 2025" of a 2024 article is
    a plan or a deadline)."""
    span = date_span(value)
    if span is None:
        return False
    first, last = span
    if first == last == WAR_START:
        return False  # "since the invasion began on 24 February 2022": the war's own date, background
    return last >= WAR_START and (published is None or first <= published)


def find_dates(text: str, published: dt.date | None = None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date mentions in text[start:end], earliest offset first, no overlaps."""
    end = len(text) if end is None else end
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    grammar = _grammar()
    for pattern, kind in grammar.absolute:
        for m in pattern.finditer(text, start, end):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            value = _value(m, kind, grammar.month_of, published)
            if value:
                found.append(DateMention(value, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    if published is not None:
        for pattern, kind in grammar.relative:
            for m in pattern.finditer(text, start, end):
                if any(m.start() < b and a < m.end() for a, b in taken):
                    continue
                value = _relative_value(m, kind, published, grammar)
                if value:
                    found.append(DateMention(value, m.start(), m.end()))
                    taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _value(m: re.Match, kind: str, month_of: dict[str, int], published: dt.date | None) -> str | None:
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if groups.get("mnum"):
        month = int(groups["mnum"])
    else:
        name = _month_name(groups)
        month = month_of.get(name) if name else None
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
