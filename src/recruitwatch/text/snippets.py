"""Why a search result matched: the first passage of a text holding a query word, cut around it.

A word counts as the search index counts it (search_keys): as written, or by a
prefix the query asked for (which covers inflections: "мигра*" finds
"мигрантов"); a capitalised Latin query word (a name) also matches the
Uzbek-folded spelling of a Cyrillic one, so Давлатову is found for Davlatov. One compiled
pattern finds the plain forms; words are folded one by one only when that
finds nothing and the query holds a name, so a search page stays fast.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .keys import uz_fold
from .search_keys import looks_like_a_name, query_terms
from .tokens import WORD_RE

WIDTH = 90  # characters of context on each side


@lru_cache(maxsize=256)
def _pattern(alternatives: frozenset[str]) -> re.Pattern:
    parts = sorted(alternatives, key=len, reverse=True)
    rendered = [re.escape(a[:-1]) + r"\w*" if a.endswith("*") else re.escape(a) + r"(?!\w)" for a in parts]
    return re.compile(r"(?<!\w)(?:" + "|".join(rendered) + ")", re.IGNORECASE)


def _folded_match(text: str, alternatives: frozenset[str]) -> tuple[int, int] | None:
    for m in WORD_RE.finditer(text):
        word = m.group()
        if not word[:1].isupper():
            continue
        folded = uz_fold(word)
        for alt in alternatives:
            if folded == alt or (alt.endswith("*") and folded.startswith(alt[:-1])):
                return m.span()
    return None


def snippet(text: str | None, query: str, width: int = WIDTH) -> tuple[str, str, str] | None:
    """(before, the matching word, after) of the first match in `text`, or None."""
    if not text or not query:
        return None
    alternatives = frozenset(alt for alts in query_terms(query) for alt in alts if alt.rstrip("*"))
    if not alternatives:
        return None
    # a word of five letters or more also as its stem less the last letter (Москва -> Москве, Москву):
    # only for marking the passage; which incidents match is the index's business
    alternatives |= {a[:-1] + "*" for a in alternatives if not a.endswith("*") and len(a) >= 5}
    found = _pattern(alternatives).search(text)
    span = found.span() if found else None
    if span is None and any(looks_like_a_name(w) and w.isascii() for w in WORD_RE.findall(query)):
        span = _folded_match(text, alternatives)  # a Latin name in a Cyrillic text (Davlatov, Давлатову)
    if span is None:
        return None
    start, end = span
    before = _edge(text[max(0, start - width):start], left=start > width)
    after = _edge(text[end:end + width], left=False, cut=end + width < len(text))
    return before, text[start:end], after


def _edge(piece: str, *, left: bool, cut: bool = False) -> str:
    """Context on one side: whole words only, spaces collapsed, an ellipsis where the text goes on."""
    piece = " ".join(piece.split()) if piece.strip() else piece
    if left:
        piece = "…" + piece.split(" ", 1)[1] if " " in piece else "…" + piece
    elif cut:
        piece = piece.rsplit(" ", 1)[0] + "…" if " " in piece else piece + "…"
    return piece
