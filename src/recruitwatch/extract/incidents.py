"""Cut a relevant text into incidents and fill each incident's fields with evidence.

An incident starts where the text introduces a particular victim (a name, "a
citizen of Uzbekistan", "his brother", "three Tajik migrants") near something
that happened to them; the sentences that follow belong to it until another
victim is introduced. A name seen before brings its incident back, so two
accounts of one person stay one incident.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..vocab import INCIDENT_FIELDS
from .analysis import Analysis
from .dates import DateMention, find_dates
from .matcher import Match
from .victims import Mention, count_mentions, name_mentions, nationality_mentions, person_mentions

EVENT_GROUPS = ("methods", "outcomes", "perpetrators")
FIELD_OF_GROUP = {"methods": "methods", "outcomes": "outcomes", "perpetrators": "perpetrators"}
STATUS_PRIORITY = ("prisoner", "naturalised_citizen", "student", "migrant_worker")
MAX_QUOTE = 400
GAP_SENTENCES = 3  # sentences without a victim word after which an incident stops collecting


@dataclass
class Draft:
    sentences: list[int] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    nationalities: set[str] = field(default_factory=set)


def _event_sentences(doc: Analysis) -> set[int]:
    events = set()
    for group in EVENT_GROUPS:
        events.update(doc.hits.get(group, {}))
    for sentence, matches in doc.hits.get("cues", {}).items():
        if any(m.concept == "recruitment" for m in matches):
            events.add(sentence)
    return events


def segment(doc: Analysis, names: list[Mention], nationalities: list[Mention]) -> list[Draft]:
    """Group sentences into incident drafts."""
    events = _event_sentences(doc)
    names_in = _by_sentence(names)
    nats_in = _by_sentence(nationalities)
    drafts: list[Draft] = []
    current: Draft | None = None
    since_anchor = 0
    for s in range(len(doc.sentences)):
        s_names = {m.value for m in names_in.get(s, ())}
        s_nats = {m.value for m in nats_in.get(s, ()) if m.specific}
        persons = [p for p in person_mentions(doc, s) if p.specific]
        counts = count_mentions(doc, s)
        anchored = bool(s_names or s_nats or persons or counts)
        near_event = any(e in events for e in range(s - 1, s + 3))
        new_case = any(m.concept == "new_case" for m in doc.in_sentence("segmentation", s))
        if s_names:
            known = next((d for d in drafts if d.names & s_names or _same_name(d.names, s_names)), None)
            if known is not None:
                current = known
            elif near_event and (current is None or current.names or new_case or s_nats - current.nationalities) or current is None and near_event:
                current = Draft()
                drafts.append(current)
        elif anchored and near_event and (s_nats or counts or persons):
            changes_nationality = current is not None and s_nats and not (s_nats & current.nationalities) and current.nationalities
            if current is None or new_case or changes_nationality:
                current = Draft()
                drafts.append(current)
        if current is None:
            continue
        if anchored:
            since_anchor = 0
        else:
            since_anchor += 1
            if since_anchor > GAP_SENTENCES:
                current = None
                continue
        current.sentences.append(s)
        current.names |= s_names
        current.nationalities |= s_nats
    return [d for d in drafts if any(s in events for s in d.sentences)]


def _same_name(known: set[str], new: set[str]) -> bool:
    """'Yusuf' and 'Yusuf Qurbonov' are one person."""
    for a in known:
        for b in new:
            if a.split()[0].casefold() == b.split()[0].casefold():
                return True
    return False


def _by_sentence(mentions: list[Mention]) -> dict[int, list[Mention]]:
    out: dict[int, list[Mention]] = {}
    for m in mentions:
        out.setdefault(m.sentence, []).append(m)
    return out


def build_incidents(doc: Analysis, published: dt.date | None, dateline: DateMention | None) -> list[dict]:
    names = name_mentions(doc)
    nationalities = nationality_mentions(doc)
    drafts = segment(doc, names, nationalities)
    return [_assemble(doc, d, names, nationalities, published, dateline) for d in drafts]


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
        start, end = self.doc.sentences[self.doc.sentence_of(m.start)]
        if end - start > MAX_QUOTE:  # keep a readable window around the form
            start = max(start, m.start - MAX_QUOTE // 2)
            end = min(end, m.end + MAX_QUOTE // 2)
        return start, end


def _assemble(doc, draft: Draft, names, nationalities, published, dateline) -> dict:
    sentences = set(draft.sentences)
    ev = _Evidence(doc)
    incident: dict = {name: ([] if is_list else None) for name, is_list in INCIDENT_FIELDS.items()}

    for m in nationalities:
        if m.sentence in sentences and m.value not in incident["victim_nationalities"]:
            incident["victim_nationalities"].append(m.value)
            ev.add("victim_nationalities", m.value, m.start, m.end)
    for m in names:
        if m.sentence in sentences and not any(
            _same_name({m.value}, {n}) for n in incident["victim_names"]
        ):
            incident["victim_names"].append(m.value)
            ev.add("victim_names", m.value, m.start, m.end)

    for group, field_name in FIELD_OF_GROUP.items():
        for s in sorted(sentences):
            for m in doc.in_sentence(group, s):
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
    _date(doc, sentences, incident, ev, published, dateline)
    incident["evidence"] = ev.items
    for key in ("victim_nationalities", "location_regions"):
        incident[key] = sorted(incident[key])
    return incident


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
    for s in sorted(sentences):
        counts = count_mentions(doc, s)
        if counts:
            return counts[0]
    distinct = {m.value.split()[0].casefold() for m in named}
    if named:
        return Mention(len(distinct), named[0].start, named[0].end, named[0].sentence)
    for s in sorted(sentences):
        persons = person_mentions(doc, s)
        if persons:
            return Mention(1, persons[0].start, persons[0].end, s) if persons[0].specific else None
    return None


def _place(doc: Analysis, sentences: set[int], incident: dict, ev: _Evidence) -> None:
    regions = [m for s in sorted(sentences) for m in doc.in_sentence("regions", s)]
    for m in regions:
        if m.concept not in incident["location_regions"]:
            incident["location_regions"].append(m.concept)
            ev.add("location_regions", m.concept, m.start, m.end)
    if regions:
        country = regions[0].concept.split("-")[0]
        incident["location_country"] = country
        ev.add("location_country", country, regions[0].start, regions[0].end)
        return
    for s in sorted(sentences):
        for m in doc.in_sentence("countries", s):
            if m.concept in ("RU", "UA") and m.entry.role == "name":
                incident["location_country"] = m.concept
                ev.add("location_country", m.concept, m.start, m.end)
                return


def _date(doc, sentences, incident, ev, published, dateline) -> None:
    for s in sorted(sentences):
        start, end = doc.sentences[s]
        for d in find_dates(doc.text, published, start, end):
            if dateline is not None and d.start == dateline.start:
                continue
            incident["date"] = d.value
            ev.add("date", d.value, d.start, d.end)
            return
    if dateline is not None:
        # The report's own date bounds the incident to that month at the latest.
        value = dateline.value[:7]
        incident["date"] = value
        ev.add("date", value, dateline.start, dateline.end)
