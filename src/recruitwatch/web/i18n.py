"""Interface languages: gettext catalogues (.po, read with Babel) and vocabulary labels (YAML).

The .po files are read at start-up and turned into gettext catalogues in
memory, so there is no compile step to forget. A string missing from a
catalogue falls back to English.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = {"en": "English", "ru": "Русский", "uz": "Oʻzbekcha"}
DEFAULT_LANGUAGE = "en"
HERE = Path(__file__).parent


def N_(message: str) -> str:
    """Marks a string for scripts/update_translations.py and returns it unchanged.

    For strings that reach a template as a value (a page title, an error) and
    are translated there with `_(value)`: marking them where they are written
    puts them in the catalogues.
    """
    return message


# Words the store writes and templates show with _(word); the store is outside
# the web package, so they are marked here for extraction.
DATE_PRECISIONS = (N_("day"), N_("month"), N_("year"))
PLACE_PRECISIONS = (N_("city"), N_("region"), N_("country"), N_("unknown"))
HISTORY_ACTIONS = (
    N_("created"), N_("linked"), N_("updated"), N_("confirmed"), N_("corrected"),
    N_("rejected"), N_("reopened"), N_("merged"), N_("split"), N_("accepted"), N_("dismissed"), N_("entered"), N_("unlinked"),
)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    po = HERE / "locales" / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT_LANGUAGE or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def _labels() -> dict:
    return yaml.safe_load((HERE / "data" / "labels.yaml").read_text(encoding="utf-8"))


@cache
def _places() -> dict[str, dict[str, str]]:
    """Country and region names by code and language, from the extractor's gazetteers."""
    data = Path(__file__).parent.parent / "extract" / "data"
    names: dict[str, dict[str, str]] = {}
    for file, key in (("countries.yaml", "countries"), ("regions.yaml", "regions")):
        for entry in yaml.safe_load((data / file).read_text(encoding="utf-8"))[key]:
            names[entry["code"]] = {lang: forms[0] for lang, forms in entry.get("names", {}).items() if forms}
    return names


def label(kind: str, value: str | None, lang: str) -> str:
    """A person's word for a vocabulary value ('methods', 'raid_detention' → 'Raid or detention')."""
    if value is None:
        return ""
    if kind in ("victim_nationalities", "location_country", "location_regions", "country", "region", "nationality"):
        names = _places().get(value, {})
        return names.get(lang) or names.get("en") or value
    entry = _labels().get(kind, {}).get(value)
    if not entry:
        return str(value)
    return entry.get(lang) or entry.get("en") or str(value)


PLACE_KINDS = {"victim_nationalities": "countries", "location_country": "countries", "location_regions": "regions"}


@cache
def _codes_by_word() -> dict[str, dict[str, str]]:
    """Per field, every label and place name (any interface language, every form the gazetteer
    knows), folded, -> its code: what an analyst may type instead of the code."""
    found: dict[str, dict[str, str]] = {}
    for kind, entries in _labels().items():
        if kind == "fields" or not isinstance(entries, dict):
            continue
        for code, words in entries.items():
            for word in (words or {}).values():
                found.setdefault(kind, {})[_fold(str(word))] = code
    data = Path(__file__).parent.parent / "extract" / "data"
    for file, key in (("countries.yaml", "countries"), ("regions.yaml", "regions")):
        for entry in yaml.safe_load((data / file).read_text(encoding="utf-8"))[key]:
            for forms in entry.get("names", {}).values():
                for form in forms or ():
                    found.setdefault(key, {}).setdefault(_fold(str(form)), entry["code"])
    return found


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


def code_for(field: str, text: str) -> str | None:
    """The code of a field's value written as a person writes it ("Moscow", "Москва",
    "Physical violence", "Uzbekistan"), or None if it is none of them."""
    kind = PLACE_KINDS.get(field, field)
    return _codes_by_word().get(kind, {}).get(_fold(text))


def pick_language(requested: str | None, user_language: str | None, accept_language: str | None) -> str:
    """?lang= first, then the account's choice, then the browser's list, then English."""
    for candidate in (requested, user_language):
        if candidate in LANGUAGES:
            return candidate
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
