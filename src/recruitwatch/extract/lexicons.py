"""Compile every lexicon and gazetteer of the package into one PhraseIndex per language."""

from __future__ import annotations

import logging
from functools import cache

from .cache import cached
from .data_files import extract_data, home_places
from .matcher import INDEX_FORMAT, PhraseIndex

logger = logging.getLogger(__name__)

# Which lexicon languages a text in a given language is matched with.
FORM_LANGUAGES = {
    "en": ("en",),
    "ru": ("ru",),
    "uk": ("ru",),
    "uz": ("uz", "uz_cyrl"),
    "tg": ("tg", "ru"),
    "ky": ("ky", "ru"),
    "kk": ("kk", "ru"),
}
CONCEPT_FILES = ("methods", "perpetrators", "outcomes", "statuses", "cues", "segmentation")
LATIN_LANGS = {"en", "uz"}


def form_languages(lang: str) -> tuple[str, ...]:
    return FORM_LANGUAGES.get(lang, ("en",))


@cache
def phrase_index(lang: str) -> PhraseIndex:
    """The compiled index of every lexicon for texts in `lang` (built once per data version)."""
    return cached(f"phrases-v{INDEX_FORMAT}-{lang}", ("recruitwatch.extract",), lambda: _build_index(lang))


def _build_index(lang: str) -> PhraseIndex:
    index = PhraseIndex(lang)
    langs = form_languages(lang)
    for name in CONCEPT_FILES:
        _add_concepts(index, name, extract_data(f"{name}.yaml").get("concepts") or {}, langs)
    _add_words(index, "negators", extract_data("negators.yaml"), langs)
    _add_modality(index, extract_data("negators.yaml"), langs)
    _add_countries(index, langs)
    _add_regions(index, langs)
    _add_organisations(index, langs)
    _add_given_names(index, lang)
    logger.debug("compiled %d forms for %s", len(index), lang)
    return index


def concept_settings(group: str) -> dict[str, dict]:
    """Per-concept options of a concept file (negatable, …)."""
    concepts = extract_data(f"{group}.yaml").get("concepts") or {}
    return {cid: {"negatable": spec.get("negatable", True)} for cid, spec in concepts.items()}


def _add_concepts(index: PhraseIndex, group: str, concepts: dict, langs) -> None:
    for concept, spec in concepts.items():
        for role, name in (("forms", "form"), ("context", "context"), ("not", "exclude")):
            block = spec.get(role) or {}
            for lang in langs:
                for form in block.get(lang) or ():
                    index.add(form, group, concept, name)


def _add_words(index: PhraseIndex, group: str, data: dict, langs) -> None:
    block = data.get("negators") or data.get("words") or {}
    for lang in langs:
        for form in block.get(lang) or ():
            index.add(form, group, "negation")


def _add_modality(index: PhraseIndex, data: dict, langs) -> None:
    """Markers of conditions, attempts and fears (group "modality", concept = the kind)."""
    for kind, spec in (data.get("modality") or {}).items():
        for lang in langs:
            for form in (spec.get("words") or {}).get(lang) or ():
                index.add(form, "modality", kind)
    for lang in langs:
        for form in (data.get("clause_joiners") or {}).get(lang) or ():
            index.add(form, "modality", "joiner", "joiner")


@cache
def modality_rules(lang: str) -> dict[str, tuple[frozenset[str], str, str]]:
    """Kind of marker -> (lexicons it cancels, scope "clause" or "after", reach "forward", "back" or "both")."""
    data = extract_data("negators.yaml")
    reach = data.get("reach") or {}
    default = reach.get(lang, reach.get("default", "forward"))
    return {
        kind: (frozenset(spec.get("blocks") or ()), spec.get("scope", "clause"), spec.get("reach", default))
        for kind, spec in (data.get("modality") or {}).items()
    }


@cache
def verb_endings(lang: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Kind ("negation", "conditional") -> (endings after a `*` verb stem, exceptions)."""
    block = (extract_data("negators.yaml").get("verb_endings") or {}).get(lang) or {}
    return {kind: (tuple(spec.get("starts") or ()), tuple(spec.get("except") or ())) for kind, spec in block.items()}


@cache
def implications(group: str) -> dict[str, tuple[str, ...]]:
    """Concept -> concepts it entails (killed at the front entails deployed)."""
    concepts = extract_data(f"{group}.yaml").get("concepts") or {}
    return {cid: tuple(spec["implies"]) for cid, spec in concepts.items() if spec.get("implies")}


@cache
def covering(group: str) -> dict[str, frozenset[str]]:
    """Concept -> concepts whose forms inside its own form do not count ("refused to go to war")."""
    concepts = extract_data(f"{group}.yaml").get("concepts") or {}
    return {cid: frozenset(spec["covers"]) for cid, spec in concepts.items() if spec.get("covers")}


def _ambiguous(data: dict, key: str) -> set[str]:
    return {str(item.get(key, "")).casefold() for item in data.get("ambiguous") or ()}


def _add_countries(index: PhraseIndex, langs) -> None:
    data = extract_data("countries.yaml")
    skip = _ambiguous(data, "form")
    for entry in data.get("countries") or ():
        code = entry["code"]
        for role, block_name in (("name", "names"), ("demonym", "demonyms"), ("adjective", "adjectives")):
            block = entry.get(block_name) or {}
            for lang in langs:
                for form in block.get(lang) or ():
                    if form.casefold() in skip:
                        continue
                    index.add(form, "countries", code, role, proper=form[:1].isupper())
    _add_home_places(index, langs)


def _add_home_places(index: PhraseIndex, langs) -> None:
    """States and provinces of victims' countries (data_files.home_places): in the countries group, role
    `home`, so "a native of Gujarat" names an Indian, but never where the recruitment happened."""
    for entry in home_places():
        for lang in langs:
            for form in (entry.get("names") or {}).get(lang) or ():
                index.add(form, "countries", entry["country"], "home", proper=form[:1].isupper())


def _add_regions(index: PhraseIndex, langs) -> None:
    data = extract_data("regions.yaml")
    skip = _ambiguous(data, "name")
    for role, items, code_key in (("region", "regions", "code"), ("city", "cities", "region")):
        for entry in data.get(items) or ():
            for lang in langs:
                for form in (entry.get("names") or {}).get(lang) or ():
                    if form.casefold() in skip:
                        continue
                    index.add(form, "regions", entry[code_key], role, proper=form[:1].isupper())


def _add_organisations(index: PhraseIndex, langs) -> None:
    data = extract_data("organisations.yaml")
    for group, items in (("organisations", "organisations"), ("not_organisations", "not_organisations")):
        for entry in data.get(items) or ():
            for lang in langs:
                for form in (entry.get("forms") or {}).get(lang) or ():
                    index.add(form, group, entry["name"], entry.get("kind", ""), proper=form[:1].isupper())


def _add_given_names(index: PhraseIndex, lang: str) -> None:
    data = extract_data("given_names.yaml")
    script = "latin" if lang in LATIN_LANGS else "cyrillic"
    for lists in (data.get("names") or {}).values():
        scripts = (script, "cyrillic") if lang == "uz" else (script,)
        for s in scripts:
            for name in lists.get(s) or ():
                index.add(name, "names", name, "given_name", proper=True)
    titles = data.get("not_victim_titles") or {}
    for form_lang in form_languages(lang):
        for form in titles.get(form_lang) or ():
            index.add(form, "names", "title", "title")
