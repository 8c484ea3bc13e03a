"""What the learned decision sees of a candidate value: its context, not the document's topic.

Each candidate becomes a sparse bag of named features (name -> value). The
names are readable ("outcomes|anchor_dist=0", "w:обычно") because the model's
weights are shipped as data and a reviewer should be able to read why a value
was kept. Structural features (is the value in a sentence about a victim, in
a general or hedged sentence, in the headline, proposed by the rules) carry
across languages; words of the window around each mention carry the rest.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import cache

from ..text.keys import keyer, uz_fold
from .analysis import Analysis
from .candidates import Candidate
from .clauses import clause_of, clause_starts
from .data_files import extract_data
from .places import place_role
from .segment import EVENT_GROUPS
from .victims import Mention, count_mentions, person_mentions, scope_words

WINDOW = 5  # words either side of a mention whose keys are features
CLOSED_FIELDS = {"methods", "outcomes", "perpetrators", "victim_status"}


@cache
def _marker_keys(kind: str, lang: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The scope.yaml words of one kind ("general", "hedge") for a language, as key sequences
    indexed by their first key: a phrase ("this year") counts only whole, never word by word."""
    words = (extract_data("scope.yaml").get(kind) or {}).get(lang) or ()
    k = keyer(lang)
    index: dict[str, list[tuple[str, ...]]] = {}
    for w in words:
        phrase = tuple(k.key(part) for part in str(w).split())
        if phrase:
            index.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(phrases) for first, phrases in index.items()}


TIME_REACH = 3  # "всего через несколько дней": a quantity word this close before a unit of time


@cache
def _time_unit_keys(lang: str) -> frozenset[str]:
    """Keys of scope.yaml time_units: "several days later" counts days, not people."""
    k = keyer(lang)
    return frozenset(k.key(str(w)) for w in (extract_data("scope.yaml").get("time_units") or {}).get(lang) or ())


def _marker_at(keys: list[str], i: int, stop: int, markers: dict[str, tuple[tuple[str, ...], ...]]) -> bool:
    return any(tuple(keys[i : i + len(p)]) == p and i + len(p) <= stop for p in markers.get(keys[i], ()))


def victim_anchors(doc: Analysis, names: list[Mention], nationalities: list[Mention]) -> list[tuple[int, int]]:
    """(sentence, offset) of each mention of a particular victim: a name, one described person, a counted group.

    A list of nationalities ("Chinese, Tajik and Pakistani mercenaries"), a
    plural or generic person word and a tally describe a pattern, not a victim.
    """
    found = [(m.sentence, m.start) for m in names]
    by_sentence: dict[int, set[str]] = {}
    for m in doc.all_hits("countries"):
        by_sentence.setdefault(doc.sentence_of(m.start), set()).add(m.concept)
    found += [(m.sentence, m.start) for m in nationalities if m.specific and len(by_sentence.get(m.sentence, ())) < 3]
    plural = _plural_people(doc.lang)
    tallied = _tallied(doc)
    for s in range(len(doc.sentences)):
        found += [(s, p.start) for p in person_mentions(doc, s) if p.specific and not _plural_phrase(doc, p, plural)]
        found += [(s, c.start) for c in count_mentions(doc, s) if c.specific and c.start not in tallied]
    return sorted(set(found))


def _tallied(doc: Analysis) -> set[int]:
    """Offsets of counts that belong to a tally: a tally itself; the same number said again ("at
    least 93 died ... the 93 identified"); a part of one ("at least 93, including 34 Uzbeks")."""
    counts = [c for s in range(len(doc.sentences)) for c in count_mentions(doc, s)]
    tallies = [c for c in counts if is_tally(doc, c)]
    values = {c.value for c in tallies}
    part = _part_of_pattern(doc.lang)
    found = set()
    for c in counts:
        if c.value in values or any(
            t.sentence == c.sentence and t.end <= c.start and part.search(doc.text, t.end, c.start) for t in tallies
        ):
            found.add(c.start)
    return found


@cache
def _part_of_pattern(lang: str) -> re.Pattern:
    """Any scope.yaml part_of word or phrase, whole (a pattern that never matches where a language has none)."""
    words = sorted(scope_words("part_of", lang), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)" if words else r"(?!x)x", re.IGNORECASE)


def _surface(word: str, lang: str) -> str:
    """A word as written, one script for Uzbek: word keys would make 'people' 'person'."""
    return uz_fold(word.lower()) if lang == "uz" else word.lower()


@cache
def _plural_people(lang: str) -> tuple[str, ...]:
    return tuple(_surface(str(w), lang) for w in (extract_data("scope.yaml").get("plural_people") or {}).get(lang) or ())


