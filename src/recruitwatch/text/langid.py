"""Which language a text is in: py3langid, corrected by letters that only some languages use.

py3langid knows Uzbek, Tajik, Kyrgyz and Kazakh, but on short or mixed texts it
confuses the Cyrillic ones with Russian; their own letters settle it. Tajik and
Uzbek Cyrillic share ҳ, қ and ғ (so neither owns them), and some Tajik sites type
ў for ӯ: there their common words (data/langid.yaml) decide.
"""

from __future__ import annotations

import re
from functools import lru_cache

_UZ_CYRL = re.compile(r"[ўЎ]")
_SHARED = re.compile(r"[ҳқғҲҚҒ]")  # Tajik and Uzbek (қ, ғ also Kazakh)
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


# py3langid reads this much: its answer settles within a few hundred words, and the
# classifier is the costliest step of a near-topic text that stops early.
LANGID_SAMPLE = 2000
# Enough for text the keyword screen stopped, where the language is only metadata: on the
# annotated corpora it gives the same answer as LANGID_SAMPLE for every text.
SHORT_SAMPLE = 200


def detect_language(text: str, sample: int = LANGID_SAMPLE) -> str:
    """ISO 639-1 code; 'und' when the text has no letters. py3langid reads `sample` characters;
    the letters of Turkic and Tajik Cyrillic are counted over more."""
    head = text[:sample]
    sample = text[:5000]
    if not any(ch.isalpha() for ch in sample):
        return "und"
    cyrl = len(_CYRL.findall(sample))
    if cyrl > 20:
        found = _cyrillic_turkic_or_tajik(sample, cyrl)
        if found:
            return found
    lang, _ = _identifier().classify(head)
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


def _cyrillic_turkic_or_tajik(sample: str, cyrl: int) -> str | None:
    """tg, kk, ky or uz where their letters (and, between Tajik and Uzbek, their words) say so."""
    floor = max(3, cyrl * 0.004)
    tg, uz = len(_TG.findall(sample)), len(_UZ_CYRL.findall(sample))
    kk, ky = len(_KK.findall(sample)), len(_KY.findall(sample))
    shared = len(_SHARED.findall(sample))
    if kk >= floor and kk >= ky / 2 and kk > tg:
        return "kk"
    if ky >= floor and ky > tg + uz:
        return _kk_or_ky(sample) if kk else "ky"
    if tg + uz >= floor or shared >= floor:
        words = _common_word_counts(sample)
        tg_score, uz_score = tg + 2 * words["tg"], uz + 2 * words["uz"]
        if tg_score == uz_score == 0:
            return None
        return "tg" if tg_score > uz_score else "uz"
    return None


def _kk_or_ky(sample: str) -> str:
    words = _common_word_counts(sample)
    return "kk" if words["kk"] > words["ky"] else "ky"


_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _common_words() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The languages of data/langid.yaml, and for each common word the languages it belongs to."""
    from ..extract.data_files import extract_data

    block = extract_data("langid.yaml")["common_words"]
    owners: dict[str, list[str]] = {}
    for lang, words in block.items():
        for word in words:
            owners.setdefault(str(word).lower(), []).append(lang)
    return tuple(block), {word: tuple(langs) for word, langs in owners.items()}


def _common_word_counts(sample: str) -> dict[str, int]:
    """How many words of the sample are common words of each language."""
    langs, owners = _common_words()
    counts = dict.fromkeys(langs, 0)
    for word in _WORD.findall(sample.lower()):
        for lang in owners.get(word, ()):
            counts[lang] += 1
    return counts
