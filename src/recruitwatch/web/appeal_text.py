"""The public appeal form's words in its six languages (data/appeal_strings.yaml), and choosing the language.

The staff interface speaks en, ru and uz through gettext; the people who
appeal read Uzbek in either script, Tajik, Kyrgyz, Russian or English, so the
form keeps its own small table. Without a choice or a matching browser
language it speaks Russian, the language most migrants from Central Asia in
Russia read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import yaml

APPEAL_DEFAULT = "ru"
_FILE = Path(__file__).parent / "data" / "appeal_strings.yaml"


@cache
def _data() -> dict:
    return yaml.safe_load(_FILE.read_text(encoding="utf-8"))


def appeal_languages() -> dict[str, str]:
    """Code → the language's own name, in the order the form offers them."""
    return {code: entry["name"] for code, entry in _data()["languages"].items()}


def is_verified(lang: str) -> bool:
    return bool(_data()["languages"].get(lang, {}).get("verified"))


def pick_appeal_language(requested: str | None, accept_language: str | None) -> str:
    """?lang= first (exact code), then the browser's list (uz-Cyrl before uz), then Russian."""
    codes = appeal_languages()
    if requested in codes:
        return requested
    by_lower = {code.lower(): code for code in codes}
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        for candidate in (tag, "-".join(tag.split("-")[:2]), tag.split("-")[0]):
            if candidate in by_lower:
                return by_lower[candidate]
    return APPEAL_DEFAULT


def translator(lang: str) -> Callable[..., str]:
    """t(key, **values): the string in `lang` (English if missing), with {placeholders} filled."""
    strings = _data()["strings"]

    def t(key: str, **values) -> str:
        entry = strings.get(key)
        if entry is None:
            return key
        text = entry.get(lang) or entry["en"]
        return text.format(**values) if values else text

    return t
