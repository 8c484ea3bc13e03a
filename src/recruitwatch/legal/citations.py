"""Legal citations in text -> codes of the contract (RU/115-FZ/15, UZ/CC/154-1, ...).

An article number is only turned into a code when the text names the
instrument near it; "Article 15" alone cites nothing we could check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ..extract.cache import cached
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


@lru_cache(maxsize=1)
def _instrument_data() -> dict:
    return load_data("recruitwatch.legal", "instruments.yaml")


@cache
def _instrument_index(lang: str) -> PhraseIndex:
    """Instrument names (strong, weak, generic) and jurisdiction words, compiled for `lang`."""
    return cached(f"instruments-{lang}", ("recruitwatch.legal",), lambda: _build_instrument_index(lang))


def _build_instrument_index(lang: str) -> PhraseIndex:
    data = _instrument_data()
    index = PhraseIndex(lang)
    langs = form_languages(lang) + ("en",)
    for item in data.get("instruments") or ():
        for role, block in (("strong", item.get("forms")), ("weak", item.get("weak_forms"))):
            for form_lang in langs:
                for form in (block or {}).get(form_lang) or ():
                    index.add(form, "instruments", item["code"], role)
        for form in item.get("number_forms") or ():
            index.add(form, "instruments", item["code"], "strong")
    for kind, block in (data.get("generic_instruments") or {}).items():
        for form_lang in langs:
            for form in block.get(form_lang) or ():
                index.add(form, "instruments", kind, "generic")
    for country, block in (data.get("default_by_jurisdiction_word") or {}).items():
        for form_lang in langs:
            for form in block.get(form_lang) or ():
                index.add(form, "jurisdiction", country, "jurisdiction")
    return index


def _resolve_instruments(matches: list[Match], lang: str, sentences) -> list[tuple[str, int, int]]:
    """Turn instrument-name matches into (code, start, end), settling weak and generic names."""
    data = _instrument_data()
    known = {item["code"] for item in data.get("instruments") or ()}
    jurisdictions = [m for m in matches if m.group == "jurisdiction"]
    names = [m for m in matches if m.group == "instruments"]
    # Where names overlap, the longest wins ("Criminal Code of Uzbekistan" over "Criminal Code").
    names.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Match] = []
    for m in names:
        if kept and m.start < kept[-1].end:
            if m.entry.role == "strong" and kept[-1].entry.role != "strong" and m.end >= kept[-1].end:
                kept[-1] = m
            continue
        kept.append(m)
    resolved = []
    for m in kept:
        if m.entry.role == "strong":
            resolved.append((m.concept, m.start, m.end))
            continue
        country = _nearest_jurisdiction(m, jurisdictions, sentences)
        if m.entry.role == "weak":
            if country and m.concept.startswith(country + "/"):
                resolved.append((m.concept, m.start, m.end))
            continue
        country = country or (data.get("default_without_country") or {}).get(lang)
        code = f"{country}/{m.concept}" if country else None
        if code in known:
            resolved.append((code, m.start, m.end))
    return resolved


def _nearest_jurisdiction(m: Match, jurisdictions: list[Match], sentences) -> str | None:
    sentence = _sentence_of(m.start, sentences)
    best, best_distance = None, None
    for j in jurisdictions:
        if not (sentence[0] <= j.start < sentence[1]):
            continue
        distance = j.start - m.end if j.start >= m.end else m.start - j.end
        if distance > 80:
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = j.concept, distance
    return best


def find_citations(
    text: str,
    lang: str,
    tokens: list[Token],
    sentences: list[tuple[int, int]],
    start: int = 0,
    end: int | None = None,
) -> list[Citation]:
    end = len(text) if end is None else end
    instruments = _resolve_instruments(_instrument_index(lang).find(tokens), lang, sentences)
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
    for code, start, end in instruments:
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
