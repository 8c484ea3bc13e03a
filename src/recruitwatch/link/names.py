"""Names compared across scripts and spellings: Yusuf = Юсуф = Yusup, Qurbonov = Kurbonov = Курбонов."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

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
SAME_NAME = 0.88  # Jaro-Winkler similarity of folded names above which two names are one
SAME_SURNAME = 0.85  # surnames vary more across romanisations
CLOSE_SURNAME = 0.75  # Otayev / Atayev: not proof of one person, not proof of two


@lru_cache(maxsize=65_536)
def fold_name(name: str) -> str:
    """A script-free, spelling-tolerant key of a name: 'Шуҳрат Қурбонов' -> 'shuhrat kurbonov'."""
    text = anyascii(name).lower()
    text = re.sub(r"[^a-z' ]+", " ", text)
    for old, new in _FOLDS:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text)  # doubled letters: Jamshiddin / Jamshidin
    return " ".join(text.split())


def name_similarity(a: str, b: str) -> float:
    """How alike two person names are, 0..1, comparing given names and, when both have one, surnames."""
    fa, fb = fold_name(a).split(), fold_name(b).split()
    if not fa or not fb:
        return 0.0
    first = JaroWinkler.similarity(fa[0], fb[0])
    if len(fa) > 1 and len(fb) > 1:
        return min(first, JaroWinkler.similarity(fa[-1], fb[-1]))
    return first


def name_match(names_a: list[str], names_b: list[str]) -> str | None:
    """'full' when given name and surname agree, 'given' when only given names can be
    compared and agree, 'different' when both are named and no name agrees, None when
    either is unnamed. A lone word equal to the other's surname is neither ('Юсуп' in
    'Бобур Юсупов' may be a clipped surname)."""
    if not names_a or not names_b:
        return None
    best = None
    for a in names_a:
        for b in names_b:
            fa, fb = fold_name(a).split(), fold_name(b).split()
            if not fa or not fb:
                continue
            given = JaroWinkler.similarity(fa[0], fb[0])
            if len(fa) > 1 and len(fb) > 1:
                surname = JaroWinkler.similarity(fa[-1], fb[-1])
                if given >= SAME_NAME and surname >= SAME_SURNAME:
                    return "full"
                if given >= SAME_NAME and surname >= CLOSE_SURNAME:
                    best = "given"
            elif given >= SAME_NAME:
                best = "given"
            elif len(fa) == 1 and len(fb) > 1 and fb[-1].startswith(fa[0]) or (
                len(fb) == 1 and len(fa) > 1 and fa[-1].startswith(fb[0])
            ):
                best = best or "unclear"
    if best == "unclear":
        return None
    return best or "different"


def same_person(names_a: list[str], names_b: list[str]) -> bool | None:
    """True when some name of one is some name of the other; False when both are named
    and none matches; None when either is unnamed (names cannot tell)."""
    if not names_a or not names_b:
        return None
    return any(name_similarity(a, b) >= SAME_NAME for a in names_a for b in names_b)
