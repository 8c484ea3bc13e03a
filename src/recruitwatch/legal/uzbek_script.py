"""Uzbek Latin to Cyrillic for the help pages' uz-Cyrl texts: alifbo, with the orthography's two
exceptions it gets wrong in these texts (data/uz_cyrillic.yaml): "ts" is "ц" only in Russian
loanwords, and borrowed month names keep their soft sign."""

from __future__ import annotations

import re
from functools import cache

from ..extract.data_files import load_data

_SPLIT = "\u200c"  # a zero-width non-joiner keeps t and s apart through alifbo, then goes


@cache
def kept_in_latin() -> tuple[str, ...]:
    """Names and acronyms left in Latin script (RecruitWatch, MINREX)."""
    return tuple(str(t) for t in load_data("recruitwatch.legal", "uz_cyrillic.yaml")["kept_in_latin"])


@cache
def _rules() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    data = load_data("recruitwatch.legal", "uz_cyrillic.yaml")
    loan = "|".join(re.escape(str(s)) for s in data["ts_is_one_letter_before"])
    # "ts" stays one letter at the start of a word or before a loanword shape; else it is t + s.
    two_letters = re.compile(rf"(?<=\w)(t)(s)(?!{loan})", re.IGNORECASE)
    months = {str(k): str(v) for k, v in data["months"].items()}
    stems = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    month = re.compile(rf"\b({stems})(?=[а-яўқғҳ]*\b)", re.IGNORECASE)
    return two_letters, month, months


def latin_to_cyrillic(text: str) -> str:
    """n+gʻ is two letters in these texts, never the digraph ng; apostrophes are normalised first so
    that oʻ and gʻ are recognised however they were typed; the project's name stays Latin while its
    Uzbek suffix is converted (RecruitWatchga -> RecruitWatchга)."""
    import alifbo

    two_letters, month, months = _rules()
    normalised = two_letters.sub(rf"\1{_SPLIT}\2", alifbo.normalize_apostrophes(text))
    cyrillic = alifbo.to_cyrillic(normalised, ng_as_digraph=False, protected_terms=kept_in_latin()).text
    cyrillic = cyrillic.replace(_SPLIT, "")
    return month.sub(lambda m: _same_case(m.group(1), months[m.group(1).lower()]), cyrillic)


def _same_case(found: str, replacement: str) -> str:
    return replacement[0].upper() + replacement[1:] if found[:1].isupper() else replacement
