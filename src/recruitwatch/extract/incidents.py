"""Incidents of a relevant text: drafts, proposals, candidate values, learned decisions, records.

The text flows one way: segment.py cuts it into drafts (which sentences speak
of which victim); the rules below propose each draft's values; candidates.py
gathers every value the text could support; decide.py's models say whether
the text tells of a concrete incident at all and which values stand; the
kept values are put into the drafts they belong to, each with its evidence.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from ..vocab import INCIDENT_FIELDS, empty_incident
from .analysis import Analysis
from .candidates import Candidate, collect, draft_of_sentence
from .dates import could_date_incident, find_dates
from .decide import Models, gate_features, shipped_models
from .matcher import Match
from .places import set_aside, stands_for_the_state
from .segment import Draft, same_name, segment
from .value_features import DocContext, doc_context, features
from .victims import (
    Mention,
    count_mentions,
    name_mentions,
    nationality_mentions,
    person_mentions,
    victim_details,
)

FIELD_OF_GROUP = {"methods": "methods", "outcomes": "outcomes", "perpetrators": "perpetrators"}
STATUS_PRIORITY = ("prisoner", "naturalised_citizen", "student", "migrant_worker")
MAX_QUOTE = 400
SINGLE_VALUED = {name for name, is_list in INCIDENT_FIELDS.items() if not is_list}


@dataclass
class Prepared:
    """Everything the decisions read, computed once per text (the fitting script reuses it per fold)."""

    doc: Analysis
    drafts: list[Draft]
    proposals: list[dict]
    candidates: list[Candidate]
    value_features: list[dict[str, float]]
    gate_features: dict[str, float]
    context: DocContext


def prepare(doc: Analysis, published: dt.date | None, metadata: frozenset[int], relevance: float) -> Prepared:
    names = name_mentions(doc)
    nationalities = nationality_mentions(doc)
    drafts = segment(doc, names, nationalities)
    proposals = [_assemble(doc, d, names, nationalities, published, metadata) for d in drafts]
    dates = _incident_dates(doc, published, metadata)
    candidates = collect(doc, names, nationalities, dates, proposals)
    ctx = doc_context(doc, names, nationalities, draft_of_sentence(drafts), len(drafts), relevance)
    return Prepared(doc, drafts, proposals, candidates, [features(ctx, c) for c in candidates], gate_features(ctx), ctx)


def build_incidents(
    doc: Analysis,
    published: dt.date | None,
    metadata: frozenset[int] = frozenset(),
    relevance: float | None = None,
    models: Models | None = None,
) -> list[dict]:
    """The incidents of a relevant text; `metadata` are offsets of dates that date the page
    (a dateline, "Updated 14.03.2024"), not an event; `relevance` is the text's relevance score."""
    if relevance is None:
        from .relevance import score_relevance

        relevance = score_relevance(doc).score
    return decide_incidents(prepare(doc, published, metadata, relevance), models or shipped_models())


def decide_incidents(state: Prepared, models: Models) -> list[dict]:
    """Keep the values the models accept and put each into the draft it belongs to."""
    if not state.context.anchors:
        return []  # nobody in particular: an incident needs a named, described or counted victim
    if models.gate.probability(state.gate_features) < models.gate.threshold:
        return []  # a trend, a statistic, a statement: relevant with no concrete incident
    scored = [(c, models.values.probability(f)) for c, f in zip(state.candidates, state.value_features, strict=True)]
    kept = [(c, p) for c, p in scored if p >= models.values.threshold]
    if not kept:
        return []
    slots = max(1, len(state.drafts))
    chosen: list[dict[str, list[tuple[float, Candidate]]]] = [{} for _ in range(slots)]
    for cand, p in kept:
        for index in _targets(state, cand):
            chosen[index].setdefault(cand.field, []).append((p, cand))
    incidents = []
    for index, by_field in enumerate(chosen):
        if not by_field:
            continue
        incidents.append(_record(state, index, by_field))
    return incidents


def _targets(state: Prepared, cand: Candidate) -> set[int]:
    """The drafts a kept value belongs to: where the rules put it, else where it is said, else the nearest."""
    if not state.drafts:
        return {0}
    if cand.proposed_in:
        return set(cand.proposed_in)
    owner = state.context.owner
    for o in cand.occurrences:
        if o.sentence in owner:
            return {owner[o.sentence]}
    first = cand.occurrences[0].sentence
    distance = [min(abs(s - first) for s in d.sentences) if d.sentences else 10**6 for d in state.drafts]
    return {distance.index(min(distance))}


