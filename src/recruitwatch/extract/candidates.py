"""Every value a relevant text could give an incident, with each place the text supports it.

The lexicons and mention finders propose; nothing here decides. A value is
proposed wherever the text names it, inside an incident draft or not, so that
the learned decision (decide.py) sees the whole text and recall is not lost to
a segmentation slip. The rule-built drafts (segment.py, proposals.py) say
which values the rules would keep and where: a strong feature, not the gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .analysis import Analysis
from .dates import DateMention
from .places import could_be_the_scene
from .segment import EVENT_GROUPS, Draft
from .victims import Mention, count_mentions


@dataclass(frozen=True)
class Occurrence:
    start: int  # the span that names the value
    end: int
    sentence: int


@dataclass
class Candidate:
    field: str
    value: str | int
    occurrences: list[Occurrence] = field(default_factory=list)
    proposed_in: set[int] = field(default_factory=set)  # drafts whose rule assembly kept this value

    @property
    def key(self) -> tuple[str, str | int]:
        return self.field, self.value


def collect(
    doc: Analysis,
    names: list[Mention],
    nationalities: list[Mention],
    dates: list[DateMention],
    proposals: list[dict],
) -> list[Candidate]:
    """All candidate values of a text, in a stable order (field, first occurrence)."""
    found: dict[tuple, Candidate] = {}

    def add(field_name: str, value, start: int, end: int, sentence: int | None = None) -> None:
        cand = found.setdefault((field_name, value), Candidate(field_name, value))
        cand.occurrences.append(Occurrence(start, end, doc.sentence_of(start) if sentence is None else sentence))

    for m in nationalities:
        add("victim_nationalities", m.value, m.start, m.end, m.sentence)
    for m in names:
        add("victim_names", m.value, m.start, m.end, m.sentence)
    for group in EVENT_GROUPS:
        for m in doc.all_hits(group):
            add(group, m.concept, m.start, m.end)
    for m in doc.all_hits("statuses"):
        add("victim_status", m.concept, m.start, m.end)
    for m in doc.all_hits("regions"):
        # A flight to Moscow or the embassy there puts the victim in Russia, but says nothing of
        # the region where the pressure happened.
        if could_be_the_scene(doc, m.start, m.end):
            add("location_regions", m.concept, m.start, m.end)
        add("location_country", m.concept.split("-")[0], m.start, m.end)
    for m in doc.all_hits("countries"):
        if m.entry.role == "name":
            add("location_country", m.concept, m.start, m.end)
    for s in range(len(doc.sentences)):
        for c in count_mentions(doc, s):
            add("victim_count", c.value, c.start, c.end, s)
    for m in names[:1]:
        add("victim_count", 1, m.start, m.end, m.sentence)
    for d in dates:
        add("date", d.value, d.start, d.end)

    for index, incident in enumerate(proposals):
        for item in incident["evidence"]:
            key = (item["field"], item["value"])
            if key not in found:  # a value the rules inferred (one named person counts 1)
                add(item["field"], item["value"], item["start"], item["end"])
            found[key].proposed_in.add(index)
    for cand in found.values():
        cand.occurrences.sort(key=lambda o: o.start)
    return sorted(found.values(), key=lambda c: (c.field, c.occurrences[0].start))


def draft_of_sentence(drafts: list[Draft]) -> dict[int, int]:
    """Sentence index -> the draft that holds it (the first, where two share a sentence)."""
    owner: dict[int, int] = {}
    for index, draft in enumerate(drafts):
        for s in draft.sentences:
            owner.setdefault(s, index)
    return owner
