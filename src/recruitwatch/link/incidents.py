"""Which stored Incident a newly extracted incident mention is, if any: pure decisions on records.

Precision first: two different victims must never be merged. Must-not-link
rules (other names, nationalities or ages; without a name, another region or
time) come first, and no weight outvotes them; then each comparison of
link/compare.py weighs for or against (Fellegi-Sunter, link/weights.py), and
the sum decides: one incident, a possible duplicate for an analyst, or two.
A new mention is compared with each mention of a stored incident, never with
the merged record, which drifts as reports are added.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from ..text.namekeys import parse_name
from .compare import AGE_VETO, age_gap, compare, dates_compatible, regions_compatible
from .names import common_name, name_match, same_person
from .weights import Comparison, LinkModel, link_model


def must_not_link(a: dict, b: dict) -> str | None:
    """What makes two mentions two incidents whatever else agrees: another victim (names,
    nationalities, ages), or the same common name in another place at another time."""
    nat_a, nat_b = set(a.get("victim_nationalities") or ()), set(b.get("victim_nationalities") or ())
    if nat_a and nat_b and not nat_a & nat_b:
        return "different nationalities"
    names = name_match(a.get("victim_names") or [], b.get("victim_names") or [])
    if names == "different":
        return "different victim names"
    gap = age_gap(a, b)
    if gap is not None and gap > AGE_VETO:
        return f"ages {gap} years apart"
    regions = regions_compatible(set(a.get("location_regions") or ()), set(b.get("location_regions") or ()))
    dates = dates_compatible(a.get("date"), b.get("date"))
    if names == "full" and regions is False and dates is False:
        return "same name, but another place and another time"
    if names not in ("full", "given"):
        # Without the victim's name, place and time are what tell two raids or two deaths apart.
        if regions is False:
            return "different regions, and no name to say it is one victim"
        if dates is False:
            return "dates too far apart, and no name to say it is one victim"
    common = any(common_name(n) for n in (a.get("victim_names") or []) + (b.get("victim_names") or []))
    if names == "full" and regions is False and not (nat_a & nat_b and dates) and common:
        # Common names recur (two men called Yusuf Karimov): another region needs the same
        # nationality and a date that agrees to outweigh it.
        return "same name, but another place, and neither nationality nor date confirm it"
    return None


@dataclass(frozen=True)
class MatchDecision:
    """The Fellegi-Sunter verdict on two mentions, with the comparisons that made it."""

    score: float  # bits: the sum of the comparisons' weights
    comparisons: tuple[Comparison, ...]
    conflict: str | None = None
    link_at: float = 0.0
    review_at: float = 0.0
    because: str | None = None  # a reason that links whatever the score (the document's earlier link)

    @property
    def linked(self) -> bool:
        return self.conflict is None and (self.score >= self.link_at or self.because is not None)

    @property
    def to_review(self) -> bool:
        """Neither clearly one incident nor clearly two: a possible duplicate for an analyst."""
        return not self.linked and self.conflict is None and self.review_at <= self.score

    def where(self, because: str) -> MatchDecision:
        """The same comparisons, linked for `because`."""
        return dataclasses.replace(self, because=because)

    def explain(self) -> str:
        if self.conflict:
            return f"not linked: {self.conflict}"
        telling = sorted((c for c in self.comparisons if abs(c.weight) >= 0.05), key=lambda c: -abs(c.weight))
        parts = "; ".join(f"{c.label} {c.weight:+.1f}" for c in telling)
        head = f"{self.because}; " if self.because else ""
        return f"{head}match score {self.score:+.1f} (links at {self.link_at:+.1f}): {parts}"

    def as_dict(self) -> dict:
        return {"score": self.score, "link_at": self.link_at, "review_at": self.review_at,
                "conflict": self.conflict, "because": self.because, "comparisons": [c.as_dict() for c in self.comparisons]}


def decide(new: dict, known: dict, *, same_text: bool = False, model: LinkModel | None = None,
           only: Iterable[str] | None = None) -> MatchDecision:
    """Are two mentions (contract records, with victim_details) one incident? Must-not-link rules
    first, then the weighed comparisons (link/compare.py, link/weights.py); `only`: weigh just those."""
    model = model or link_model()
    levels = compare(new, known, same_text=same_text)
    if only is not None:
        levels = {field: level for field, level in levels.items() if field in set(only)}
    comparisons = tuple(model.weigh(levels))
    score = round(sum(c.weight for c in comparisons), 3)
    decision = MatchDecision(score, comparisons, must_not_link(new, known), model.link_at, model.review_at)
    if same_text and decision.conflict is None:
        # A reprint or light rewrite of one text reports the same event, however little it says of it
        # (a sparse record scores low on comparisons alone).
        return decision.where("near-copy of the same text")
    return decision


def ruled_out(new: dict, merged: dict) -> bool:
    """Cheap test against an incident's merged record, before its mentions are read: no name of
    the incident agrees with the new victim's, or no nationality does. The merged record holds
    every mention's names and nationalities, so each mention would be ruled out as well."""
    nat_a, nat_b = set(new.get("victim_nationalities") or ()), set(merged.get("victim_nationalities") or ())
    if nat_a and nat_b and not nat_a & nat_b:
        return True
    return name_match(new.get("victim_names") or [], merged.get("victim_names") or []) == "different"


