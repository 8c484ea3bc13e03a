"""The cheap relevance decision of the cascade: this -> full analysis (pipeline.py).

Full analysis costs 3-10 ms a text; most near-topic news (migration, raids,
the army, prisons) is settled here for a fraction of that, without changing
any decision full analysis would make on the annotated corpora:

0. The keyword screen (screen.py, one Aho-Corasick pass) stops a text with no
   military stem or no target stem: most news, for ~0.03 ms. Its stems are a
   wide net, not derived from relevance.py, so tests/test_cascade.py checks on
   every corpus that it stops no text full analysis calls relevant.
1. The text is cut into words and sentences and keyed exactly as full analysis
   does, then matched against a small index: the forms of recruitment signs,
   of foreign or imprisoned persons, of person words (data/cascade.yaml), and
   organisation names.
2. relevance.py scores passages where recruitment meets such a person; with no
   such passage only the counts of recruitment and target sentences add to the
   bias, too little below `count_only_sentences` of them. So a text with no
   sign, no person, or the two never within a passage and few, is not
   relevant: it stops here. Hits are taken before negation (which only removes
   hits), so this passes at least every text full analysis would accept.
3. A stopped text still gets the organisations and legal references full
   analysis would find (pipeline.py): found the same way when this index (or,
   for a screened-out text, org_screen.py) saw a possible organisation or the
   text mentions an article, otherwise there are none.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cache

from ..errors import DataError
from ..text.tokens import Token, split_sentences, tokenize
from .analysis import _concepts_with_context, abbreviations
from .cache import cached
from .data_files import extract_data
from .lexicons import (
    CONCEPT_FILES,
    _add_concepts,
    _add_countries,
    _add_organisations,
    form_languages,
)
from .matcher import INDEX_FORMAT, Match, PhraseIndex
from .org_screen import may_name_organisation
from .screen import screen


@dataclass(frozen=True)
class Triage:
    likely_relevant: bool  # full analysis needed to decide
    score: float  # relevance_score of a text that stops here
    organisations: bool  # an organisation's name may be in the text
    # "long", "many" or "near" (full analysis follows), "screened_out", "no_sign", "no_target", "apart"
    reason: str
    # The words and sentences of the whole text, as analysis.py cuts them: full analysis reuses them.
    tokens: list[Token] | None = field(default=None, repr=False, compare=False)
    sentences: list[tuple[int, int]] | None = field(default=None, repr=False, compare=False)


Pairs = dict[str, frozenset[str] | None]  # lexicon -> concepts (None: every concept)


@dataclass(frozen=True)
class Config:
    signs: Pairs
    targets: Pairs
    persons: Pairs
    window: int
    count_only: int
    longest: int
    stop_score: float


@cache
def config() -> Config:
    """data/cascade.yaml, checked once."""
    data = extract_data("cascade.yaml")
    try:
        signs, targets, persons = (
            {g: None if c == "*" else frozenset(c) for g, c in data[k].items()} for k in ("signs", "targets", "persons")
        )
        return Config(signs, targets, persons, int(data["window"]), int(data["count_only_sentences"]),
                      int(data["full_analysis_above_chars"]), float(data["stop_score"]))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"cascade.yaml is incomplete or malformed ({exc})") from exc


@cache
def cheap_index(lang: str) -> PhraseIndex:
    """Sign, target and person forms and organisation names for texts in `lang` (built once per data version)."""
    return cached(f"cascade-v{INDEX_FORMAT}-{lang}", ("recruitwatch.extract",), lambda: _build_index(lang))


def _build_index(lang: str) -> PhraseIndex:
    """The same entries lexicons.py compiles for these concepts (forms, context and `not` forms alike)."""
    c = config()
    index = PhraseIndex(lang)
    langs = form_languages(lang)
    wanted: dict[str, set[str] | None] = {}
    for pairs in (c.signs, c.targets, c.persons):
        for group, concepts in pairs.items():
            if group not in wanted or wanted[group] is not None:
                wanted[group] = None if concepts is None else (wanted.get(group) or set()) | concepts
    for group, concepts in wanted.items():
        if group == "countries":
            _add_countries(index, langs)
            continue
        if group not in CONCEPT_FILES:
            raise DataError(f"cascade.yaml: {group} is not a concept file")
        specs = extract_data(f"{group}.yaml").get("concepts") or {}
        missing = (concepts or set()) - set(specs)
        if missing:
            raise DataError(f"cascade.yaml names {', '.join(sorted(missing))}, unknown in {group}.yaml")
        _add_concepts(index, group, {c: s for c, s in specs.items() if concepts is None or c in concepts}, langs)
    _add_organisations(index, langs)
    return index


def _sentences_with(matches: list[Match], sentence_of, pairs: Pairs) -> set[int]:
    """Sentences with a hit of one of `pairs` that analysis.py's context and `not` rules keep
    (negation is not applied: it only removes hits, so this finds at least what analysis finds)."""
    context: set[tuple[str, str, int]] = set()
    excluded: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for m in matches:
        if m.entry.role == "context":
            context.add((m.group, m.concept, sentence_of(m.start)))
        elif m.entry.role == "exclude":
            excluded.setdefault((m.group, m.concept), []).append((m.start, m.end))
    needs_context = _concepts_with_context()
    found = set()
    for m in matches:
        if m.group not in pairs or m.entry.role in ("context", "exclude"):
            continue
        concepts = pairs[m.group]
        if concepts is not None and m.concept not in concepts:
            continue
        pair = (m.group, m.concept)
        if any(a < m.end and m.start < b for a, b in excluded.get(pair, ())):
            continue
        sentence = sentence_of(m.start)
        if pair in needs_context and (*pair, sentence) not in context:
            continue
        found.add(sentence)
    return found


def triage(text: str, lang: str, screened: bool | None = None) -> Triage:
    """Does this text need full analysis to be judged? Cheap, and never says no to a text
    that full analysis would call relevant (tests/test_cascade.py checks every corpus).

    `screened`: the keyword screen's verdict on the text, if the caller has it."""
    c = config()
    if len(text) > c.longest:
        return Triage(True, c.stop_score, True, "long")  # analysed in several windows: no shortcut
    if not (screen(text).passed if screened is None else screened):
        return Triage(False, c.stop_score, may_name_organisation(text, lang), "screened_out")
    sentences = split_sentences(text, abbreviations(lang)) or [(0, len(text))]
    starts = [a for a, _ in sentences]

    def sentence_of(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    tokens = tokenize(text)
    matches = cheap_index(lang).find(tokens)
    organisations = any(m.group == "organisations" for m in matches)

    def decide(likely: bool, reason: str) -> Triage:
        return Triage(likely, c.stop_score, organisations, reason, tokens, sentences)

    signs = _sentences_with(matches, sentence_of, c.signs)
    if not signs:
        return decide(False, "no_sign")
    targets = _sentences_with(matches, sentence_of, c.targets)
    if not targets:
        return decide(False, "no_target")
    if len(signs) + len(targets) >= c.count_only:
        return decide(True, "many")  # counts alone might pass the threshold
    near = targets | _sentences_with(matches, sentence_of, c.persons)
    if any(abs(s - t) <= c.window for s in signs for t in near):
        return decide(True, "near")
    return decide(False, "apart")
