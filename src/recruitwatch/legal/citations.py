"""Legal citations in text -> codes of the contract (RU/115-FZ/15, UZ/CC/154-1, ...).

An article number is only turned into a code when the text names the
instrument near it; "Article 15" alone cites nothing we could check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..extract.data_files import load_data
from ..extract.lexicons import form_languages
from ..extract.matcher import Match, PhraseIndex
from ..text.tokens import Token

NUM = r"\d{1,4}(?:-\d{1,2})?(?:\.\d{1,2})?"
_EN = re.compile(
    rf"(?:\b[Pp](?:art|t\.?)\s+(?P<part>\d+)\s+of\s+)?\b(?:Articles?|Arts?\.|Art\.?|article|articles)\s+"
    rf"(?P<nums>{NUM}(?:\s*\(\d+\))?(?:\s*(?:,|and|or|&)\s*{NUM})*)"
    r"(?:\s*,?\s*(?:[Pp]art|[Pp]aragraph|§)\s+(?P<part2>\d+))?"
)
_RU = re.compile(
    rf"(?:(?:\bч\.|\bчаст[иьюей]{{1,2}})\s*(?P<part>\d+)\s+)?(?:\bст\.|\bстат(?:ья|ьи|ье|ью|ьей|ьям|ьями|ьях|ей))\s*"
    rf"(?P<nums>{NUM}(?:\s*(?:,|и|или)\s*{NUM})*)"
    r"(?:\s*,?\s*(?:ч\.|част[иьюей]{1,2})\s*(?P<part2>\d+))?",
    re.IGNORECASE,
)
_UZ = re.compile(
    rf"(?P<nums>{NUM}(?:\s*-?\s*(?:,|va|ва|hamda|ҳамда)\s*{NUM})*)\s*-\s*(?:modda|модда)\w*"
    r"(?:\s+(?P<part2>\d+)\s*-\s*(?:qism|қисм)\w*)?",
    re.IGNORECASE,
)
_PART_BEFORE_UZ = re.compile(r"(?P<part>\d+)\s*-\s*(?:qism|қисм)\w*\s*$", re.IGNORECASE)
_LAW_NUMBER = re.compile(r"\b(?:No\.?\s*|№\s*)?(?P<num>\d{1,4})\s*-\s*(?:FZ|ФЗ|ФКЗ|FKZ)\b", re.IGNORECASE)
_SPLIT_NUMS = re.compile(rf"{NUM}")


@dataclass(frozen=True, slots=True)
class Citation:
    code: str  # JURISDICTION/INSTRUMENT/ARTICLE
    start: int
    end: int  # span of the article mention and its instrument


@lru_cache(maxsize=None)
def _instrument_index(lang: str) -> PhraseIndex:
    data = load_data("recruitwatch.legal", "instruments.yaml")
    index = PhraseIndex(lang)
    for item in data.get("instruments") or ():
        for form_lang in form_languages(lang) + ("en",):
            for form in (item.get("forms") or {}).get(form_lang) or ():
                index.add(form, "instruments", item["code"])
        for form in item.get("number_forms") or ():
            index.add(form, "instruments", item["code"])
    return index


def find_citations(
    text: str,
    lang: str,
    tokens: list[Token],
    sentences: list[tuple[int, int]],
    start: int = 0,
    end: int | None = None,
) -> list[Citation]:
    end = len(text) if end is None else end
    instruments = _instrument_index(lang).find(tokens)
    instruments += _law_number_matches(text, start, end)
    citations: list[Citation] = []
    for pattern in (_EN, _RU, _UZ):
        for m in pattern.finditer(text, start, end):
            sentence = _sentence_of(m.start(), sentences)
            instrument = _nearest_instrument(m, instruments, sentence)
            if instrument is None:
                continue
            code, ins_start, ins_end = instrument
            part = m.group("part") if "part" in m.groupdict() else None
            if pattern is _UZ and not part:
                before = _PART_BEFORE_UZ.search(text, max(0, m.start() - 20), m.start())
                part = before.group("part") if before else None
            part = part or m.groupdict().get("part2")
            numbers = _SPLIT_NUMS.findall(m.group("nums"))
            for i, number in enumerate(numbers):
                article = f"{number}.{part}" if part and i == 0 and len(numbers) == 1 else number
                citations.append(Citation(f"{code}/{article}", min(m.start(), ins_start), max(m.end(), ins_end)))
    return citations


def _law_number_matches(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(f"RU/{m.group('num')}-FZ", m.start(), m.end()) for m in _LAW_NUMBER.finditer(text, start, end)]


def _sentence_of(pos: int, sentences: list[tuple[int, int]]) -> tuple[int, int]:
    for start, end in sentences:
        if start <= pos < end:
            return start, end
    return pos, pos + 1


def _nearest_instrument(m: re.Match, instruments, sentence) -> tuple[str, int, int] | None:
    """The instrument named closest after the article (up to 200 chars) or before it (120)."""
    best, best_distance = None, None
    s_start, s_end = sentence
    for item in instruments:
        if isinstance(item, Match):
            code, start, end = item.concept, item.start, item.end
        else:
            code, start, end = item
        if start >= m.end():
            distance = start - m.end()
            if distance > 200 or start >= s_end:
                continue
        elif end <= m.start():
            distance = (m.start() - end) * 1.5
            if m.start() - end > 120 or end <= s_start:
                continue
        else:
            distance = 0
        if best_distance is None or distance < best_distance:
            best, best_distance = (code, start, end), distance
    return best
