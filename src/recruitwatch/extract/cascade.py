"""The cheap relevance decision of the cascade: keyword screen -> this -> full analysis.

Full analysis costs ~5-10 ms a text; most near-topic news (migration, the army,
prisons, the war) is settled here for a fraction of that, without changing any
decision the full pipeline would make:

1. Words only: the text is cut into words and keyed exactly as full analysis
   does (text/keys.py), then matched against a small index holding only the
   lexicon forms of recruitment signs (data/cascade.yaml) and the names of
   organisations.
2. The relevance score needs recruitment in some passage (relevance.py: with no
   recruitment sentence every passage feature is zero and the bias keeps the
   score far under the threshold), so a text with no sign at all is not
   relevant: it stops here. The match is taken before negation and context
   rules, which only ever remove hits, so it can only pass more texts than full
   analysis would accept, never fewer.
3. A text that stops still gets the organisations and legal references full
   analysis would find (pipeline.py): organisations only when this index found
   one, citations only when an article is mentioned at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..errors import DataError
from ..text.tokens import tokenize
from .analysis import _concepts_with_context
from .cache import cached
from .data_files import extract_data
from .lexicons import (
    CONCEPT_FILES,
    _add_concepts,
    _add_countries,
    _add_organisations,
    form_languages,
)
from .matcher import Match, PhraseIndex


@dataclass(frozen=True)
class Triage:
    likely_relevant: bool  # full analysis needed to decide
    score: float  # relevance_score of a text that stops here
    organisations: bool  # an organisation's name may be in the text
    reason: str  # "long", "candidate" (full analysis follows), "no_sign", "no_target"


Pairs = dict[str, frozenset[str] | None]  # lexicon -> concepts (None: every concept)


@cache
def _config() -> tuple[Pairs, Pairs, int, float]:
    """Sign and target concepts, the length above which texts always get full analysis, the stop score."""
    data = extract_data("cascade.yaml")
    try:
        signs, targets = ({g: None if c == "*" else frozenset(c) for g, c in data[k].items()} for k in ("signs", "targets"))
        return signs, targets, int(data["full_analysis_above_chars"]), float(data["stop_score"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"cascade.yaml: signs, targets, full_analysis_above_chars and stop_score are required ({exc})") from exc


@cache
def cheap_index(lang: str) -> PhraseIndex:
    """Sign and target forms and organisation names for texts in `lang` (built once per data version)."""
    return cached(f"cascade-{lang}", ("recruitwatch.extract",), lambda: _build_index(lang))


def _build_index(lang: str) -> PhraseIndex:
    """The same entries lexicons.py compiles for these concepts (forms, context and `not` forms alike)."""
    signs, targets, _, _ = _config()
    index = PhraseIndex(lang)
    langs = form_languages(lang)
    wanted: dict[str, set[str] | None] = {}
    for pairs in (signs, targets):
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


def _present(matches: list[Match], pairs: Pairs) -> bool:
    """A hit of one of `pairs` that analysis.py's context and `not` rules would keep (negation
    is not applied: it only removes hits, so this may find more than full analysis)."""
    context = {(m.group, m.concept) for m in matches if m.entry.role == "context"}
    excluded: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for m in matches:
        if m.entry.role == "exclude":
            excluded.setdefault((m.group, m.concept), []).append((m.start, m.end))
    needs_context = _concepts_with_context()
    for m in matches:
        if m.group not in pairs or m.entry.role in ("context", "exclude"):
            continue
        concepts = pairs[m.group]
        if concepts is not None and m.concept not in concepts:
            continue
        pair = (m.group, m.concept)
        if any(a < m.end and m.start < b for a, b in excluded.get(pair, ())):
            continue
        if pair in needs_context and pair not in context:
            continue  # full analysis wants the context in the same sentence; anywhere is looser
        return True
    return False


def triage(text: str, lang: str) -> Triage:
    """Does this text need full analysis to be judged? Cheap, and never says no to a text
    that full analysis would call relevant (tests/test_cascade.py checks every corpus)."""
    signs, targets, longest, stop_score = _config()
    if len(text) > longest:
        return Triage(True, stop_score, True, "long")  # many target sentences alone can add up
    matches = cheap_index(lang).find(tokenize(text))
    organisations = any(m.group == "organisations" for m in matches)
    if not _present(matches, signs):
        return Triage(False, stop_score, organisations, "no_sign")
    if not _present(matches, targets):
        return Triage(False, stop_score, organisations, "no_target")
    return Triage(True, stop_score, organisations, "candidate")
