"""Names compared across scripts and spellings: Yusuf = Юсуф = Yusup, Qurbonov = Kurbonov = Курбонов."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from ..text.namekeys import compare_names, parse_name, skeleton, spelling, words_agree

# Spellings that the same sound gets in Uzbek, Tajik, Russian and English romanisations.
_FOLDS = (
    ("'", ""),
    ("kh", "h"),
    ("x", "h"),
    ("q", "k"),
    ("gh", "g"),
    ("dzh", "j"),
    ("zh", "j"),
    ("iu", "yu"),
    ("ia", "ya"),
    ("ts", "s"),
    ("w", "v"),
    ("ee", "i"),
    ("oo", "u"),
)


@lru_cache(maxsize=65_536)
def fold_name(name: str) -> str:
    """A script-free, spelling-tolerant key of a name: 'Шуҳрат Қурбонов' -> 'shuhrat kurbonov'."""
    text = anyascii(name).lower()
    text = re.sub(r"[^a-z' ]+", " ", text)
    for old, new in _FOLDS:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text)  # doubled letters: Jamshiddin / Jamshidin
    return " ".join(text.split())


def name_match(names_a: list[str], names_b: list[str]) -> str | None:
    """'full' when two words of a name agree (given name and surname, any order, any script:
    namekeys.py), 'given' when one word agrees and one side has no other, 'different' when both
    are named and no pair of names agrees so, None when either is unnamed. One agreeing word with
    another word that differs on both sides is different people (sisters: Manpreet and Harpreet Kaur)."""
    if not names_a or not names_b:
        return None
    best = "different"
    for a in names_a:
        for b in names_b:
            na, nb = parse_name(a), parse_name(b)
            agreement = compare_names(na, nb)
            if agreement.level == "full":
                return "full"
            if agreement.level == "partial" and (agreement.unmatched_a == 0 or agreement.unmatched_b == 0):
                if _first_words_agree(na, nb):
                    best = "given"
                elif best == "different":
                    best = "unclear"  # 'Karimov' beside 'Yusuf Karimov': a clipped surname, or his brother
    return None if best == "unclear" else best


def _first_words_agree(a, b) -> bool:
    fa, fb = a.full_words, b.full_words
    return bool(fa and fb) and words_agree(fa[0], fb[0])


def same_person(names_a: list[str], names_b: list[str]) -> bool | None:
    """True when some name of one is some name of the other; False when both are named
    and none matches; None when either is unnamed (names cannot tell)."""
    if not names_a or not names_b:
        return None
    return name_match(names_a, names_b) in ("full", "given")


# Surnames made from a given name: Karimov, Karimova, Karimzoda, Каримов.
_SURNAME_ENDINGS = re.compile(r"(?:ovich|evich|ovna|evna|ova|eva|ov|ev|zoda|zade|zod|iy|uly|ulu|kyzy|qizi)$")


@lru_cache(maxsize=1)
def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    """Skeletons (of three consonants or more) and spellings of the gazetteer's given names."""
    from ..extract.data_files import extract_data

    names = extract_data("given_names.yaml").get("names") or {}
    words = [w for region in names.values() for script in region.values() for raw in script or ()
             for w in parse_name(str(raw)).full_words]
    return frozenset(w.skeleton for w in words if len(w.skeleton) >= 3), frozenset(spelling(w.text) for w in words)


def _common_word(text: str) -> bool:
    skeletons, spellings = _given_names()
    return spelling(text) in spellings or (len(skeleton(text)) >= 3 and skeleton(text) in skeletons)


@lru_cache(maxsize=65_536)
def common_name(name: str) -> bool:
    """Is every word of the name a common given name, or a surname made from one (Yusuf Karimov)?
    Such names recur among different people, so agreeing on one proves less (data/given_names.yaml).
    Short words count only when spelt as listed (Ravi is common; Moun, whose consonants are Amin's, is not)."""
    words = parse_name(name).full_words
    return bool(words) and all(_common_word(w.text) or _common_word(_SURNAME_ENDINGS.sub("", w.text)) for w in words)
