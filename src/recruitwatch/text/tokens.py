"""Words and sentences with their character offsets into the analysed text.

Offsets are the backbone of evidence: every quote is text[start:end], so
nothing here may change the text, only point into it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Letters and digits, joined across the apostrophes Uzbek writes inside words
# (o'zbek, oʻzbek, o‘zbek, oʼzbek) and English contractions (didn't).
WORD_RE = re.compile(r"[^\W_]+(?:['’‘ʻʼ`][^\W_]+)*")

# A sentence ends at . ! ? … (with closing quotes/brackets) before a capital,
# a digit, an opening quote or a dash; or at a line break.
_BOUNDARY_RE = re.compile(
    r"(?<=[.!?…])[\"'»”’)\]]*\s+(?=[\"'«“„‘(\[—–-]?\s*[A-ZА-ЯЁЎҚҒҲӢӮҶҢӨҮӘІҰҺ0-9])|\n\s*"
)


class Token(NamedTuple):
    """A word and its offsets (a named tuple: texts have thousands, and a tuple is made
    several times faster than a frozen dataclass)."""

    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text, start, end)]


def split_sentences(text: str, abbreviations: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Sentence spans, trimmed of surrounding white space; never empty spans."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _BOUNDARY_RE.finditer(text):
        if "\n" not in m.group() and _after_abbreviation(text, m.start(), abbreviations):
            continue
        _add_span(text, begin, m.start(), spans)
        begin = m.end()
    _add_span(text, begin, len(text), spans)
    return spans


def _after_abbreviation(text: str, pos: int, abbreviations: frozenset[str]) -> bool:
    # Walk back over closing punctuation to the word before the full stop.
    i = pos
    while i > 0 and text[i - 1] in "\"'»”’)]":
        i -= 1
    if i == 0 or text[i - 1] != ".":
        return False
    j = i - 1
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j : i - 1]
    if len(word) == 1 and word.isupper():  # an initial: "O. Romanova"
        return True
    return word.lower() in abbreviations


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
