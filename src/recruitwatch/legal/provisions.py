"""The legal knowledge base: provisions with their sources, and which of them bear on an incident.

The knowledge is data (data/provisions.yaml, data/provision_rules.yaml) so that
lawyers and researchers can correct it without touching code; this module only
loads it, refuses it when it is inconsistent, and matches rules to incidents.
Nothing here is legal advice: see docs/legal-knowledge-base.md.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import vocab
from ..errors import DataError

DATA_DIR = Path(__file__).parent / "data"
PROVISIONS_FILE = "provisions.yaml"
RULES_FILE = "provision_rules.yaml"

CONFIDENCES = ("high", "medium", "low", "unverified")
VERIFIED = frozenset({"high", "medium"})
TEXT_FIELDS = ("title", "gist", "penalty")
CONDITION_VOCABULARIES: dict[str, frozenset[str] | None] = {
    "victim_nationalities": None,  # ISO 3166-1 alpha-2, checked by shape
    "victim_status": frozenset(vocab.VICTIM_STATUSES),
    "methods": frozenset(vocab.METHODS),
    "outcomes": frozenset(vocab.OUTCOMES),
    "perpetrators": frozenset(vocab.PERPETRATORS),
}

_PROVISION_KEYS = frozenset(
    {
        "code",
        "jurisdiction",
        "instrument",
        "article",
        "article_verified",
        "title",
        "gist",
        "penalty",
        "sources",
        "confidence",
        "checked",
        "notes",
    }
)
_RULE_KEYS = frozenset({"id", "when", "provisions", "why"})
_COUNTRY = re.compile(r"[A-Z]{2}")
_JURISDICTION = re.compile(r"INT|[A-Z]{2}")
_LANG = re.compile(r"[a-z]{2}")
_CHECKED = re.compile(r"\d{4}-\d{2}(-\d{2})?")
_RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_URL = re.compile(r"https?://\S+")


# Where a text is missing in a Central Asian language, Russian comes before English: the migrants and
# families who read these pages in Russia read Russian far more often than English.
FALLBACKS = {"uz": ("ru", "en"), "tg": ("ru", "en"), "ky": ("ru", "en"), "kk": ("ru", "en")}


def localise(texts: Mapping[str, str] | None, lang: str) -> tuple[str | None, bool]:
    """(text in `lang`, or in the first fallback language that has it; whether it fell back).

    The flag lets the interface say "not translated" instead of silently mixing languages."""
    text, shown = localised(texts, lang)
    return text, shown is not None and shown != lang


def localised(texts: Mapping[str, str] | None, lang: str) -> tuple[str | None, str | None]:
    """(text, the language it is in): `lang`, else Russian for Central Asian languages, else English."""
    if not texts:
        return None, None
    for candidate in (lang, *FALLBACKS.get(lang, ("en",))):
        if texts.get(candidate):
            return texts[candidate], candidate
    return None, None


@dataclass(frozen=True)
class Provision:
    """One legal provision as the research states it, with its sources and how sure we are."""

    code: str
    jurisdiction: str
    instrument: str
    article: str | None
    title: dict[str, str]
    gist: dict[str, str]
    penalty: dict[str, str] | None
    sources: tuple[str, ...]
    confidence: str
    checked: str
    notes: str | None
    article_verified: bool = True  # False where the research marks the article number UNVERIFIED
    # Languages whose texts are the team's translations no native-speaking lawyer has checked yet
    # (the file's `unchecked_languages`): the interface says so and offers the reference text.
    unchecked: frozenset[str] = frozenset()

    def __hash__(self) -> int:  # the dict fields are not hashable; the code identifies a provision
        return hash(self.code)

    @property
    def verified(self) -> bool:
        """High or medium: may be shown to the public with its sources; low and unverified only to staff."""
        return self.confidence in VERIFIED

    def text(self, field: str, lang: str) -> str | None:
        """The title, gist or penalty in `lang`, else in a fallback language (localised); None when
        the provision has none."""
        return localise(self._texts(field), lang)[0]

    def falls_back(self, field: str, lang: str) -> bool:
        """True when text(field, lang) is in another language because `lang` is missing."""
        return localise(self._texts(field), lang)[1]

    def shown_in(self, field: str, lang: str) -> str | None:
        """The language text(field, lang) is written in."""
        return localised(self._texts(field), lang)[1]

    def unchecked_translation(self, field: str, lang: str) -> bool:
        """True when text(field, lang) is a translation nobody sure of the language has checked."""
        return self.shown_in(field, lang) in self.unchecked

    def _texts(self, field: str) -> dict[str, str] | None:
        if field not in TEXT_FIELDS:
            raise ValueError(
                f"unknown text field {field!r}; expected one of {', '.join(TEXT_FIELDS)}"
            )
        return getattr(self, field)


@dataclass(frozen=True)
class Rule:
    """Provisions that bear on incidents meeting every condition of `when` (any value within one)."""

    id: str
    when: tuple[tuple[str, frozenset[str]], ...]
    provisions: tuple[str, ...]
    why: dict[str, str]

    def __hash__(self) -> int:
        return hash(self.id)

    def matches(self, incident: Mapping[str, Any]) -> bool:
        return all(_incident_values(incident, field) & allowed for field, allowed in self.when)


@dataclass(frozen=True)
class AppliedProvision:
    """A provision that bears on an incident, with the rules that selected it and why."""

    provision: Provision
    rule_ids: tuple[str, ...]
    why: tuple[dict[str, str], ...]

    def __hash__(self) -> int:
        return hash((self.provision.code, self.rule_ids))

    def reasons(self, lang: str) -> tuple[str, ...]:
        """Each rule's explanation in `lang`, else in English (see `localise` for the flag)."""
        return tuple(text for text, _ in (localise(why, lang) for why in self.why) if text)