def _plural_phrase(doc: Analysis, person: Mention, plural: tuple[str, ...]) -> bool:
    """'people', 'the population', or a person word before a plural head: 'migrant workers',
    'Uzbek labour migrants'. Languages that add case endings match the word's beginning."""
    word = _surface(doc.text[person.start : person.end].split()[-1], doc.lang)
    endings = doc.lang in ("uz", "tg", "ky", "kk")
    if word in plural or (endings and any(word.startswith(p) for p in plural)):
        return True
    following = doc.text[person.end : person.end + 30].split()
    return doc.lang == "en" and bool(following) and following[0].lower().endswith("s") and following[0].isalpha()


TALLY = 100  # counted people from this many up are a tally, not a group met in one event


@cache
def _approximators(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    block = extract_data("scope.yaml").get("approximate") or {}
    before = frozenset(str(w).lower() for w in (block.get("before") or {}).get(lang) or ())
    after = frozenset(str(w).lower() for w in (block.get("after") or {}).get(lang) or ())
    return before, after


def is_tally(doc: Analysis, count: Mention) -> bool:
    """A large or approximate number of people ("some 900 citizens", "более 50 мигрантов")."""
    if int(count.value) >= TALLY or (doc.text[count.end : count.end + 1] in ",." and doc.text[count.end + 1 : count.end + 2].isdigit()):
        return True  # "7,000" is seven thousand
    before, after = _approximators(doc.lang)
    head = " ".join(doc.text[max(0, count.start - 30) : count.start].lower().split()[-3:])
    tail = doc.text[count.end : count.end + 20].lower().lstrip(" -")
    return any(head == w or head.endswith(" " + w) for w in before) or any(tail.startswith(w) for w in after)


class _LazyClauses(dict):
    """Clause starts of a sentence, cut the first time a stage asks for that sentence."""

    def __init__(self, doc: Analysis):
        super().__init__()
        self.doc = doc

    def __missing__(self, sentence: int) -> list[int]:
        starts = self[sentence] = clause_starts(self.doc, sentence)
        return starts


@dataclass
class DocContext:
    """Per-document facts every candidate's features read (computed once)."""

    doc: Analysis
    keys: list[str]  # word key of every token
    token_starts: list[int]
    anchors: list[int]  # sentences that speak of a particular victim
    general: set[int]
    hedged: set[int]
    owner: dict[int, int]  # sentence -> draft index
    n_drafts: int
    relevance: float
    clauses: dict[int, list[int]]  # sentence -> clause start offsets
    anchor_clauses: set[tuple[int, int]]  # (sentence, clause) pairs naming a particular victim
    general_clauses: set[tuple[int, int]]
    hedged_clauses: set[tuple[int, int]]
    named: set[int]  # sentences naming a victim

    def clause(self, sentence: int, offset: int) -> tuple[int, int]:
        return sentence, clause_of(self.clauses[sentence], offset)


def doc_context(doc: Analysis, names: list[Mention], nationalities: list[Mention], owner: dict[int, int], n_drafts: int, relevance: float) -> DocContext:
    k = keyer(doc.lang)
    keys = [k.key(t.text) for t in doc.tokens]
    anchor_mentions = victim_anchors(doc, names, nationalities)
    anchors = sorted({s for s, _ in anchor_mentions})
    clauses = _LazyClauses(doc)
    general_keys, hedge_keys = _marker_keys("general", doc.lang), _marker_keys("hedge", doc.lang)
    quantities, time_units = _marker_keys("quantities", doc.lang), _time_unit_keys(doc.lang)
    general, hedged = set(), set()
    general_clauses, hedged_clauses = set(), set()
    for s in range(len(doc.sentences)):
        stop = doc.token_range(s).stop
        for i in doc.token_range(s):
            if _marker_at(keys, i, stop, general_keys) and not (
                _marker_at(keys, i, stop, quantities) and time_units.intersection(keys[i + 1 : min(stop, i + 1 + TIME_REACH)])
            ):
                general.add(s)
                general_clauses.add((s, clause_of(clauses[s], doc.tokens[i].start)))
            if _marker_at(keys, i, stop, hedge_keys):
                hedged.add(s)
                hedged_clauses.add((s, clause_of(clauses[s], doc.tokens[i].start)))
    anchor_clauses = {(s, clause_of(clauses[s], start)) for s, start in anchor_mentions}
    return DocContext(
        doc, keys, [t.start for t in doc.tokens], anchors, general, hedged, owner, n_drafts, relevance,
        clauses, anchor_clauses, general_clauses, hedged_clauses, {m.sentence for m in names},
    )


def bucket(n: float, edges: tuple[int, ...]) -> str:
    """A count as a readable feature value: the first edge it does not pass ("0", "3", ">8")."""
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _anchor_distance(ctx: DocContext, sentence: int) -> int:
    if not ctx.anchors:
        return 99
    i = bisect.bisect_left(ctx.anchors, sentence)
    near = [abs(ctx.anchors[j] - sentence) for j in (i - 1, i) if 0 <= j < len(ctx.anchors)]
    return min(near)


def _value_feature(cand: Candidate) -> str | None:
    """The value's own identity where it generalises: a closed-vocabulary id, the state or not, a size."""
    if cand.field in CLOSED_FIELDS:
        return str(cand.value)
    if cand.field == "location_country" or cand.field == "victim_nationalities":
        return str(cand.value) if cand.value in ("RU", "UA") else "other"
    if cand.field == "location_regions":
        return str(cand.value)[:2]
    if cand.field == "victim_count":
        return bucket(int(cand.value), (1, 2, 9, 99))
    if cand.field == "date":
        return ("day", "month", "year")[{10: 0, 7: 1}.get(len(str(cand.value)), 2)]
    if cand.field == "victim_names":
        return f"parts={min(3, len(str(cand.value).split()))}"
    return None


def features(ctx: DocContext, cand: Candidate) -> dict[str, float]:
    """Named features of one candidate value, conjoined with its field where the meaning differs by field."""
    f = cand.field
    out: dict[str, float] = {f"{f}|bias": 1.0}
    identity = _value_feature(cand)
    if identity is not None:
        out[f"{f}={identity}"] = 1.0
    occurrences = cand.occurrences
    sentences = sorted({o.sentence for o in occurrences})
    out[f"{f}|log_mentions"] = math.log1p(len(occurrences))
    out[f"{f}|log_sentences"] = math.log1p(len(sentences))
    if cand.proposed_in:
        out["proposed"] = 1.0
        out[f"{f}|proposed"] = 1.0
    in_draft = [s for s in sentences if s in ctx.owner]
    out[f"{f}|in_draft"] = 1.0 if in_draft else 0.0
    distance = min(_anchor_distance(ctx, s) for s in sentences)
    out[f"{f}|anchor_dist={bucket(distance, (0, 1, 3))}"] = 1.0
    out[f"{f}|first_sentence={bucket(sentences[0], (0, 2, 8))}"] = 1.0
    only_general = all(s in ctx.general for s in sentences)
    only_hedged = all(s in ctx.hedged for s in sentences)
    out[f"{f}|only_general"] = 1.0 if only_general else 0.0
    out[f"{f}|only_hedged"] = 1.0 if only_hedged else 0.0
    out[f"{f}|some_plain"] = 1.0 if any(s not in ctx.general and s not in ctx.hedged for s in sentences) else 0.0
    where = [ctx.clause(o.sentence, o.start) for o in occurrences]
    out[f"{f}|clause_anchor"] = 1.0 if any(c in ctx.anchor_clauses for c in where) else 0.0
    out[f"{f}|clause_plain"] = (
        1.0 if any(c not in ctx.general_clauses and c not in ctx.hedged_clauses for c in where) else 0.0
    )
    out[f"{f}|clause_anchor_plain"] = (
        1.0
        if any(c in ctx.anchor_clauses and c not in ctx.general_clauses and c not in ctx.hedged_clauses for c in where)
        else 0.0
    )
    out[f"{f}|drafts={bucket(ctx.n_drafts, (0, 1, 2))}"] = 1.0
    out["relevance"] = ctx.relevance
    out[f"{f}|relevance"] = ctx.relevance
    out[f"{f}|anchors={bucket(len(ctx.anchors), (0, 1, 3, 8))}"] = 1.0
    doc = ctx.doc
    words: set[str] = set()
    hits: set[str] = set()
    for o in occurrences[:8]:
        first = bisect.bisect_left(ctx.token_starts, o.start)
        last = max(first, bisect.bisect_left(ctx.token_starts, o.end) - 1)
        sentence_tokens = doc.token_range(o.sentence)
        lo, hi = sentence_tokens.start, sentence_tokens.stop
        for i in range(max(lo, first - WINDOW), min(hi, last + WINDOW + 1)):
            if i < first or i > last:
                words.add(ctx.keys[i])
        for group in ("cues", "statuses", "perpetrators", "methods", "outcomes"):
            for m in doc.in_sentence(group, o.sentence):
                if m.start != o.start:
                    hits.add(f"{group}:{m.concept}")
    for w in words:
        out[f"w:{w}"] = 1.0
        out[f"{_family(f)}|w:{w}"] = 1.0
    for h in hits:
        out[f"{f}|near:{h}"] = 1.0
    if f in ("location_regions", "location_country", "victim_nationalities"):
        for role in {place_role(doc, o.start, o.end) for o in occurrences[:8]}:
            out[f"{f}|place_role={role}"] = 1.0
    return out


def _family(field_name: str) -> str:
    """Fields that share what their context words mean: events, who the victims are, where and when."""
    if field_name in EVENT_GROUPS:
        return field_name
    if field_name in ("location_country", "location_regions"):
        return "place"
    return field_name
