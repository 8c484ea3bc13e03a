"""One pass over a text: words, sentences and every lexicon match, with negation and context applied.

Everything later (relevance, incidents, fields) reads this structure instead of
the raw text, so the expensive work (keys, matching) happens once.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..text.tokens import Token, split_sentences, tokenize
from .data_files import extract_data
from .lexicons import (
    CONCEPT_FILES,
    concept_settings,
    covering,
    form_languages,
    implications,
    modality_rules,
    phrase_index,
    verb_endings,
)
from .matcher import Entry, Match

NEGATION_WINDOW = 3  # words before a form that can negate it
# Names of things: where two overlap ("Moscow" inside "Moscow Oblast", "Russia"
# inside "Russia Behind Bars"), only the longest is kept.
GAZETTEERS = frozenset({"regions", "countries", "organisations", "not_organisations", "names"})
# Organisations whose names are words, not deeds: a word inside "Radio Ozodi" ("freedom"), "Russia
# Behind Bars" or "Committee of Soldiers' Mothers" says nothing of what happened to anyone. A PMC,
# a formation or a state organ (Wagner, a military enlistment office) is itself a perpetrator.
NAME_ONLY_KINDS = frozenset({"media", "rights_group", "ngo", "international", "project"})


@cache
def abbreviations(lang: str) -> frozenset[str]:
    block = extract_data("morphology.yaml").get("abbreviations") or {}
    words: set[str] = set()
    for form_lang in form_languages(lang) + ("en",):
        words.update(str(w).lower() for w in block.get(form_lang.split("_")[0]) or ())
    return frozenset(words)


@dataclass
class Analysis:
    text: str
    lang: str
    tokens: list[Token]
    sentences: list[tuple[int, int]]
    matches: list[Match]
    # group -> sentence index -> accepted matches (after context and negation)
    hits: dict[str, dict[int, list[Match]]] = field(default_factory=dict)
    _sentence_starts: list[int] = field(default_factory=list)
    _token_starts: list[int] = field(default_factory=list)
    memo: dict = field(default_factory=dict)  # per-document results other stages compute once

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    def token_range(self, sentence: int) -> range:
        """Indices of the tokens of a sentence."""
        if not self._token_starts:
            self._token_starts = [t.start for t in self.tokens]
        start, end = self.sentences[sentence]
        return range(bisect.bisect_left(self._token_starts, start), bisect.bisect_left(self._token_starts, end))

    def in_sentence(self, group: str, sentence: int) -> list[Match]:
        return self.hits.get(group, {}).get(sentence, [])

    def concepts_in(self, group: str, sentence: int) -> set[str]:
        return {m.concept for m in self.in_sentence(group, sentence)}

    def all_hits(self, group: str) -> list[Match]:
        return [m for sentence in sorted(self.hits.get(group, {})) for m in self.hits[group][sentence]]


def analyse(text: str, lang: str) -> Analysis:
    return analyse_window(text, lang, 0, len(text))


def analyse_window(
    text: str, lang: str, start: int, end: int, *, tokens: list[Token] | None = None, sentences: list[tuple[int, int]] | None = None
) -> Analysis:
    """Analyse text[start:end] keeping offsets into the whole text (`tokens` and `sentences`
    of that window when a cheaper stage has already cut them the same way)."""
    if tokens is None:
        tokens = tokenize(text, start, end)
    if sentences is None:
        window = text[start:end] if (start, end) != (0, len(text)) else text
        sentences = [(a + start, b + start) for a, b in split_sentences(window, abbreviations(lang))]
        sentences = sentences or [(start, max(start, end))]
    matches = _longest_names(phrase_index(lang).find(tokens))
    doc = Analysis(text, lang, tokens, sentences, matches, _sentence_starts=[s for s, _ in sentences])
    _accept(doc)
    return doc


def _longest_names(matches: list[Match]) -> list[Match]:
    names = sorted((m for m in matches if m.group in GAZETTEERS), key=lambda m: (m.start, -(m.end - m.start)))
    dropped: set[int] = set()
    reach_end, reach_len = -1, 0
    for m in names:
        if m.start < reach_end and (m.end - m.start) <= reach_len:
            dropped.add(id(m))
        elif m.end > reach_end:
            reach_end, reach_len = m.end, m.end - m.start
    return [m for m in matches if id(m) not in dropped]


def _accept(doc: Analysis) -> None:
    negation_at: set[int] = set()
    context: dict[tuple[str, str], set[int]] = defaultdict(set)
    excluded: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    markers: list[Match] = []
    joiners: set[int] = set()
    for m in doc.matches:
        if m.group == "negators":
            negation_at.update(range(m.first, m.last + 1))
        elif m.group == "modality":
            if m.entry.role == "joiner":
                joiners.add(m.first)
            else:
                markers.append(m)
        elif m.entry.role == "context":
            context[(m.group, m.concept)].add(doc.sentence_of(m.start))
        elif m.entry.role == "exclude":
            excluded[(m.group, m.concept)].append((m.start, m.end))
    scopes = _modal_scopes(doc, markers, joiners)
    named = [
        (m.start, m.end) for m in doc.matches
        if m.group in ("organisations", "not_organisations") and m.entry.role in NAME_ONLY_KINDS
    ]
    settings = {group: concept_settings(group) for group in CONCEPT_FILES}
    needs_context = _concepts_with_context()
    hits: dict[str, dict[int, list[Match]]] = defaultdict(lambda: defaultdict(list))
    for m in doc.matches:
        if m.group in ("negators", "modality") or m.entry.role in ("context", "exclude"):
            continue
        if any(a < m.end and m.start < b for a, b in excluded.get((m.group, m.concept), ())):
            continue  # "prisoners" inside "prisoners of war"
        if m.group not in GAZETTEERS and any(a <= m.start and m.end <= b for a, b in named):
            continue  # "freedom" inside "Radio Ozodi"
        sentence = doc.sentence_of(m.start)
        if m.group in settings:
            if (m.group, m.concept) in needs_context and sentence not in context[(m.group, m.concept)]:
                continue
            if settings[m.group].get(m.concept, {}).get("negatable", True) and _negated(
                doc, m, negation_at
            ):
                continue
            if _modal(doc, m, scopes):
                continue
        same = hits[m.group][sentence]
        if any(x.concept == m.concept and m.start < x.end for x in same):
            continue  # "в плену" inside "оказался в плену": one hit, the longest (sorted first)
        same.append(m)
    _uncover(hits)
    _entail(hits, context, needs_context)
    doc.hits = {group: dict(by_sentence) for group, by_sentence in hits.items()}


def _uncover(hits) -> None:
    """Drop a value whose form lies inside a form that `covers` it (the refusal holds the deed)."""
    for group in CONCEPT_FILES:
        rules = covering(group)
        if not rules or group not in hits:
            continue
        for found in hits[group].values():
            outer = [m for m in found if m.concept in rules]
            if outer:
                found[:] = [
                    m for m in found
                    if not any(m.concept in rules[o.concept] and o.start <= m.start and m.end <= o.end for o in outer)
                ]


def _entail(hits, context, needs_context) -> None:
    """Add what an accepted value entails ("killed at the front" -> deployed), where the
    entailed value's own context holds in that sentence; the evidence is the same form."""
    for group in CONCEPT_FILES:
        rules = implications(group)
        if not rules or group not in hits:
            continue
        for sentence, found in hits[group].items():
            for m in list(found):
                for implied in rules.get(m.concept, ()):
                    if (group, implied) in needs_context and sentence not in context[(group, implied)]:
                        continue
                    if any(x.concept == implied for x in found):
                        continue
                    entry = Entry(m.entry.words, group, implied, "implied")
                    found.append(Match(entry, m.first, m.last, m.start, m.end))