# ---------------------------------------------------------------------------------------- lookups


def load_provisions() -> dict[str, Provision]:
    """Every provision by code (a copy: callers may not alter the cached knowledge base)."""
    return dict(_knowledge_base()[0])


def load_rules() -> tuple[Rule, ...]:
    """The rules in file order."""
    return _knowledge_base()[1]


def provision(code: str) -> Provision | None:
    """The provision with this code, or None: a legal_ref may cite a provision the base lacks."""
    return _knowledge_base()[0].get(code)


def clear_cache() -> None:
    """Forget the loaded files, so the next call reads them again (tests, edited data)."""
    _knowledge_base.cache_clear()


def provisions_for(
    incident_fields: Mapping[str, Any], *, include_unverified: bool = False
) -> list[AppliedProvision]:
    """Provisions that bear on an incident (contract field names), in display order: Russia,
    then the victim's home countries, then any other country, then international law; by code
    within each. Low and unverified provisions only with include_unverified (staff views)."""
    provisions, rules = _knowledge_base()
    selected: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.matches(incident_fields):
            for code in rule.provisions:
                selected.setdefault(code, []).append(rule)
    homes = _ordered_nationalities(incident_fields)
    applied = [
        AppliedProvision(provisions[code], tuple(r.id for r in found), tuple(r.why for r in found))
        for code, found in selected.items()
        if include_unverified or provisions[code].verified
    ]
    return sorted(applied, key=lambda a: _display_order(a.provision, homes))


def _display_order(item: Provision, homes: list[str]) -> tuple:
    if item.jurisdiction == "RU":
        group = (0, 0)
    elif item.jurisdiction in homes:
        group = (1, homes.index(item.jurisdiction))
    elif item.jurisdiction == "INT":
        group = (3, 0)
    else:
        group = (2, 0)
    return (*group, item.jurisdiction, _natural_key(item.code))


