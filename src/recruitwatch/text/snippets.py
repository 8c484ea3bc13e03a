"""Why a search result matched: the first passage of a text holding a query word, cut around it.

A word counts as the search index counts it (search_keys): as written, by its
key in the text's language (a Russian lemma, a folded Uzbek stem), or by a
prefix the query asked for; a capitalised query word (a name) also matches the
Uzbek-folded spelling, so Давлатову is found for Davlatov.
"""

from __future__ import annotations

from .keys import keyer, uz_fold
from .search_keys import query_terms
from .tokens import WORD_RE

WIDTH = 90  # characters of context on each side


def _hit(alternatives: set[str], forms: tuple[str, ...]) -> bool:
    for alt in alternatives:
        if alt.endswith("*"):
            if any(form.startswith(alt[:-1]) for form in forms):
                return True
        elif alt in forms:
            return True
    return False


def snippet(text: str | None, query: str, lang: str | None, width: int = WIDTH) -> tuple[str, str, str] | None:
    """(before, the matching word, after) of the first match in `text`, or None."""
    if not text or not query:
        return None
    terms = query_terms(query)
    if not terms:
        return None
    starts = {alt.rstrip("*")[:2] for alternatives in terms for alt in alternatives}
    k = keyer(lang) if lang else None
    for m in WORD_RE.finditer(text):
        word = m.group()
        low = word.lower()
        folded = uz_fold(word) if word[:1].isupper() else low
        if low[:2] not in starts and folded[:2] not in starts:
            continue  # most words share no first letters with the query: no key to compute
        forms = (low, folded, k.key(word) if k else low)
        if any(_hit(alternatives, forms) for alternatives in terms):
            start, end = m.span()
            return _edge(text[max(0, start - width):start], left=start > width), word, _edge(text[end:end + width], left=False, cut=end + width < len(text))
    return None


def _edge(piece: str, *, left: bool, cut: bool = False) -> str:
    """Context on one side: whole words only, spaces collapsed, an ellipsis where the text goes on."""
    piece = " ".join(piece.split()) if piece.strip() else piece
    if left:
        piece = "…" + piece.split(" ", 1)[1] if " " in piece else "…" + piece
    elif cut:
        piece = piece.rsplit(" ", 1)[0] + "…" if " " in piece else piece + "…"
    return piece
