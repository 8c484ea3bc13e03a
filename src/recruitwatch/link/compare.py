"""Two incident mentions compared field by field: the agreement pattern that linking weighs.

Each comparison gives a *level* (the name agrees in full, the dates are within
a month, the nationality is missing on one side...). `link/weights.py` turns
levels into Fellegi-Sunter log-odds; `link/incidents.py` adds the rules no
weight may outvote. Pure: two contract records in, levels out.
"""

from __future__ import annotations

import datetime as dt
import re

from ..extract.dates import date_span
from ..text.namekeys import parse_name
from .names import common_name, name_match

CLOSE_DAYS = 30  # reports of one event usually date it within a month of each other
DATE_WINDOW_DAYS = 90  # and nearly always within a season (raid, signing, death, funeral)
AGE_SLACK = 1  # years: "aged 35" in March, "36-year-old" in May
AGE_VETO = 5  # years apart beyond which two ages are two people, not a misprint or a birthday
# Regions that reports of one incident name interchangeably: Moscow and its oblast,
# St Petersburg and Leningrad oblast.
NEIGHBOURS = ({"RU-MOW", "RU-MOS"}, {"RU-SPE", "RU-LEN"}, {"UA-43", "UA-40"})

COMPARISONS = ("name", "nationality", "region", "date", "status", "story", "age", "home", "sentence", "count", "text")


def date_gap(a: str | None, b: str | None) -> int | None:
    """Days between two (partial) ISO dates' spans; 0 when they overlap; None when either is missing."""
    ra, rb = date_span(a), date_span(b)
    if ra is None or rb is None:
        return None
    return max((rb[0] - ra[1]).days, (ra[0] - rb[1]).days, 0)


def dates_compatible(a: str | None, b: str | None) -> bool | None:
    gap = date_gap(a, b)
    return None if gap is None else gap <= DATE_WINDOW_DAYS


def date_window(value: str | None) -> tuple[str, str] | None:
    """ISO dates between which another report's date of this incident may fall (DATE_WINDOW_DAYS)."""
    span = date_span(value)
    if span is None:
        return None
    window = dt.timedelta(days=DATE_WINDOW_DAYS)
    return (span[0] - window).isoformat(), (span[1] + window).isoformat()


def nearby_regions(regions: set[str]) -> set[str]:
    """The regions and those reported interchangeably with them (NEIGHBOURS): where a matching incident may be."""
    found = set(regions)
    for pair in NEIGHBOURS:
        if regions & pair:
            found |= pair
    return found


def regions_compatible(a: set[str], b: set[str]) -> bool | None:
    if not a or not b:
        return None
    if a & b:
        return True
    if any(a & pair and b & pair for pair in NEIGHBOURS):
        return True
    # Where he was recruited and where he fought: one says Russia, the other the front.
    if {r[:2] for r in a} != {r[:2] for r in b}:
        return None
    return False


def _jaccard(a, b) -> float:
    a, b = set(a or ()), set(b or ())
    return len(a & b) / len(a | b) if a | b else 0.0


def ages(record: dict) -> set[int]:
    return {d["age"] for d in record.get("victim_details") or () if isinstance(d.get("age"), int)}


def _details(record: dict, key: str) -> list[str]:
    return [str(d[key]) for d in record.get("victim_details") or () if d.get(key)]


def _place_skeletons(place: str) -> set[str]:
    """Consonant skeletons of a place's words (Kutch = Кутч = કચ્છ), the short ones left out."""
    return {w.skeleton for w in parse_name(place).full_words if len(w.skeleton) >= 3}


def home_level(a: dict, b: dict) -> str:
    """Do the victims come from one place? A word of the localities agreeing in any script."""
    homes_a, homes_b = _details(a, "home_locality"), _details(b, "home_locality")
    if not (homes_a and homes_b):
        return "missing"
    words_a = set().union(*(_place_skeletons(h) for h in homes_a))
    words_b = set().union(*(_place_skeletons(h) for h in homes_b))
    if not (words_a and words_b):
        return "missing"
    return "agree" if words_a & words_b else "disagree"


def sentence_level(a: dict, b: dict) -> str:
    """The same prison term, by its numbers ("6 years 8 months" = "6 лет и 8 месяцев")."""
    terms_a = {tuple(re.findall(r"\d+", t)) for t in _details(a, "sentence")} - {()}
    terms_b = {tuple(re.findall(r"\d+", t)) for t in _details(b, "sentence")} - {()}
    if not (terms_a and terms_b):
        return "missing"
    return "agree" if terms_a & terms_b else "disagree"


def name_level(a: list[str], b: list[str]) -> str:
    if not a or not b:
        return "missing"
    match = name_match(a, b)
    if match is None:
        return "unclear"  # a clipped surname, or a relative's
    if match == "different":
        return "different"
    common = any(common_name(n) for n in a + b)
    return f"{match}_{'common' if common else 'rare'}"


def compare(a: dict, b: dict, *, same_text: bool = False) -> dict[str, str]:
    """The level of each comparison (COMPARISONS) between two contract records."""
    nat_a, nat_b = set(a.get("victim_nationalities") or ()), set(b.get("victim_nationalities") or ())
    regions = regions_compatible(set(a.get("location_regions") or ()), set(b.get("location_regions") or ()))
    gap = date_gap(a.get("date"), b.get("date"))
    status_a, status_b = a.get("victim_status"), b.get("victim_status")
    story_a = (a.get("methods") or []) + (a.get("outcomes") or [])
    story_b = (b.get("methods") or []) + (b.get("outcomes") or [])
    story = _jaccard(story_a, story_b)
    ages_a, ages_b = ages(a), ages(b)
    count_a, count_b = a.get("victim_count"), b.get("victim_count")
    return {
        "name": name_level(a.get("victim_names") or [], b.get("victim_names") or []),
        "nationality": "missing" if not (nat_a and nat_b) else ("agree" if nat_a & nat_b else "disagree"),
        "region": {True: "agree", False: "disagree", None: "missing"}[regions],
        "date": "missing" if gap is None else ("close" if gap <= CLOSE_DAYS else "near" if gap <= DATE_WINDOW_DAYS else "far"),
        "status": "missing" if status_a in (None, "unknown") or status_b in (None, "unknown")
        else ("agree" if status_a == status_b else "disagree"),
        "story": "missing" if not (story_a and story_b) else ("high" if story >= 0.5 else "some" if story >= 0.3 else "low"),
        "age": "missing" if not (ages_a and ages_b)
        else ("agree" if min(abs(x - y) for x in ages_a for y in ages_b) <= AGE_SLACK else "disagree"),
        "home": home_level(a, b),
        "sentence": sentence_level(a, b),
        "count": "missing" if not (isinstance(count_a, int) and isinstance(count_b, int))
        else ("agree" if count_a == count_b else "disagree"),
        "text": "copy" if same_text else "other",
    }


def age_gap(a: dict, b: dict) -> int | None:
    ages_a, ages_b = ages(a), ages(b)
    if not (ages_a and ages_b):
        return None
    return min(abs(x - y) for x in ages_a for y in ages_b)
