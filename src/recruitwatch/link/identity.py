"""Whom a report is about, when it gave no incident (most often: its relevance was too low).

Relevance decides publication, not linkage: a report judged not relevant
(another language's wording, a short wire, a family's appeal) may still be
about the victim of a known incident, and analysts want it among that
incident's sources. Such a report offers one candidate: its *main victim*, the
full name it is most about. A name counts its own mentions and those of its
words alone ("Boateng" after "Kwame Boateng"), and a name in the headline or the
first sentence counts double; a main victim must have two words and lead
clearly, so a report about no one in particular offers no main victim. Where two
or three people lead equally (a victim and the reporter who tells his story),
each may join a known victim of that full name, but they make no incident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import combinations
from typing import NamedTuple

from ..text.namekeys import Name, compare_names, latin, parse_name, skeleton, words_agree

HEADLINE_SENTENCES = 2  # the headline and the first sentence
HEADLINE_BONUS = 1
MAX_TIED = 3  # people named as much as each other that a report may be about


class Candidates(NamedTuple):
    """The names a report that gave no incident may be about."""

    names: tuple[str, ...] = ()
    main: bool = False  # one main victim; else names of equal standing (a tie, or pairs of caseless words)
    ages: tuple[int, ...] = ()  # the ages the report states ("a 29-year-old", "52 yoshli"): link/identity.corroborated
    aged: tuple[str, ...] = ()  # caseless "word (age)" candidates, as aged_name writes them: "विनोद (36)"
    native: tuple[str, ...] = ()  # caseless words after "a native of X", as native_name writes them


def main_victim(mentions: list[tuple[str, int]]) -> str | None:
    """The full name a report is most about, from its person-name mentions (text, sentence index)."""
    found = leading_names(mentions)
    return found.names[0] if found.main else None


def leading_names(mentions: list[tuple[str, int]]) -> Candidates:
    """The full name a report is most about, from its person-name mentions (text, sentence index); when
    two or three people are named as much as each other, all of them, none main: the report may be
    about any one of them (a victim and the reporter who tells his story)."""
    full = [(text, sentence, parse_name(text)) for text, sentence in mentions]
    people: list[tuple[Name, list[int]]] = []  # a full name and the sentences crediting it
    for _, sentence, name in full:
        if len(name.full_words) < 2 or len({w.text for w in name.full_words}) < len(name.full_words):
            continue  # one word, or a word twice ("Би Би Си": an acronym spelt out, not a person)
        for known, sentences in people:
            if compare_names(known, name).level == "full":
                sentences.append(sentence)
                break
        else:
            people.append((name, [sentence]))
    if not people:
        return Candidates()
    for _, sentence, name in full:
        if len(name.full_words) == 1:
            owners = [s for known, s in people if compare_names(known, name).matched]
            if len(owners) == 1:  # a word of exactly one person's name
                owners[0].append(sentence)
    scored = sorted(
        ((sum(1 + HEADLINE_BONUS * (s < HEADLINE_SENTENCES) for s in sentences), name) for name, sentences in people),
        key=lambda item: -item[0],
    )
    leaders = tuple(name.raw for weight, name in scored if weight == scored[0][0])
    if len(leaders) > MAX_TIED:
        return Candidates()  # a roll of names is about no one of them
    return Candidates(leaders, main=len(leaders) == 1)


PAIR_CONSONANTS = 4  # a pair with fewer consonants in all ("Ali Aliev": l, lv) blocks too many others


def pair_keys(name: str, *, initials: bool = True) -> set[str]:
    """Blocking keys of a name in any script and word order. Every pair of the skeletons of its full
    words, ordered: two names share one when two of their words agree exactly. A word of one
    consonant counts ("Babu": b) beside a longer one ("Rajesh Babu": b rjs). A Brahmic word gives
    each of its skeletons (namekeys.NameWord.skeletons). With `initials`, also each word of three
    consonants or more with the first letter of another word, written or initialled, so that
    "B. Rahimov" and "Bakhtiyor Rahimov" share "rmv b."."""
    words = parse_name(name).words
    full = [w for w in words if not w.initial]
    keys = set()
    for a, b in combinations(full, 2):
        for x in a.skeletons:
            for y in b.skeletons:
                if x != y and len(x) + len(y) >= PAIR_CONSONANTS:
                    keys.add(" ".join(sorted((x, y))))
    if initials and (len(full) >= 2 or len(words) > len(full)):
        for a in full:
            for b in words:
                if b is not a and b.text:
                    keys.update(f"{x} {b.text[0]}." for x in a.skeletons if len(x) >= INITIAL_KEY_CONSONANTS)
    return keys


INITIAL_KEY_CONSONANTS = 3  # a word keyed with another's initial: "Ali" (l) with "K." would block every Ali K.


# Scripts with no capital letters, where a name cannot be told from other words by its shape.
_CASELESS = re.compile(r"[\u0900-\u0DFF\u0E00-\u0EFF\u1000-\u109F\u0600-\u06FF\u0590-\u05FF\u4E00-\u9FFF]")
_LETTER = re.compile(r"[^\W\d_]")
# Words of those scripts: letters with their vowel signs and joiners (Python's \w leaves the signs out).
_CASELESS_WORD = re.compile(r"[\w\u0900-\u0DFF\u200c\u200d]+")
MAX_PAIRS = 400  # a text keeps its first pairs: names come early in news, and each pair is a sealed row


def caseless(text: str) -> bool:
    """Is most of the text's writing in a script without capitals?"""
    sample = text[:3000]
    letters = len(_LETTER.findall(sample))
    return letters > 0 and len(_CASELESS.findall(sample)) * 2 > letters