def _record(state: Prepared, index: int, by_field: dict[str, list[tuple[float, Candidate]]]) -> dict:
    doc = state.doc
    ev = _Evidence(doc)
    proposal = state.proposals[index] if index < len(state.proposals) else None
    proposed_evidence = {(e["field"], e["value"]): e for e in (proposal["evidence"] if proposal else ())}
    draft_sentences = set(state.drafts[index].sentences) if index < len(state.drafts) else set()
    incident = empty_incident()
    for field_name, scored in by_field.items():
        scored = sorted(scored, key=lambda item: (-item[0], item[1].occurrences[0].start))
        if field_name in SINGLE_VALUED:
            scored = scored[:1]
        for _, cand in scored:
            item = proposed_evidence.get(cand.key)
            if item is not None:
                ev.add(field_name, cand.value, item["start"], item["end"])
            else:
                where = next((o for o in cand.occurrences if o.sentence in draft_sentences), cand.occurrences[0])
                start, end = (where.start, where.end)
                if field_name in FIELD_OF_GROUP:
                    start, end = ev.span_around(start, end, where.sentence)
                ev.add(field_name, cand.value, start, end)
            if field_name in SINGLE_VALUED:
                incident[field_name] = cand.value
            else:
                incident[field_name].append(cand.value)
    if incident["victim_status"] is None:
        incident["victim_status"] = "unknown"
    for key in ("victim_nationalities", "location_regions"):
        incident[key] = sorted(incident[key])
    incident["victim_details"], details_evidence = victim_details(doc, incident["victim_names"], draft_sentences, incident["outcomes"])
    for item in details_evidence:
        ev.add(*item)
    incident["evidence"] = ev.items
    return incident


def _all_dates(doc: Analysis, published: dt.date | None):
    """Every date of the text, found once and shared by its drafts and candidates."""
    dates = doc.memo.get(("dates", published))
    if dates is None:
        dates = doc.memo[("dates", published)] = find_dates(doc.text, published, doc.sentences[0][0], doc.sentences[-1][1])
    return dates


def _incident_dates(doc: Analysis, published: dt.date | None, metadata: frozenset[int]):
    """The dates that may date an incident: not page furniture, within the war, not after the report."""
    return [d for d in _all_dates(doc, published) if d.start not in metadata and could_date_incident(d.value, published)]