# The comparison (link/compare.py) that weighs each contract field.
FIELD_COMPARISON = {
    "victim_names": "name", "victim_nationalities": "nationality", "location_regions": "region", "date": "date",
    "victim_status": "status", "methods": "story", "outcomes": "story", "victim_count": "count",
}


def decide_incident(new: dict, said: list[dict], fields: dict, reviewed: Iterable[str] = (), *,
                    same_text: bool = False, model: LinkModel | None = None) -> MatchDecision:
    """Is `new` a mention of this stored incident? It is compared with each mention the incident's
    reports made (`said`), an analyst's corrected fields (`reviewed`, from `fields`) standing in for
    what the reports said of them; a must-not-link rule against any mention keeps it out, else the
    best-scoring mention decides. An incident with no relevant report's mention (one grouped from
    reports not judged relevant about one named victim) knows only its victim's name, by
    construction, not for want of extraction: the name alone is weighed."""
    corrected = {f: fields.get(f) for f in reviewed}
    if not said:
        known = {"name", "text"} | {FIELD_COMPARISON[f] for f in reviewed if f in FIELD_COMPARISON}
        return decide(new, fields, same_text=same_text, model=model, only=known)
    records = [{**m, **corrected} for m in said]
    decisions = [decide(new, record, same_text=same_text, model=model) for record in records]
    vetoed = [d for d in decisions if d.conflict]
    if vetoed:
        return vetoed[0]
    return max(decisions, key=lambda d: d.score)


def merge_fields(known: dict, new: dict) -> dict:
    """The canonical record after another report: lists united, the more precise scalar kept."""
    merged = dict(known)
    for field in ("victim_nationalities", "victim_names", "location_regions", "perpetrators", "methods", "outcomes"):
        values = list(known.get(field) or [])
        for value in new.get(field) or []:
            if value in values:
                continue
            if field == "victim_names" and same_person([value], values):
                values = _fuller_name(values, value)
                continue
            values.append(value)
        merged[field] = sorted(values) if field != "victim_names" else values
    for field in ("victim_status", "location_country", "victim_count"):
        if merged.get(field) in (None, "unknown") and new.get(field) not in (None, "unknown"):
            merged[field] = new[field]
    if new.get("date") and len(new["date"]) > len(known.get("date") or ""):
        merged["date"] = new["date"]
    return merged


def _fuller_name(names: list[str], new: str) -> list[str]:
    """The names with the one that is `new`'s person replaced by `new` where `new` has more words
    ("Даниэль" -> "Daniel Wekesa"): the record keeps the fullest name a report gave, so a later report
    naming him in full finds him by his name's blocking keys."""
    words = len(parse_name(new).full_words)
    for i, name in enumerate(names):
        if same_person([new], [name]) and len(parse_name(name).full_words) < words:
            return names[:i] + [new] + names[i + 1:]
    return names
