"""Which language a text is in: py3langid, corrected by letters that only some languages use.

py3langid knows Uzbek, Tajik, Kyrgyz and Kazakh, but on short or mixed texts it
confuses the Cyrillic ones with Russian; their own letters settle it.
"""

from __future__ import annotations

import re
from functools import lru_cache

_UZ_CYRL = re.compile(r"[ўҳЎҲ]")
_QG = re.compile(r"[қғҚҒ]")
_TG = re.compile(r"[ӣӯҷӢӮҶ]")
_KK = re.compile(r"[әұһӘҰҺ]")
_KY = re.compile(r"[ңөүҢӨҮ]")
_UK = re.compile(r"[іїєґІЇЄҐ]")
_CYRL = re.compile(r"[а-яёА-ЯЁ]")
_UZ_LATIN = re.compile(r"\b(?:[oOgG]['ʻ‘’ʼ`]|[a-z]+(?:lik|liklar|ning|dagi|dan|lar)\b)")


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model, unpacked once per installed version: decompressing its LZMA file
    costs ~0.45 s at every start, loading the unpacked copy from the cache ~0.06 s."""
    from importlib.metadata import version

    from ..extract.cache import cached

    return cached(f"langid-{version('py3langid')}", (), _load_identifier)


def _load_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code; 'und' when the text has no letters."""
    sample = text[:5000]
    if not any(ch.isalpha() for ch in sample):
        return "und"
    cyrl = len(_CYRL.findall(sample))
    if cyrl > 20:
        tg = len(_TG.findall(sample))
        kk = len(_KK.findall(sample))
        ky = len(_KY.findall(sample))
        uz = len(_UZ_CYRL.findall(sample))
        floor = max(3, cyrl * 0.004)
        if tg >= floor and tg * 2 >= uz:
            return "tg"
        if kk >= floor and kk >= ky / 2:
            return "kk"
        if ky >= floor:
            return "ky"
        if uz >= floor or (uz and len(_QG.findall(sample)) >= floor):
            return "uz"
    lang, _ = _identifier().classify(sample)
    if lang in ("uz", "tg", "ky", "kk", "ru", "uk", "en"):
        if lang == "ru" and len(_UK.findall(sample)) > 5:
            return "uk"
        return lang
    # Uzbek Latin with its apostrophes and suffixes is often misread as Turkish or Latvian.
    if lang in ("tr", "az", "lv", "lt", "et", "fi", "sw", "id", "ms", "tk") and len(
        _UZ_LATIN.findall(sample)
    ) >= 3:
        return "uz"
    return lang
