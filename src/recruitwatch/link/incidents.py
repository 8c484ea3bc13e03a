"""Which stored Incident a newly extracted incident mention is, if any: a pure scoring of two records.

Precision first: two different victims must never be merged. A link needs a
positive reason (the same name across scripts, a near-copy of the same text,
or place, date and what happened all agreeing) and no contradiction (other
names, other nationalities, another region, dates too far apart).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .names import common_name, name_match, same_person

DATE_WINDOW_DAYS = 90  # reports of one incident date it within this of each other (raid, signing, death)
LINK_AT = 0.6


@dataclass(frozen=True)
class LinkDecision:
    score: float
    reasons: tuple[str, ...]
    conflict: str | None = None

    @property
    def linked(self) -> bool:
        return self.conflict is None and self.score >= LINK_AT

    def explain(self) -> str:
        if self.conflict:
            return f"not linked: {self.conflict}"
        return "; ".join(self.reasons)


def _date_range(value: str | None) -> tuple[dt.date, dt.date] | None:
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        start = dt.date(parts[0], parts[1], 1)
        end = (dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)) - dt.timedelta(days=1)
        return start, end
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def dates_compatible(a: str | None, b: str | None) -> bool | None:
    ra, rb = _date_range(a), _date_range(b)
    if ra is None or rb is None:
        return None
    gap = max((rb[0] - ra[1]).days, (ra[0] - rb[1]).days, 0)
    return gap <= DATE_WINDOW_DAYS


def date_window(value: str | None) -> tuple[str, str] | None:
    """ISO dates between which another report's date of this incident may fall (DATE_WINDOW_DAYS)."""
    span = _date_range(value)
    if span is None:
        return None
    window = dt.timedelta(days=DATE_WINDOW_DAYS)
    return (span[0] - window).isoformat(), (span[1] + window).isoformat()


def _jaccard(a, b) -> float:
    a, b = set(a or ()), set(b or ())
    return len(a & b) / len(a | b) if a | b else 0.0


# Regions that reports of one incident name interchangeably: Moscow and its oblast,
# St Petersburg and Leningrad oblast.
NEIGHBOURS = ({"RU-MOW", "RU-MOS"}, {"RU-SPE", "RU-LEN"}, {"UA-43", "UA-40"})


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


def decide(new: dict, known: dict, *, same_text: bool = False) -> LinkDecision:
    """Is `new` (an incident of a fresh report) the same incident as `known` (stored fields)?

    The stronger the evidence of the person, the more disagreement of extracted
    details it outweighs: a full name agreeing across scripts survives one of
    date or place disagreeing; a given name needs both to agree or be unknown
    and one to agree; without a name, place, date and what happened must all agree.
    """
    nat_a, nat_b = set(new.get("victim_nationalities") or ()), set(known.get("victim_nationalities") or ())
    if nat_a and nat_b and not nat_a & nat_b:
        return LinkDecision(0.0, (), "different nationalities")
    names = name_match(new.get("victim_names") or [], known.get("victim_names") or [])
    if names == "different":
        return LinkDecision(0.0, (), "different victim names")
    regions = regions_compatible(set(new.get("location_regions") or ()), set(known.get("location_regions") or ()))
    dates = dates_compatible(new.get("date"), known.get("date"))
    status_a, status_b = new.get("victim_status"), known.get("victim_status")
    status_differs = status_a not in (None, "unknown") and status_b not in (None, "unknown") and status_a != status_b
    happened = _jaccard(
        (new.get("methods") or []) + (new.get("outcomes") or []),
        (known.get("methods") or []) + (known.get("outcomes") or []),
    )
    reasons = []
    if nat_a & nat_b:
        reasons.append("same nationality")
    if regions:
        reasons.append("same region")
    if dates:
        reasons.append("dates agree")
    if happened >= 0.3:
        reasons.append(f"same methods and outcomes ({happened:.2f})")
    if names == "full":
        if regions is False and dates is False:
            return LinkDecision(0.0, (), "same name, but another place and another time")
        common = any(common_name(n) for n in (new.get("victim_names") or []) + (known.get("victim_names") or []))
        if regions is False and common and not (nat_a & nat_b and dates):
            # Common names recur (two men called Yusuf Karimov): another region needs the same
            # nationality and a date that agrees to outweigh it.
            return LinkDecision(0.0, (), "same name, but another place, and neither nationality nor date confirm it")
        return LinkDecision(1.0, ("same victim full name", *reasons))
    if same_text:
        if regions is False or dates is False:
            return LinkDecision(0.0, (), "near-copies that disagree on place or date")
        return LinkDecision(0.9, ("near-copy of the same text", *reasons))
    if regions is False:
        return LinkDecision(0.0, (), "different regions")
    if dates is False:
        return LinkDecision(0.0, (), "dates too far apart")
    if status_differs:
        return LinkDecision(0.0, (), "different victim status")
    if names == "given":
        if regions or dates:
            return LinkDecision(0.8, ("same victim given name", *reasons))
        names_a, names_b = new.get("victim_names") or [], known.get("victim_names") or []
        if nat_a & nat_b and happened >= 0.3 and not any(common_name(n) for n in names_a + names_b):
            # "Кипчумба" beside "Kipchumba Wanyonyi": an uncommon given name, the same nationality and story.
            return LinkDecision(0.7, ("same uncommon given name", *reasons))
        return LinkDecision(0.4, ("same given name, but neither place nor date to confirm it",))
    if regions and dates and nat_a & nat_b and happened >= 0.3:
        # No name on one side: the same place, time, nationality and story.
        return LinkDecision(0.7, tuple(reasons))
    same_status = status_a == status_b and status_a not in (None, "unknown")
    if regions and dates and not (nat_a and nat_b) and same_status and happened >= 0.5:
        # One report does not say where the victim is from: everything else must agree, status included.
        return LinkDecision(0.65, ("nationality unknown on one side", "same victim status", *reasons))
    return LinkDecision(0.3, tuple(reasons) or ("too little in common",))


def merge_fields(known: dict, new: dict) -> dict:
    """The canonical record after another report: lists united, the more precise scalar kept."""
    merged = dict(known)
    for field in ("victim_nationalities", "victim_names", "location_regions", "perpetrators", "methods", "outcomes"):
        values = list(known.get(field) or [])
        for value in new.get(field) or []:
            if value not in values and not (field == "victim_names" and same_person([value], values)):
                values.append(value)
        merged[field] = sorted(values) if field != "victim_names" else values
    for field in ("victim_status", "location_country", "victim_count"):
        if merged.get(field) in (None, "unknown") and new.get(field) not in (None, "unknown"):
            merged[field] = new[field]
    if new.get("date") and len(new["date"]) > len(known.get("date") or ""):
        merged["date"] = new["date"]
    return merged
