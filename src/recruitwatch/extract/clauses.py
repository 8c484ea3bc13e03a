"""Cut a sentence into clauses, so a value is judged by the clause it stands in.

"Police detained Aziz; activists say recruiters usually promise such men
money" is one sentence with a case and a general remark. The breaks are
punctuation and the words that start a clause (scope.yaml clause_breaks);
the cut is shallow on purpose: it only needs to keep a hedge, a tally or
another person's story from lending its tone to a value next to it.
"""

from __future__ import annotations

import bisect
from functools import cache

from .analysis import Analysis
from .data_files import extract_data


@cache
def _breaks(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    block = extract_data("scope.yaml").get("clause_breaks") or {}
    punctuation = frozenset(str(p) for p in block.get("punctuation") or ())
    words = frozenset(str(w).lower() for w in (block.get("words") or {}).get(lang) or ())
    return punctuation, words


def clause_starts(doc: Analysis, sentence: int) -> list[int]:
    """Character offsets where the clauses of a sentence start (the first is the sentence's start)."""
    punctuation, words = _breaks(doc.lang)
    start, end = doc.sentences[sentence]
    starts = [start]
    previous_end = start
    for i in doc.token_range(sentence):
        token = doc.tokens[i]
        gap = doc.text[previous_end : token.start]
        breaks = any(p in gap for p in punctuation) or token.text.lower() in words
        if breaks and token.start > starts[-1]:
            starts.append(token.start)
        previous_end = token.end
    return starts


def clause_of(starts: list[int], offset: int) -> int:
    """Index of the clause (from clause_starts) that holds a character offset."""
    return max(0, bisect.bisect_right(starts, offset) - 1)
