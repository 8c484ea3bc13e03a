"""What a place mention is to its sentence: where something happened, a hometown, a destination,
the state as a metonym ("Moscow said"), or a place named beside the story ("the embassy in
Moscow"). Region and country values are about where the pressure happened; the roles and
phrases live in data/scope.yaml (place_roles).
"""

from __future__ import annotations

import re
from functools import cache

from ..text.keys import ru_parse
from .analysis import Analysis
from .data_files import extract_data


@cache
def _place_roles(lang: str) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Words before a place and case endings on it that say its role (scope.yaml place_roles)."""
    block = extract_data("scope.yaml").get("place_roles") or {}
    before = {str(w).lower(): str(r) for w, r in ((block.get("before") or {}).get(lang) or {}).items()}
    suffixes = tuple(
        sorted(((str(e).lower(), str(r)) for e, r in ((block.get("suffixes") or {}).get(lang) or {}).items()), key=lambda x: -len(x[0]))
    )
    return before, suffixes


@cache
def _state_words(lang: str) -> tuple[frozenset[str], tuple[str, ...]]:
    block = extract_data("scope.yaml").get("place_roles") or {}
    after = frozenset(str(w).lower() for w in (block.get("state_after") or {}).get(lang) or ())
    before = tuple(str(w).lower() for w in (block.get("state_before") or {}).get(lang) or ())
    return after, before


def stands_for_the_state(doc: Analysis, start: int, end: int) -> bool:
    """"Moscow said", "Moscow's war", "fight for Moscow": a capital (or country) standing for its state."""
    after, before = _state_words(doc.lang)
    if not after and not before:
        return False
    rest = doc.text[end : end + 40]
    following = re.match(r"(['’]s)?\s+([A-Za-z]+)", rest)
    preceding = " ".join(doc.text[max(0, start - 30) : start].lower().split())
    if following and following.group(2).lower() in after:
        # "A worker in Omsk says": after a preposition the place is not the one who says.
        place_words, _ = _place_roles(doc.lang)
        return bool(following.group(1)) or preceding.rsplit(" ", 1)[-1] not in place_words
    return any(preceding.endswith(phrase) for phrase in before)


@cache
def _aside_words(lang: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    block = extract_data("scope.yaml").get("place_roles") or {}

    def words(key: str) -> list[str]:
        return [str(w).lower() for w in (block.get(key) or {}).get(lang) or ()]

    return tuple(words("aside_before")), tuple(words("aside_after")), frozenset(words("travel_nouns"))


@cache
def _travel_to(lang: str) -> frozenset[str]:
    block = extract_data("scope.yaml").get("place_roles") or {}
    return frozenset(str(w).lower() for w in (block.get("travel_to") or {}).get(lang) or ())


_CLAUSE_END = re.compile(r"[,.;:!?—–()]")


def set_aside(doc: Analysis, start: int, end: int) -> bool:
    """"The embassy in Moscow", "a camp south of Moscow", "a flight from Nairobi to Moscow": a place
    named beside the story, where nothing happened to the victim (scope.yaml aside_before/after)."""
    before, after, travel = _aside_words(doc.lang)
    preceding = " ".join(doc.text[max(0, start - 40) : start].lower().split())
    if any(preceding == p or preceding.endswith(" " + p) for p in before):
        return True
    if after:
        rest = re.match(r"\S*\s+(\S.{0,30})", doc.text[end : end + 60])
        if rest and rest.group(1).lower().startswith(after):
            return True
    if travel and preceding.rsplit(" ", 1)[-1] in _travel_to(doc.lang):
        clause = _CLAUSE_END.split(doc.text[max(0, start - 80) : start].lower())[-1]
        return any(word in travel for word in clause.split())
    return False


def could_be_the_scene(doc: Analysis, start: int, end: int) -> bool:
    """Whether a place mention may say where the incident happened: not the state as a metonym,
    not a place named beside the story."""
    return not stands_for_the_state(doc, start, end) and not set_aside(doc, start, end)


def place_role(doc: Analysis, start: int, end: int) -> str:
    """"in", "from", "to", "via", "state", "aside" or "other": what a place mention is to its sentence."""
    if stands_for_the_state(doc, start, end):
        return "state"
    if set_aside(doc, start, end):
        return "aside"
    before, suffixes = _place_roles(doc.lang)
    token = doc.text[start:end].split()[-1].lower() if doc.text[start:end].strip() else ""
    for ending, role in suffixes:
        if token.endswith(ending) and len(token) > len(ending) + 2:
            return role
    previous = doc.text[max(0, start - 20) : start].split()
    word = previous[-1].lower().strip("«“\"(") if previous else ""
    role = before.get(word, "other")
    if doc.lang == "ru" and role == "in" and word in ("в", "во", "на"):
        case = ru_parse(token).tag.case if token else None
        if case == "accs":
            return "to"
    return role
