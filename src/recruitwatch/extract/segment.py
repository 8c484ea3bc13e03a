"""Cut a relevant text into incident drafts: which sentences speak of which victim.

An incident starts where the text introduces a particular victim (a name, "a
citizen of Uzbekistan", "his brother", "three Tajik migrants") near something
that happened to them; the sentences that follow belong to it until another
victim is introduced. A name seen before brings its incident back, so two
accounts of one person stay one incident.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .analysis import Analysis
from .victims import Mention, count_mentions, person_mentions

EVENT_GROUPS = ("methods", "outcomes", "perpetrators")
GAP_SENTENCES = 3  # sentences without a victim word or an event after which an incident stops collecting


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
        before = doc.text[max(start, p.start - 16) : p.start].lower().split()
        # "a citizen", or one adjective between: "an Uzbek migrant"; not "a job as a builder", a capacity
        for i in (len(before) - 1, len(before) - 2):
            if i >= 0 and before[i] in {"a", "an", "another"} and (i == 0 or before[i - 1] != "as"):
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
            known = next((d for d in drafts if same_name(d.names, s_names)), None) if s_names else None
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
    return _merge_interleaved(_merge_lead(doc, drafts))


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
    if s_names and current.names and not same_name(current.names, s_names):
        return True
    if s_nats and current.nationalities and not (s_nats & current.nationalities):
        return True
    if new_case and (s_names or s_nats or persons):
        return True
    # Another place and another kind of victim at once: a prisoner in Bashkortostan after a migrant in Moscow.
    other_place = s_regions and current.regions and not (s_regions & current.regions)
    if other_place and s_statuses and not (s_statuses & current.statuses):
        return True
    # 'a citizen of Kyrgyzstan…' after a named victim: English marks a new person, unless what it
    # says of him is what the text said of the named one (a caption names him, the lead begins
    # "A Ugandan man aged 44 has told how…").
    other_status = s_statuses and current.statuses and not (s_statuses & current.statuses)
    return bool(current.names) and not s_names and _indefinite_intro(doc, s, persons) and bool(
        other_place or other_status or s_nats - current.nationalities
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


def _merge_interleaved(drafts: list[Draft]) -> list[Draft]:
    """An unnamed passage inside a named victim's story, the text naming him before and after it, is
    about him ("Akmal said… A 44-year-old Tajik has told how… Akmal added…"), unless it gives
    another nationality or status."""
    kept: list[Draft] = []
    for draft in drafts:
        host = None if draft.names else next((n for n in drafts if n.names and _inside(draft, n)), None)
        if host is None:
            kept.append(draft)
            continue
        host.sentences = sorted(set(host.sentences) | set(draft.sentences))
        host.nationalities |= draft.nationalities
        host.regions |= draft.regions
        host.statuses |= draft.statuses
    return kept


def _inside(draft: Draft, named: Draft) -> bool:
    between = named.sentences[0] < draft.sentences[0] and draft.sentences[-1] < named.sentences[-1]
    nationality = not (draft.nationalities and named.nationalities) or draft.nationalities & named.nationalities
    status = not (draft.statuses and named.statuses) or draft.statuses & named.statuses
    return between and bool(nationality) and bool(status)


def same_name(known: set[str], new: set[str]) -> bool:
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