def word_pairs(text: str) -> list[str]:
    """Every pair of neighbouring words of two letters or more, in text order, and the pair with a
    case ending taken off its last word (a caseless text's possible names: only a pair that agrees
    with a known victim's full name links anything)."""
    words = [w for w in _CASELESS_WORD.findall(text) if len(w) >= 2 and not w.isdigit()]
    pairs: dict[str, None] = {}
    for a, b in zip(words, words[1:], strict=False):
        pairs[f"{a} {b}"] = None
        bare = without_case_ending(b)
        if bare != b:
            pairs[f"{a} {bare}"] = None
    return list(pairs)[:MAX_PAIRS]


# "विनोद कुमार (32)", "വിനോദ് (36)": the Indian and Nepali press give a person's age in brackets after
# the name. In a script without capitals that is the one sign that a word names someone, and with
# the age it is enough to find a known victim of that given name and age.
_AGE_AFTER_WORDS = re.compile(r"(\S+)\s+(\S+)\s*[(（]\s*(\d{2})\s*[)）]")
_AGED = re.compile(r"^(\S+) \((\d{2})\)$")
AGES = range(16, 76)  # ages a recruit can be; other numbers in brackets are something else
AGED_WORD_LETTERS = 4  # a shorter given name ("Ram") with an age would block too many people


def aged_words(text: str) -> list[str]:
    """The caseless words right before an age in brackets (either of the two: a given name may be
    followed by a surname or initials), each as aged_name writes it."""
    found: dict[str, None] = {}
    for match in _AGE_AFTER_WORDS.finditer(text[:CORROBORATION_CHARS]):
        age = int(match.group(3))
        if age not in AGES:
            continue
        for word in match.group(1, 2):
            word = word.strip(",.;:\"'«»“”")
            if _CASELESS_WORD.fullmatch(word) and _CASELESS.search(word) and _long_enough(word):
                found[aged_name(word, age)] = None
    return list(found)[:MAX_AGED]


MAX_AGED = 12


def _long_enough(word: str) -> bool:
    words = parse_name(word).full_words
    return bool(words) and len(words[0].skeleton) >= 2 and len(latin(word)) >= AGED_WORD_LETTERS


def native_words(text: str) -> list[str]:
    """The caseless words right after a word that says where a person lives or comes from
    (extract/data/identity.yaml native_of: "സ്വദേശിയായ വിനോദ്"), each as native_name writes it."""
    words = _CASELESS_WORD.findall(text[:CORROBORATION_CHARS])
    found: dict[str, None] = {}
    markers = _native_markers()
    for i in range(len(words)):
        for marker in markers:
            n = len(marker)
            if tuple(words[i : i + n]) == marker and i + n < len(words):
                at = i + n
                if _uninformative(words[at]) and at + 1 < len(words):
                    at += 1  # "निवासी मोहम्मद सूफियान": Sufiyan tells him from other Mohammeds
                name = words[at]
                if _CASELESS.search(name) and _long_enough(name):
                    found[native_name(name)] = None
    return list(found)[:MAX_AGED]