def _natural_key(code: str) -> tuple:
    """'RU/53-FZ/1' before 'RU/115-FZ/15': numbers compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code))


def _incident_values(incident: Mapping[str, Any], field: str) -> set[str]:
    value = incident.get(field)
    if value is None:
        return set()
    values = {value} if isinstance(value, str) else {str(v) for v in value}
    return {v.upper() for v in values} if field == "victim_nationalities" else values


def _ordered_nationalities(incident: Mapping[str, Any]) -> list[str]:
    value = incident.get("victim_nationalities") or ()
    values = [value] if isinstance(value, str) else list(value)
    return list(dict.fromkeys(str(v).upper() for v in values))


# ---------------------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def _knowledge_base() -> tuple[dict[str, Provision], tuple[Rule, ...]]:
    provisions = parse_provisions(_read(PROVISIONS_FILE), PROVISIONS_FILE)
    rules = parse_rules(_read(RULES_FILE), RULES_FILE, provisions)
    return provisions, rules


def _read(name: str) -> dict:
    path = DATA_DIR / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"{name}: the file is missing from {DATA_DIR}") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not str(data.get("source") or "").strip():
        raise DataError(
            f"{name}: must be a mapping with a 'source' note saying where the knowledge comes from"
        )
    return data


def _entries(data: dict, key: str, name: str) -> list:
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        raise DataError(f"{name}: needs a non-empty list '{key}'")
    return entries


def parse_provisions(data: dict, name: str = PROVISIONS_FILE) -> dict[str, Provision]:
    """Provisions of a parsed provisions file, checked; DataError names the file and the entry."""
    result: dict[str, Provision] = {}
    unchecked = data.get("unchecked_languages") or []
    if not isinstance(unchecked, list) or not all(isinstance(x, str) and _LANG.fullmatch(x) for x in unchecked):
        raise DataError(f"{name}: unchecked_languages must be a list of two-letter language codes")
    if {"en", "ru"} & set(unchecked):
        raise DataError(f"{name}: English and Russian are the reference texts and cannot be unchecked")
    for index, raw in enumerate(_entries(data, "provisions", name), 1):
        label = raw.get("code") if isinstance(raw, dict) and raw.get("code") else f"entry #{index}"
        try:
            item = dataclasses.replace(_provision(raw), unchecked=frozenset(unchecked))
        except ValueError as exc:
            raise DataError(f"{name}: provision {label}: {exc}") from None
        if item.code in result:
            raise DataError(f"{name}: provision {label}: the code appears twice")
        result[item.code] = item
    return result


def _provision(raw: Any) -> Provision:
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping")
    check_keys(
        raw,
        _PROVISION_KEYS,
        required=(
            "code",
            "jurisdiction",
            "instrument",
            "title",
            "gist",
            "sources",
            "confidence",
            "checked",
        ),
    )
    confidence = raw["confidence"]
    if confidence not in CONFIDENCES:
        raise ValueError(f"confidence {confidence!r} is not one of {', '.join(CONFIDENCES)}")
    verified = confidence in VERIFIED
    code, jurisdiction = required_text(raw, "code"), required_text(raw, "jurisdiction")
    if not _JURISDICTION.fullmatch(jurisdiction):
        raise ValueError(f"jurisdiction {jurisdiction!r} is neither INT nor an ISO alpha-2 code")
    if not code.startswith(jurisdiction + "/") or code.endswith("/") or " " in code:
        raise ValueError(
            f"code {code!r} must be {jurisdiction}/INSTRUMENT[/ARTICLE] without spaces"
        )
    article = _article(raw.get("article"))
    if article is not None and not code.endswith("/" + article):
        raise ValueError(f"code {code!r} must end with its article /{article}")
    sources = _sources(raw["sources"])
    if verified and not sources:
        raise ValueError(f"a {confidence} provision needs at least one source URL")
    penalty = raw.get("penalty")
    article_verified = raw.get("article_verified", True)
    if not isinstance(article_verified, bool) or (article is None and not article_verified):
        raise ValueError("article_verified must be true or false, and only for a provision with an article")
    return Provision(
        code=code,
        jurisdiction=jurisdiction,
        instrument=required_text(raw, "instrument"),
        article=article,
        title=_texts(raw["title"], "title", verified),
        gist=_texts(raw["gist"], "gist", verified),
        penalty=None if penalty is None else _texts(penalty, "penalty", verified),
        sources=sources,
        confidence=confidence,
        checked=_checked(raw["checked"]),
        notes=None if raw.get("notes") is None else required_text(raw, "notes"),
        article_verified=article_verified,
    )


def check_keys(raw: dict, allowed: frozenset[str], required: Iterable[str]) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(map(str, unknown))}")
    missing = [key for key in required if key not in raw]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")


def required_text(raw: dict, key: str) -> str:
    """A field that must hold non-empty text, stripped (shared by the legal data loaders)."""
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be non-empty text")
    return value.strip()


def _texts(value: Any, field: str, verified: bool) -> dict[str, str]:
    """Language -> text; English always (the fallback), Russian too for what the public sees."""
    if not isinstance(value, dict):
        raise ValueError(f"{field} must map languages to text")
    for lang, text in value.items():
        if not isinstance(lang, str) or not _LANG.fullmatch(lang):
            raise ValueError(f"{field} has a bad language code {lang!r}")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{field}.{lang} must be non-empty text")
    needed = ("en", "ru") if verified else ("en",)
    missing = [lang for lang in needed if lang not in value]
    if missing:
        raise ValueError(f"{field} lacks {', '.join(missing)}")
    return {lang: " ".join(text.split()) for lang, text in value.items()}


def _sources(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError("sources must be a list of URLs")
    for url in value:
        if not isinstance(url, str) or not _URL.fullmatch(url):
            raise ValueError(f"source {url!r} is not an http(s) URL")
    if len(set(value)) != len(value):
        raise ValueError("a source URL is listed twice")
    return tuple(value)


def _article(value: Any) -> str | None:
    """Quoted text only: unquoted YAML turns 18.10 into the number 18.1."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"article {value!r} must be quoted text (or null for the whole instrument)"
        )
    return value