class _Evidence:
    def __init__(self, doc: Analysis):
        self.doc = doc
        self.items: list[dict] = []
        self._seen: set[tuple] = set()

    def add(self, field_name: str, value, start: int, end: int) -> None:
        key = (field_name, value)
        if key in self._seen:
            return
        self._seen.add(key)
        self.items.append(
            {"field": field_name, "value": value, "start": start, "end": end, "quote": self.doc.text[start:end]}
        )

    def sentence_span(self, m: Match) -> tuple[int, int]:
        return self.span_around(m.start, m.end, self.doc.sentence_of(m.start))

    def span_around(self, form_start: int, form_end: int, sentence: int) -> tuple[int, int]:
        """The sentence of a form, or a readable window of it around the form."""
        start, end = self.doc.sentences[sentence]
        if end - start > MAX_QUOTE:
            start = max(start, form_start - MAX_QUOTE // 2)
            end = min(end, form_end + MAX_QUOTE // 2)
        return start, end


def _assemble(doc, draft: Draft, names, nationalities, published, metadata) -> dict:
    sentences = set(draft.sentences)
    ev = _Evidence(doc)
    incident = empty_incident()

    for m in nationalities:
        if m.sentence in sentences and m.value not in incident["victim_nationalities"]:
            incident["victim_nationalities"].append(m.value)
            ev.add("victim_nationalities", m.value, m.start, m.end)
    for m in names:
        if m.sentence in sentences and not any(
            same_name({m.value}, {n}) for n in incident["victim_names"]
        ):
            incident["victim_names"].append(m.value)
            ev.add("victim_names", m.value, m.start, m.end)

    commentary = _commentary(doc, sentences, names, nationalities)
    for group, field_name in FIELD_OF_GROUP.items():
        for s in sorted(sentences - commentary):
            for m in doc.in_sentence(group, s):
                if group == "methods" and not _counts_as_method(doc, s, m.concept):
                    continue
                if group == "perpetrators" and m.concept == "military" and "pmc" in doc.concepts_in(group, s):
                    continue  # "Wagner's recruiters": the company's people, not the army's
                if m.concept not in incident[field_name]:
                    incident[field_name].append(m.concept)
                    ev.add(field_name, m.concept, *ev.sentence_span(m))

    status = _status(doc, sentences)
    if status:
        incident["victim_status"] = status.concept
        ev.add("victim_status", status.concept, status.start, status.end)
    else:
        incident["victim_status"] = "unknown"

    named = [m for m in names if m.sentence in sentences]
    count = _count(doc, sentences, named)
    if count:
        incident["victim_count"] = count.value
        ev.add("victim_count", count.value, count.start, count.end)

    _place(doc, sentences, incident, ev)
    _date(doc, sentences, incident, ev, published, metadata)
    incident["evidence"] = ev.items
    for key in ("victim_nationalities", "location_regions"):
        incident[key] = sorted(incident[key])
    return incident


# A generic threat is only 'threat' when no named kind of threat explains it.
SPECIFIC_THREATS = {"deportation_threat", "criminal_case_threat", "citizenship_revocation_threat"}
# What happens at home afterwards (arrest on return) is not pressure to sign.
AFTERMATH = {"returned_home", "prosecuted_at_home"}


def _counts_as_method(doc: Analysis, sentence: int, method: str) -> bool:
    if method == "threat" and doc.concepts_in("methods", sentence) & SPECIFIC_THREATS:
        return False
    return not (method == "raid_detention" and doc.concepts_in("outcomes", sentence) & AFTERMATH)


def _commentary(doc: Analysis, sentences: set[int], names, nationalities) -> set[int]:
    """Sentences where an activist, lawyer or expert speaks and no victim is named: they
    describe the pattern, not what happened to this victim."""
    about_victim = {m.sentence for m in names} | {m.sentence for m in nationalities if m.specific}
    return {
        s
        for s in sentences
        if s not in about_victim and any(m.entry.role == "title" for m in doc.in_sentence("names", s))
    }


def _status(doc: Analysis, sentences: set[int]) -> Match | None:
    found = [m for s in sorted(sentences) for m in doc.in_sentence("statuses", s)]
    if not found:
        return None
    counts = Counter(m.concept for m in found)
    best = max(counts.values())
    for status in STATUS_PRIORITY:
        if counts.get(status) == best:
            return next(m for m in found if m.concept == status)
    return found[0]


def _count(doc: Analysis, sentences: set[int], named: list[Mention]) -> Mention | None:
    """A stated number of victims (the one that says who they are first), else one named person."""
    counts = [c for s in sorted(sentences) for c in count_mentions(doc, s)]
    if counts:
        return max(counts, key=lambda c: (c.specific, -c.start))
    if named:
        return Mention(1, named[0].start, named[0].end, named[0].sentence)
    for s in sorted(sentences):
        persons = person_mentions(doc, s)
        if persons:
            return Mention(1, persons[0].start, persons[0].end, s) if persons[0].specific else None
    return None


# Where and when an incident happened is where and when the pressure was put on
# the victim; the front and earlier life are only a fallback.
FRONT_OUTCOMES = {"deployed", "injured", "killed", "captured", "escaped"}


def _sentence_tiers(doc: Analysis, sentences: set[int]) -> list[list[int]]:
    """Incident sentences ranked: the recruitment itself, then the rest, then the front."""
    pressure, other, front = [], [], []
    for s in sorted(sentences):
        outcomes = doc.concepts_in("outcomes", s)
        if outcomes & FRONT_OUTCOMES:
            front.append(s)
        elif doc.in_sentence("methods", s) or doc.in_sentence("perpetrators", s) or (
            "recruitment" in doc.concepts_in("cues", s) or "signed_contract" in outcomes
        ):
            pressure.append(s)
        else:
            other.append(s)
    return [pressure, other, front]


def _place(doc: Analysis, sentences: set[int], incident: dict, ev: _Evidence) -> None:
    for tier in _sentence_tiers(doc, sentences):
        named = [m for s in tier for m in doc.in_sentence("regions", s) if not stands_for_the_state(doc, m.start, m.end)]
        if not named:
            continue
        # "Three hours from Saint Petersburg" puts him in Russia, not in that region.
        regions = [m for m in named if not set_aside(doc, m.start, m.end)]
        first = (regions or named)[0]
        country = first.concept.split("-")[0]
        incident["location_country"] = country
        ev.add("location_country", country, first.start, first.end)
        for m in regions:
            if m.concept.startswith(country) and m.concept not in incident["location_regions"]:
                incident["location_regions"].append(m.concept)
                ev.add("location_regions", m.concept, m.start, m.end)
        return
    for s in sorted(sentences):
        for m in doc.in_sentence("countries", s):
            if m.concept in ("RU", "UA") and m.entry.role == "name":
                incident["location_country"] = m.concept
                ev.add("location_country", m.concept, m.start, m.end)
                return


def _date(doc, sentences, incident, ev, published, metadata) -> None:
    """The first date in the sentences about the pressure, else about the rest; none is a guess."""
    dates = _incident_dates(doc, published, metadata)
    for tier in _sentence_tiers(doc, sentences):
        for s in tier:
            start, end = doc.sentences[s]
            for d in (d for d in dates if start <= d.start < end):
                incident["date"] = d.value
                ev.add("date", d.value, d.start, d.end)
                return