def _uninformative(word: str) -> bool:
    """Is the word a given name too common to tell anyone by (identity.yaml uninformative_given)?"""
    parsed = parse_name(word).full_words
    return bool(parsed) and any(words_agree(parsed[0], common) for common in _uninformative_given())


@cache
def _uninformative_given():
    from ..extract.data_files import extract_data

    names = extract_data("identity.yaml").get("uninformative_given") or ()
    return tuple(w for name in names for w in parse_name(str(name)).full_words)


@cache
def _native_markers() -> tuple[tuple[str, ...], ...]:
    from ..extract.data_files import extract_data

    block = extract_data("identity.yaml").get("native_of") or {}
    return tuple(tuple(str(form).split()) for forms in block.values() for form in forms or ())


_NATIVE = re.compile(r"^(\S+) \(native\)$")


def native_name(word: str) -> str:
    return f"{word} (native)"


def parse_native(name: str) -> str | None:
    """The word of a name native_name wrote; None for any other name."""
    found = _NATIVE.match(name)
    return found.group(1) if found else None


def native_keys(word: str) -> set[str]:
    words = parse_name(word).full_words
    return {f"native {x}" for w in words[:1] for x in w.skeletons}


def corroborated_home(text: str, details: list[dict]) -> bool:
    """Does the report give a word of the victim's home locality that is no country, province or
    Russian region (Kottayam or Thrissur, not Kerala: a state holds millions of namesakes)?"""
    from ..extract.names import is_place_word

    words = _LazyWords(text)
    return any(
        _home_words(detail, lambda w: not is_place_word(w.text, "en", cities=False)) & words.skeletons for detail in details
        if detail.get("home_locality")
    )


class _LazyWords:
    """The skeletons of a report's words, read once and only when a detail needs them."""

    def __init__(self, text: str) -> None:
        self._text, self._skeletons = text, None

    @property
    def skeletons(self) -> set[str]:
        if self._skeletons is None:
            self._skeletons = {skeleton(latin(w)) for w in _CASELESS_WORD.findall(self._text[:CORROBORATION_CHARS])}
        return self._skeletons


def _home_words(detail: dict, keep=lambda word: True) -> set[str]:
    """The skeletons of the words of a detail's home locality (three consonants or more) that `keep` keeps."""
    return {w.skeleton for w in parse_name(str(detail["home_locality"])).full_words if len(w.skeleton) >= 3 and keep(w)}


def aged_name(word: str, age: int) -> str:
    return f"{word} ({age})"


def parse_aged(name: str) -> tuple[str, int] | None:
    """(word, age) of a name aged_name wrote; None for any other name."""
    found = _AGED.match(name)
    return (found.group(1), int(found.group(2))) if found else None


def aged_keys(word: str, ages: Iterable[int]) -> set[str]:
    """Blocking keys of a given name with an age: each skeleton of the word with each age."""
    words = parse_name(word).full_words
    return {f"aged {x} {age}" for w in words[:1] for x in w.skeletons for age in ages}


def age_within_a_year(age: int, ages: Iterable[int]) -> bool:
    return any(abs(age - known) <= 1 for known in ages)


def names_a_word(names: Iterable[str], word: str) -> bool:
    """Is `word` a full word of one of these names, in any script (Vinod / വിനോദ്)?"""
    parsed = parse_name(word).full_words
    return bool(parsed) and any(
        words_agree(parsed[0], known) for name in names for known in parse_name(name).full_words
    )


def without_case_ending(word: str) -> str:
    """The word less the longest case ending of data/name_suffixes.yaml that leaves two letters."""
    for suffix in _suffixes():
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


@cache
def _suffixes() -> tuple[str, ...]:
    from ..extract.data_files import extract_data

    found = {str(s) for forms in (extract_data("name_suffixes.yaml").get("suffixes") or {}).values() for s in forms or ()}
    return tuple(sorted(found, key=len, reverse=True))


def corroborated(text: str, ages: set[int], details: list[dict]) -> bool:
    """Does a report that names a victim only by a common name (Yusuf Karimov could be anyone) also
    give what the incident's reports say of him: his age (`ages`: the ages the report states), or a
    word of his home locality in any script (Termiz, Термеза)?"""
    words = _LazyWords(text)
    for detail in details:
        age = detail.get("age")
        if isinstance(age, int) and age_within_a_year(age, ages):
            return True
        if detail.get("home_locality") and _home_words(detail) & words.skeletons:
            return True
    return False


CORROBORATION_CHARS = 20_000  # of a report read for a victim's age or home locality
