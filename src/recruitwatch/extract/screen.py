"""The fast screen: one Aho-Corasick pass over lower-cased text, before any real work.

Keeps every text that has both a military stem and a target stem (high
recall); everything else, most of the world's news, stops here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .data_files import extract_data

_APOSTROPHES = ("'", "’", "‘", "ʻ", "ʼ", "`")


@dataclass(frozen=True)
class ScreenResult:
    passed: bool
    hits: dict[str, int]


def _variants(stem: str, lang: str) -> set[str]:
    forms = {stem}
    if "'" in stem:
        forms |= {stem.replace("'", a) for a in _APOSTROPHES}
    if lang == "uz":
        import alifbo

        cyr = alifbo.to_cyrillic(stem.replace("'", "‘")).text.lower()
        if cyr:
            forms.add(cyr)
    return forms


@lru_cache(maxsize=1)
def _automaton():
    import ahocorasick

    automaton = ahocorasick.Automaton()
    families = extract_data("screen.yaml")["families"]
    for family, by_lang in families.items():
        for lang, stems in by_lang.items():
            for raw in stems:
                prefix = raw.endswith("*")
                stem = raw.rstrip("*").lower()
                for form in _variants(stem, lang):
                    existing = automaton.get(form, None)
                    payload = (family, prefix or (existing[1] if existing else False), len(form))
                    automaton.add_word(form, payload)
    automaton.make_automaton()
    return automaton, tuple(families)


def screen(text: str) -> ScreenResult:
    automaton, families = _automaton()
    low = text.lower()
    n = len(low)
    hits = dict.fromkeys(families, 0)
    for end, (family, prefix, length) in automaton.iter(low):
        start = end - length + 1
        if start > 0 and low[start - 1].isalnum():
            continue
        if not prefix and end + 1 < n and low[end + 1].isalnum():
            continue
        hits[family] += 1
    return ScreenResult(all(hits.values()), hits)
