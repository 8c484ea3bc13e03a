"""The tipline's words: its own (data/tipline_strings.yaml) and the appeal form's, in the six appeal languages.

Uzbek in Cyrillic is transliterated from the Latin text, keeping commands
(/forget) and placeholders ({count}) as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from ..extract.data_files import load_data
from ..legal.uzbek_script import latin_to_cyrillic
from ..web.appeal_text import appeal_languages, translator

DERIVED = {"uz-Cyrl": "uz"}
_KEPT = re.compile(r"(/[a-z_]+|\{[a-z_]+\})")


@cache
def strings() -> dict[str, dict[str, str]]:
    return load_data("recruitwatch.tipline", "tipline_strings.yaml")["strings"]


def languages() -> dict[str, str]:
    """Code → the language's own name: the appeal form's languages, in its order."""
    return appeal_languages()


def to_cyrillic(text: str) -> str:
    return "".join(part if _KEPT.fullmatch(part) else latin_to_cyrillic(part) for part in _KEPT.split(text) if part)


def texts(lang: str) -> Callable[..., str]:
    """t(key, **values): a tipline string, else the appeal form's, in `lang` (English when missing)."""
    appeal = translator(lang)
    own = strings()

    def t(key: str, **values) -> str:
        entry = own.get(key)
        if entry is None:
            return appeal(key, **values)
        text = entry.get(lang)
        if text is None and lang in DERIVED and entry.get(DERIVED[lang]):
            text = to_cyrillic(entry[DERIVED[lang]])
        text = text or entry["en"]
        return text.format(**values) if values else text

    return t