def _checked(value: Any) -> str:
    text = value.isoformat() if isinstance(value, date) else value
    if not isinstance(text, str) or not _CHECKED.fullmatch(text):
        raise ValueError(f"checked {value!r} must be a date YYYY-MM or YYYY-MM-DD")
    return text


def parse_rules(data: dict, name: str, provisions: Mapping[str, Provision]) -> tuple[Rule, ...]:
    """Rules of a parsed rules file, checked against the vocabularies and the provisions."""
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(_entries(data, "rules", name), 1):
        label = raw.get("id") if isinstance(raw, dict) and raw.get("id") else f"entry #{index}"
        try:
            rule = _rule(raw, provisions)
        except ValueError as exc:
            raise DataError(f"{name}: rule {label}: {exc}") from None
        if rule.id in seen:
            raise DataError(f"{name}: rule {label}: the id appears twice")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def _rule(raw: Any, provisions: Mapping[str, Provision]) -> Rule:
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping")
    check_keys(raw, _RULE_KEYS, required=tuple(_RULE_KEYS))
    rule_id = required_text(raw, "id")
    if not _RULE_ID.fullmatch(rule_id):
        raise ValueError("id must be lowercase words joined by dashes")
    codes = raw["provisions"]
    if not isinstance(codes, list) or not codes or len(set(map(str, codes))) != len(codes):
        raise ValueError("provisions must be a non-empty list of distinct codes")
    unknown = [str(code) for code in codes if code not in provisions]
    if unknown:
        raise ValueError(
            f"unknown provision code(s) {', '.join(unknown)} (not in {PROVISIONS_FILE})"
        )
    if len({provisions[code].verified for code in codes}) > 1:
        raise ValueError(
            "mixes public (high, medium) and staff-only (low, unverified) provisions; "
            "split it so that its why is written for one audience"
        )
    return Rule(
        id=rule_id,
        when=_conditions(raw["when"]),
        provisions=tuple(codes),
        why=_texts(raw["why"], "why", True),
    )


def _conditions(when: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(when, dict):
        raise ValueError(
            "when must be a mapping of incident fields to lists of values ({} for every incident)"
        )
    conditions = []
    for field, values in when.items():
        if field not in CONDITION_VOCABULARIES:
            raise ValueError(
                f"when: unknown incident field {field!r}; expected one of {', '.join(CONDITION_VOCABULARIES)}"
            )
        if not isinstance(values, list) or not values:
            raise ValueError(f"when.{field} must be a non-empty list")
        bad = [v for v in values if not _known_value(field, v)]
        if bad:
            raise ValueError(f"when.{field}: unknown value(s) {', '.join(map(repr, bad))}")
        conditions.append((field, frozenset(values)))
    return tuple(conditions)


def _known_value(field: str, value: Any) -> bool:
    allowed = CONDITION_VOCABULARIES[field]
    if not isinstance(value, str):
        return False
    return bool(_COUNTRY.fullmatch(value)) if allowed is None else value in allowed
