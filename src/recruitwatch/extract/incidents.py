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
from .dates import find_dates
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
    regions: set[str] = field(default_factory=set)
    statuses: set[str] = field(default_factory=set)

    def has_event(self, events: set[int]) -> bool:
        return any(s in events for s in self.sentences)


def _event_sentences(doc: Analysis) -> set[int]:
    events = set()
    for group in EVENT_GROUPS:
        events.update(doc.hits.get(group, {}))
    for sentence, matches in doc.hits.get("cues", {}).items():
        if any(m.concept == "recruitment" for m in matches):
            events.add(sentence)
    return events


def _indefinite_intro(doc: Analysis, sentence: int, persons: list[Mention]) -> bool:
    """English 'a citizen of…', 'an Uzbek migrant': a person the text has not met yet."""
    if doc.lang != "en":
        return False
    start = doc.sentences[sentence][0]
    for p in persons:
        before = doc.text[max(start, p.start - 12) : p.start].lower().split()
        if before and before[-1] in ("a", "an", "another") or before[-2:-1] in (["a"], ["an"], ["another"]):
            return True
    return False


def segment(doc: Analysis, names: list[Mention], nationalities: list[Mention]) -> list[Draft]:
    """Group sentences into incident drafts."""
    events = _event_sentences(doc)
    names_in = _by_sentence(names)
    nats_in = _by_sentence(nationalities)
    drafts: list[Draft] = []
    current: Draft | None = None
    quiet = 0  # sentences since the last one with a victim word or an event
    # Sentences citing the law speak of everyone ("a foreigner cannot be called up"), not of a victim.
    legal = {doc.sentence_of(c.start) for c in doc.memo.get("citations", ())}
    for s in range(len(doc.sentences)):
        s_names = {m.value for m in names_in.get(s, ())}
        s_nats = {m.value for m in nats_in.get(s, ()) if m.specific}
        persons = [p for p in person_mentions(doc, s) if p.specific]
        counts = count_mentions(doc, s)
        s_regions = doc.concepts_in("regions", s)
        s_statuses = doc.concepts_in("statuses", s)
        anchored = bool(s_names or s_nats or persons or counts) and s not in legal

        near_event = any(e in events for e in range(s - 1, s + 3))
        if anchored and near_event:
            known = next((d for d in drafts if _same_name(d.names, s_names)), None) if s_names else None
            if known is not None:
                current = known
            else:
                # After a pause the text often comes back to the same victim ("the man", "he"):
                # resume the last incident unless this sentence plainly speaks of someone else.
                base = current if current is not None else (drafts[-1] if drafts else None)
                if base is None or _new_victim(doc, s, base, s_names, s_nats, s_regions, s_statuses, persons):
                    current = Draft()
                    drafts.append(current)
                    _take_preamble(doc, s, current, drafts, events)
                else:
                    current = base
        if current is None:
            continue
        if anchored or s in events:
            quiet = 0
        else:
            quiet += 1
            if quiet > GAP_SENTENCES:
                current = None
                continue
        current.sentences.append(s)
        if anchored:  # what describes the victim, not the surrounding scene
            current.names |= s_names
            current.nationalities |= s_nats
            current.regions |= s_regions
            current.statuses |= s_statuses
    drafts = [d for d in drafts if d.has_event(events)]
    return _merge_lead(doc, drafts)


PREAMBLE = 2  # sentences before a victim's introduction that can set its scene


def _take_preamble(doc: Analysis, s: int, draft: Draft, drafts: list[Draft], events: set[int]) -> None:
    """'In Krasnogorsk, police raided a warehouse. 37 migrants were taken…': the scene belongs to the victims.

    Also a place heading ('▪️ Рязань.') standing before a new case in a digest.
    """
    taken = {t for d in drafts for t in d.sentences}
    for p in range(s - 1, max(-1, s - 1 - PREAMBLE), -1):
        if p in taken:
            break
        if p in events or doc.in_sentence("regions", p):
            draft.sentences.insert(0, p)
            draft.regions |= doc.concepts_in("regions", p)


def _new_victim(doc, s, current: Draft, s_names, s_nats, s_regions, s_statuses, persons) -> bool:
    """Does sentence s introduce someone other than the current incident's victim?

    Only strong signs count (a new name, another nationality, 'another case'):
    news retells one victim's story across places and phases, and merging two
    victims is worse than splitting one.
    """
    new_case = any(m.concept == "new_case" for m in doc.in_sentence("segmentation", s))
    if s_names and current.names and not _same_name(current.names, s_names):
        return True
    if s_nats and current.nationalities and not (s_nats & current.nationalities):
        return True
    if new_case and (s_names or s_nats or persons):
        return True
    # Another place and another kind of victim at once: a prisoner in Bashkortostan after a migrant in Moscow.
    other_place = s_regions and current.regions and not (s_regions & current.regions)
    if other_place and s_statuses and not (s_statuses & current.statuses):
        return True
    # 'a citizen of Kyrgyzstan…' after a named victim: English marks a new person.
    return bool(current.names) and not s_names and _indefinite_intro(doc, s, persons) and bool(
        s_regions - current.regions or s_statuses - current.statuses or s_nats
    )


def _merge_lead(doc: Analysis, drafts: list[Draft]) -> list[Draft]:
    """A headline or lead about 'an Uzbek migrant' followed by his story under his name is one incident."""
    if len(drafts) >= 2:
        lead, story = drafts[0], drafts[1]
        opens = lead.sentences[0] <= 4 and not lead.names and story.names
        compatible = not lead.nationalities or not story.nationalities or lead.nationalities & story.nationalities
        starts_new = any(m.concept == "new_case" for m in doc.in_sentence("segmentation", story.sentences[0]))
        if opens and compatible and not starts_new:
            story.sentences = sorted(set(lead.sentences) | set(story.sentences))
            story.nationalities |= lead.nationalities
            story.regions |= lead.regions
            story.statuses |= lead.statuses
            return drafts[1:]
    return drafts


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


def build_incidents(doc: Analysis, published: dt.date | None, metadata: frozenset[int] = frozenset()) -> list[dict]:
    """The incidents of a relevant text; `metadata` are offsets of dates that date the page
    (a dateline, "Updated 14.03.2024"), not an event."""
    names = name_mentions(doc)
    nationalities = nationality_mentions(doc)
    drafts = segment(doc, names, nationalities)
    return [_assemble(doc, d, names, nationalities, published, metadata) for d in drafts]


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


def _assemble(doc, draft: Draft, names, nationalities, published, metadata) -> dict:
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
        regions = [m for s in tier for m in doc.in_sentence("regions", s)]
        if not regions:
            continue
        country = regions[0].concept.split("-")[0]
        incident["location_country"] = country
        ev.add("location_country", country, regions[0].start, regions[0].end)
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
    dates = doc.memo.get(("dates", published))
    if dates is None:  # every date of the text, found once and shared by its incidents
        dates = doc.memo[("dates", published)] = find_dates(doc.text, published, doc.sentences[0][0], doc.sentences[-1][1])
    for tier in _sentence_tiers(doc, sentences):
        for s in tier:
            start, end = doc.sentences[s]
            for d in (d for d in dates if start <= d.start < end and d.start not in metadata):
                incident["date"] = d.value
                ev.add("date", d.value, d.start, d.end)
                return
