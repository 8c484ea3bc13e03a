"""Which stored Incident a newly extracted incident mention is, if any: a pure scoring of two records.

Precision first: two different victims must never be merged. A link needs a
positive reason (the same name across scripts, a near-copy of the same text,
or place, date and what happened all agreeing) and no contradiction (other
names, other nationalities, another region, dates too far apart).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .names import same_person

DATE_WINDOW_DAYS = 45  # reports of one incident date it within this of each other
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


def _jaccard(a, b) -> float:
    a, b = set(a or ()), set(b or ())
    return len(a & b) / len(a | b) if a | b else 0.0


def decide(new: dict, known: dict, *, same_text: bool = False) -> LinkDecision:
    """Is `new` (an incident of a fresh report) the same incident as `known` (stored fields)?"""
    reasons: list[str] = []
    score = 0.0
    person = same_person(new.get("victim_names") or [], known.get("victim_names") or [])
    if person is False:
        return LinkDecision(0.0, (), "different victim names")
    nat_a, nat_b = set(new.get("victim_nationalities") or ()), set(known.get("victim_nationalities") or ())
    if nat_a and nat_b and not nat_a & nat_b:
        return LinkDecision(0.0, (), "different nationalities")
    reg_a, reg_b = set(new.get("location_regions") or ()), set(known.get("location_regions") or ())
    if reg_a and reg_b and not reg_a & reg_b:
        return LinkDecision(0.0, (), "different regions")
    dates = dates_compatible(new.get("date"), known.get("date"))
    if dates is False:
        return LinkDecision(0.0, (), "dates too far apart")
    status_a, status_b = new.get("victim_status"), known.get("victim_status")
    if status_a not in (None, "unknown") and status_b not in (None, "unknown") and status_a != status_b:
        return LinkDecision(0.0, (), "different victim status")
    if person:
        score += 0.5
        reasons.append("same victim name")
    if same_text:
        score += 0.5
        reasons.append("near-copy of the same text")
    if nat_a & nat_b:
        score += 0.1
        reasons.append("same nationality")
    if reg_a & reg_b:
        score += 0.15
        reasons.append("same region")
    if dates:
        score += 0.15
        reasons.append("dates agree")
    happened = _jaccard(
        (new.get("methods") or []) + (new.get("outcomes") or []),
        (known.get("methods") or []) + (known.get("outcomes") or []),
    )
    if happened >= 0.3:
        score += 0.3 * happened + 0.1
        reasons.append(f"same methods and outcomes ({happened:.2f})")
    return LinkDecision(round(score, 3), tuple(reasons))


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
