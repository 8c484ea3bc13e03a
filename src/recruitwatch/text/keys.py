"""Reduce a word to the key that lexicon forms and text are compared by.

Russian: dictionary lemma (pymorphy3), so every case form of a name or noun
meets its lexicon entry. Uzbek: one key for both scripts and every apostrophe
(alifbo), with case and derivational suffixes stripped. Tajik, Kyrgyz, Kazakh:
lower case with suffixes stripped. English: lower case without plural or 's.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from ..extract.data_files import extract_data

APOSTROPHE_TABLE = str.maketrans({c: "'" for c in "’‘ʻʼ`"})


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1)
def _morphology() -> dict:
    return extract_data("morphology.yaml")


@cache
def _suffixes(lang: str) -> tuple[tuple[str, ...], int]:
    data = _morphology()
    raw = data["suffixes"].get(lang, [])
    if lang == "uz":
        raw = [uz_fold(s) for s in raw]
    ordered = tuple(sorted(set(raw), key=len, reverse=True))
    return ordered, int(data.get("min_stem", 3))


def strip_suffixes(word: str, lang: str) -> str:
    suffixes, min_stem = _suffixes(lang)
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
                word = word[: -len(suffix)]
                changed = True
                break
    return word


_PLAIN_LATIN = re.compile(r"[A-Za-z'’‘ʻʼ`]+")


@lru_cache(maxsize=262_144)
def uz_fold(word: str) -> str:
    """One key for both Uzbek scripts and every apostrophe (alifbo's search key).

    Plain Latin words, most of any Uzbek Latin text, take a fast path that gives
    the same key as alifbo (checked by a test); alifbo does everything else.
    """
    if _PLAIN_LATIN.fullmatch(word):
        w = word.translate(APOSTROPHE_TABLE).lower()
        w = w.replace("ng'", "ngʻ")  # alifbo reads n-g as the digraph ng, not n + gʻ
        return w.replace("o'", "ö").replace("g'", "ğ").replace("sh", "ş").replace("ch", "ç").replace("'", "ʼ")
    import alifbo

    return alifbo.fold_search_key(word.translate(APOSTROPHE_TABLE))


class _Unparsed(NamedTuple):
    """Stands in for a pymorphy3 parse of a word it cannot analyse."""

    normal_form: str
    tag: str = ""


@lru_cache(maxsize=262_144)
def ru_parse(word: str):
    """Best pymorphy3 parse of a Russian word (cached: news repeats its words)."""
    try:
        return _morph().parse(word)[0]
    except (KeyError, ValueError, IndexError):  # pymorphy3 trips on some rare Unicode letters
        return _Unparsed(word)


@lru_cache(maxsize=1)
def _ru_aspect_pairs() -> dict[str, str]:
    pairs = _morphology().get("ru_aspect_pairs") or {}
    return {str(k).replace("ё", "е"): str(v).replace("ё", "е") for k, v in pairs.items()}


def _ru_key(word: str) -> str:
    """The lemma, with an imperfective verb keyed as its perfective partner (aspect pairs)."""
    lemma = ru_parse(word.lower()).normal_form.replace("ё", "е")
    return _ru_aspect_pairs().get(lemma, lemma)


def _en_key(word: str) -> str:
    w = word.lower().translate(APOSTROPHE_TABLE)
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("s'"):
        w = w[:-1]
    irregular = _morphology()["en_irregular"]
    if w in irregular:
        return irregular[w]
    if len(w) > 4:
        if w.endswith("ies"):
            return w[:-3] + "y"
        if w.endswith(("sses", "xes", "ches", "shes", "zes")):
            return w[:-2]
        if w.endswith("s") and not w.endswith(("ss", "us", "is", "ys")):
            return w[:-1]
    return w


def _uz_key(word: str) -> str:
    return strip_suffixes(uz_fold(word), "uz")


def _turkic_key(lang: str):
    def key(word: str) -> str:
        return strip_suffixes(word.lower(), lang)

    return key


def _lower(word: str) -> str:
    return word.lower().translate(APOSTROPHE_TABLE)


# Language -> (key of a word, fold used for prefix `*` forms).
_KEYERS = {
    "en": (_en_key, _lower),
    "ru": (_ru_key, lambda w: w.lower().replace("ё", "е")),
    "uk": (_ru_key, lambda w: w.lower().replace("ё", "е")),
    "uz": (_uz_key, uz_fold),
    "tg": (_turkic_key("tg"), str.lower),
    "ky": (_turkic_key("ky"), str.lower),
    "kk": (_turkic_key("kk"), str.lower),
}


class Keyer:
    """Cached key and fold functions for one language."""

    def __init__(self, lang: str):
        key, fold = _KEYERS.get(lang, _KEYERS["en"])
        self.lang = lang
        self.key = lru_cache(maxsize=262_144)(key)
        self.fold = lru_cache(maxsize=262_144)(fold)


@cache
def keyer(lang: str) -> Keyer:
    return Keyer(lang)


# Plural endings, possibly followed by a case ending: муҳоҷирон, муҳоҷирҳо; мигранттар, жарандардын.
PLURAL_ENDINGS = {
    "tg": re.compile(r"(?:ҳо|он|ён|гон)(?:и|ро|ба)?$"),
    "ky": re.compile(r"(?:лар|лер|тар|тер|дар|дер|лор|лөр|тор|төр|дор|дөр)\w{0,4}$"),
    "kk": re.compile(r"(?:лар|лер|тар|тер|дар|дер)\w{0,4}$"),
}
