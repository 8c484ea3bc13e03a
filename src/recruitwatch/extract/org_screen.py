"""Could a text name an organisation? A necessary condition, for texts the screen stops.

A stopped text still reports the organisations full analysis would find
(pipeline.py), but finding them means cutting the text into words and keying
every word. Most stopped news names none, and this tells so from one
Aho-Corasick pass: every organisation form of data/organisations.yaml needs
all its words, and any text word keyed like a form word starts with a stem
that survives inflection:

- Tajik, Kyrgyz, Kazakh: the key itself (keys only strip suffixes);
- English: the key, less a final y (ies -> y), plus irregular plurals;
- Russian: the common beginning of every form pymorphy3 gives the lemma, plus
  the imperfective partners keyed as that lemma;
- Uzbek: the longest beginning of the written word whose fold begins the key,
  in both scripts.

A text may name a form only if every such word of it (single letters aside)
has a hit at a word start; a form whose words are all single letters
("E.N.O.T.") is looked for as those letters in a row instead. Such a text goes
to the full finder; any other names no organisation.
tests/test_org_screen.py checks it against the finder on every corpus and on
inflected forms.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import NamedTuple

from ..text.keys import APOSTROPHE_TABLE, keyer, uz_fold
from .cache import cached
from .data_files import extract_data
from .lexicons import form_languages
from .matcher import form_words

_TELLING = 3  # a form needs its words with stems this long, or if it has none, those of _MIN_STEM
_MIN_STEM = 2


def may_name_organisation(text: str, lang: str) -> bool:
    plan = _plan(lang)
    low = _lowered(text, lang)
    if plan.letters is not None and plan.letters.search(low):
        return True
    if plan.automaton is None:
        return False
    same_offsets = len(low) == len(text)  # lower() lengthens a few letters (İ)
    seen: dict[int, set[int]] = {}
    done: set[str] = set()  # stems whose every place is counted: news repeats its words
    for last, (stem, places, capitals) in plan.automaton.iter(low):
        if stem in done:
            continue
        first = last - len(stem) + 1
        if first and low[first - 1].isalnum():
            continue
        upper = not same_offsets or text[first].isupper()
        for form, word in places:
            if word == 0 and plan.capital[form] and not upper:
                continue
            words = seen.setdefault(form, set())
            words.add(word)
            if len(words) == plan.needed[form]:
                return True
        if upper or not capitals:
            done.add(stem)
    return False


def _lowered(text: str, lang: str) -> str:
    low = text.lower()
    if lang in ("ru", "uk", "tg", "ky", "kk"):
        return low.replace("ё", "е")
    return low.translate(APOSTROPHE_TABLE)


class _Plan(NamedTuple):
    automaton: object  # stem -> (stem, ((form, word), ...), whether a capital matters for any)
    needed: list[int]  # per form: how many of its words have stems
    capital: list[bool]  # per form: its first word must be capitalised (lexicons.py)
    letters: re.Pattern | None  # forms of single letters


@cache
def _plan(lang: str) -> _Plan:
    """Built once per data version (Russian lexemes take ~0.1 s), then loaded from the cache."""
    return cached(f"orgscreen-{lang}", ("recruitwatch.extract",), lambda: _build_plan(lang))


def _build_plan(lang: str) -> _Plan:
    import ahocorasick

    places: dict[str, list[tuple[int, int]]] = {}
    needed, capital, letter_forms = [], [], set()
    for raw, words in _forms(lang):
        stems = [_word_stems(word, prefix, lang) for word, prefix in words]
        shortest = [min(map(len, found)) for found in stems]
        # Only telling words are required: a short stem (any of a word's stems may be the one
        # written) would hit at nearly every "on" and "по" of a text.
        kept = [i for i, n in enumerate(shortest) if n >= _TELLING] or [i for i, n in enumerate(shortest) if n >= _MIN_STEM]
        if not kept:
            letter_forms.add(tuple(w.lower() for w, _ in words))
            continue
        form = len(needed)
        needed.append(len(kept))
        capital.append(raw[:1].isupper() and lang not in ("uz", "ky", "kk"))  # demonyms: matcher.py
        for i in kept:
            for stem in stems[i]:
                places.setdefault(stem, []).append((form, i))
    automaton = None
    if places:
        automaton = ahocorasick.Automaton()
        for stem, where in places.items():
            automaton.add_word(stem, (stem, tuple(where), any(w == 0 and capital[f] for f, w in where)))
        automaton.make_automaton()
    letters = None
    if letter_forms:
        letters = re.compile("|".join(r"(?<![^\W_])" + r"[\W_]*".join(map(re.escape, f)) for f in sorted(letter_forms)))
    return _Plan(automaton, needed, capital, letters)


def _forms(lang: str) -> list[tuple[str, list[tuple[str, bool]]]]:
    entries = extract_data("organisations.yaml").get("organisations") or ()
    return [(str(form), form_words(str(form))) for form_lang in form_languages(lang) for entry in entries
            for form in (entry.get("forms") or {}).get(form_lang) or ()]


def _word_stems(word: str, is_prefix: bool, lang: str) -> set[str]:
    """Beginnings that any text word keyed as this form word starts with (lower-cased)."""
    k = keyer(lang)
    if lang == "uz":
        return _uz_stems(word)
    if lang in ("tg", "ky", "kk"):
        return {k.fold(word) if is_prefix else k.key(word)}
    if lang in ("ru", "uk"):
        return {k.fold(word)} if is_prefix else _ru_stems(k.key(word), word)
    head = k.fold(word) if is_prefix else k.key(word)  # English rules: every other language
    if is_prefix:
        return {head}
    irregular = extract_data("morphology.yaml").get("en_irregular") or {}
    return {head[:-1] if head.endswith("y") else head} | {str(s) for s, t in irregular.items() if t == head}


def _ru_stems(lemma: str, written: str = "") -> set[str]:
    """The common beginning of the lemma's forms and the written word (a lemma pymorphy3
    guesses for an unknown word may be longer than the word: УХСПЧ -> ухспча)."""
    from ..text.keys import _morph, _ru_aspect_pairs

    forms = {lemma} | ({written.lower().replace("ё", "е")} if written else set())
    for parse in _morph().parse(lemma):
        if parse.normal_form.replace("ё", "е") == lemma:  # "по-" comparatives are not inflections
            forms.update(f.word.replace("ё", "е") for f in parse.lexeme if "Cmp2" not in f.tag)
    stems = {os.path.commonprefix(sorted(forms))}
    for partner, perfective in _ru_aspect_pairs().items():
        if perfective == lemma and partner != lemma:
            stems |= _ru_stems(partner)
    return stems


def _uz_stems(word: str) -> set[str]:
    import alifbo

    head = keyer("uz").key(word)
    low = word.lower().translate(APOSTROPHE_TABLE)
    written = next((low[:n] for n in range(len(low), 0, -1) if head.startswith(uz_fold(low[:n]))), "")
    if not written:
        return {""}
    cut = 1 if len(written) < len(low) else 0  # a cut word may end in half a digraph (s of sh)
    if any("а" <= c <= "я" or c in "ўқғҳё" for c in written):
        latin = alifbo.from_cyrillic(written).text.lower()
        latin = latin.replace("ş", "sh").replace("ç", "ch").replace("ö", "o'").replace("ğ", "g'")
        other = {latin[: len(latin) - cut]}
    else:
        cyrillic = alifbo.to_cyrillic(written.replace("'", "‘")).text.lower()
        cyrillic = cyrillic[: len(cyrillic) - cut]
        other = {cyrillic, "э" + cyrillic[1:]} if cyrillic[:1] == "е" else {cyrillic}
    return {written} | other
