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


WINDOW = 1_000_000  # huge inputs are lower-cased a window at a time, to bound memory
OVERLAP = 64  # longer than any stem, so none is cut at a window's edge


def screen(text: str) -> ScreenResult:
    automaton, families = _automaton()
    hits = dict.fromkeys(families, 0)
    start = 0
    while True:
        end = min(len(text), start + WINDOW)
        low = text[start:end].lower()
        stop = len(low) if end == len(text) else len(low) - OVERLAP
        n = len(low)
        for last, (family, prefix, length) in automaton.iter(low):
            first = last - length + 1
            if first >= stop:
                continue  # counted in the next window
            if first > 0 and low[first - 1].isalnum():
                continue
            if not prefix and last + 1 < n and low[last + 1].isalnum():
                continue
            hits[family] += 1
        if end == len(text):
            break
        start = end - OVERLAP
    return ScreenResult(all(hits.values()), hits)