def _clause_breaks(doc: Analysis) -> list[bool]:
    """breaks[i]: punctuation between token i-1 and token i ends a clause."""
    breaks = [True] * len(doc.tokens)
    for i in range(1, len(doc.tokens)):
        gap = doc.text[doc.tokens[i - 1].end : doc.tokens[i].start]
        breaks[i] = any(c in CLAUSE_PUNCTUATION for c in gap)
    return breaks


CLAUSE_PUNCTUATION = frozenset(",;:()[]—–\n")
MAX_SCOPE = 15  # words a marker reaches either way, even without punctuation


def _modal_scopes(doc: Analysis, markers: list[Match], joiners: set[int]) -> list[tuple[int, int, frozenset, Match]]:
    """(first token, last token, lexicons cancelled, marker) for each modality marker."""
    if not markers:
        return []
    rules = modality_rules(doc.lang)
    breaks = _clause_breaks(doc)
    inert = [m for m in markers if not rules.get(m.concept, (frozenset(),))[0]]  # "against his will"
    scopes = []
    for m in markers:
        blocks, scope, reach = rules.get(m.concept, (frozenset(), "clause", "forward"))
        if not blocks or any(x.first <= m.first and m.last <= x.last for x in inert):
            continue
        s_start, s_end = doc.sentences[doc.sentence_of(m.start)]
        first, last = m.first, m.last
        if scope == "clause" and reach in ("back", "both"):
            while first > 0 and not breaks[first] and m.first - first < MAX_SCOPE and doc.tokens[first - 1].start >= s_start:
                first -= 1
        while reach != "back" and (
            last + 1 < len(doc.tokens)
            and doc.tokens[last + 1].start < s_end
            and (scope == "after" or ((not breaks[last + 1] or last + 1 in joiners) and last - m.last < MAX_SCOPE))
        ):
            last += 1
        scopes.append((first, last, blocks, m))
    return scopes


def _modal(doc: Analysis, m: Match, scopes) -> bool:
    """A value in the scope of a condition, attempt or fear (the marker not inside the form itself)."""
    for first, last, blocks, marker in scopes:
        if m.group in blocks and first <= m.first <= last and not (m.first <= marker.first <= m.last):
            return True
    if m.group == "outcomes":
        return any(_verb_ending(doc, m, kind) for kind in verb_endings(doc.lang) if kind != "negation")
    return False


def _verb_ending(doc: Analysis, m: Match, kind: str) -> bool:
    """The ending after a `*` verb stem is of this kind (Uzbek imzola-ma-di, imzola-sa)."""
    endings = verb_endings(doc.lang).get(kind)
    is_prefix, value = m.entry.words[-1]
    if not endings or not is_prefix:
        return False
    rest = phrase_index(doc.lang).keyer.fold(doc.tokens[m.last].text)[len(value) :]
    starts, exceptions = endings
    return rest.startswith(starts) and not rest.startswith(exceptions or ("\0",))


@lru_cache(maxsize=1)
def _concepts_with_context() -> frozenset[tuple[str, str]]:
    pairs = set()
    for group in CONCEPT_FILES:
        for concept, spec in (extract_data(f"{group}.yaml").get("concepts") or {}).items():
            if spec.get("context"):
                pairs.add((group, concept))
    return frozenset(pairs)


def _negated(doc: Analysis, m: Match, negation_at: set[int]) -> bool:
    sentence_start = doc.sentences[doc.sentence_of(m.start)][0]
    for i in range(max(0, m.first - NEGATION_WINDOW), m.first):
        if i in negation_at and doc.tokens[i].start >= sentence_start:
            return True
    # Uzbek negates a verb inside it: imzola-ma-di, bor-ma-gan.
    return _verb_ending(doc, m, "negation")
