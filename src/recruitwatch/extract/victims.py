"""Who the victims are: nationality, name and number mentions tied to a person, not an institution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..text.keys import keyer, ru_parse
from .analysis import Analysis
from .data_files import extract_data
from .matcher import Match

NOT_VICTIM_NATIONALITIES = {"RU", "UA"}  # the recruiting state and the state at war with it
PERSON_GROUPS = ("statuses",)
_SURNAME = re.compile(
    r"^[A-ZА-ЯЁЎҚҒҲ][\w'’‘ʻʼ]*(?:ov|ev|yev|ova|eva|yeva|iy|in|ina|ova|zoda|zada|bekov|uulu|kyzy|"
    r"ов|ев|ёв|ова|ева|ий|ин|ина|зода|заде|уулу|кызы)(?:[a-zа-яёўқғҳ'’‘ʻʼ]{0,6})$"
)
_SURNAME_CASE_TAIL = re.compile(r"(?<=ov|ev|iy|in)(?:ning|ni|ga|da|dan|ning)$|(?<=ova|eva)(?:ning|ni|ga|da|dan)$")


@dataclass(frozen=True)
class Mention:
    value: str | int
    start: int
    end: int
    sentence: int
    specific: bool = True  # a particular person or counted group, not people in general


def victim_word_positions(doc: Analysis, sentence: int) -> list[Match]:
    words = [m for m in doc.in_sentence("cues", sentence) if m.concept in ("victim_noun", "foreigner")]
    for group in PERSON_GROUPS:
        words += doc.in_sentence(group, sentence)
    return words


def _institution_tokens(doc: Analysis, sentence: int) -> set[int]:
    return {
        i for m in doc.in_sentence("segmentation", sentence) if m.concept == "institution"
        for i in range(m.first, m.last + 1)
    }


def nationality_mentions(doc: Analysis, *, recruiting_side: bool = False) -> list[Mention]:
    """Country or demonym mentions that describe a person (an Uzbek migrant, a citizen of Tajikistan).

    With recruiting_side, only Russian and Ukrainian ones ("all Russian citizens").
    """
    found: list[Mention] = []
    for sentence, matches in doc.hits.get("countries", {}).items():
        people = victim_word_positions(doc, sentence)
        people_tokens = {i for p in people for i in range(p.first, p.last + 1)}
        institutions = _institution_tokens(doc, sentence)
        for m in matches:
            if (m.concept in NOT_VICTIM_NATIONALITIES) != recruiting_side:
                continue
            after = set(range(m.last + 1, m.last + 3))
            before = set(range(m.first - 4, m.first))
            if after & institutions or set(range(m.first - 2, m.first)) & institutions:
                continue
            role = m.entry.role
            near_person = bool(people_tokens & (after | before))
            if role == "demonym":
                ok = True
            elif role == "adjective":
                ok = bool(people_tokens & after)
            else:  # a country name: "citizen of X", "X national", "o'zbekistonlik"
                ok = near_person or _uz_lik(doc, m)
            if ok:
                token = doc.tokens[m.first]
                found.append(Mention(m.concept, m.start, m.end, sentence, _is_specific(doc, token.text)))
    return found


def _uz_lik(doc: Analysis, m: Match) -> bool:
    if doc.lang != "uz":
        return False
    from ..text.keys import uz_fold

    word = uz_fold(doc.tokens[m.last].text)
    return "lik" in word[-9:] or "лик" in doc.tokens[m.last].text.lower()[-9:]


def _is_specific(doc: Analysis, word: str) -> bool:
    """Singular person words name a particular victim; plurals describe a trend."""
    lang = doc.lang
    if lang in ("ru", "uk"):
        return "plur" not in str(ru_parse(word.lower()).tag)
    if lang == "uz":
        return "lar" not in word.lower()[-8:] and "лар" not in word.lower()[-8:]
    if lang == "en":
        return keyer("en").key(word) == word.lower() or not word.lower().endswith("s")
    return True


def person_mentions(doc: Analysis, sentence: int) -> list[Mention]:
    """Words for the victim ("a migrant", "his brother") with whether they are singular."""
    return [
        Mention(m.concept, m.start, m.end, sentence, _is_specific(doc, doc.tokens[m.last].text))
        for m in victim_word_positions(doc, sentence)
    ]


def name_mentions(doc: Analysis) -> list[Mention]:
    """Given names (with a following surname) that are not activists', officials' or journalists'."""
    found: list[Mention] = []
    for sentence, matches in doc.hits.get("names", {}).items():
        titles = [m for m in matches if m.entry.role == "title"]
        for m in matches:
            if m.entry.role != "given_name":
                continue
            if any(abs(t.first - m.first) <= 4 for t in titles):
                continue
            first, last = m.first, m.last
            if last + 1 < len(doc.tokens) and _SURNAME.match(doc.tokens[last + 1].text) and (
                doc.tokens[last + 1].start - doc.tokens[last].end <= 2
            ):
                last += 1
            name = _normalise_name(doc, first, last, m.concept)
            found.append(Mention(name, doc.tokens[first].start, doc.tokens[last].end, sentence))
    return found


def _normalise_name(doc: Analysis, first: int, last: int, given: str) -> str:
    words = [t.text for t in doc.tokens[first : last + 1]]
    if doc.lang in ("ru", "uk"):
        words = [_ru_nominative(w) for w in words]
    elif len(words[0]) > len(given) and words[0].lower().startswith(given.lower()):
        words[0] = words[0][: len(given)]
    if len(words) > 1 and doc.lang != "ru":
        words[-1] = _SURNAME_CASE_TAIL.sub("", words[-1])
    return " ".join(words)


def _ru_nominative(word: str) -> str:
    parse = ru_parse(word.lower())
    for p in [parse] + list(_alt_parses(word)):
        if {"Name", "Surn"} & set(str(p.tag).replace(" ", ",").split(",")):
            return p.normal_form.capitalize()
    return word


def _alt_parses(word: str):
    from ..text.keys import _morph

    return _morph().parse(word.lower())[1:4]


@cache
def _number_words(lang: str) -> dict[str, int]:
    data = extract_data("segmentation.yaml")
    words = (data.get("numbers") or {}).get(lang if lang in ("en", "ru", "uz") else "ru", {})
    k = keyer(lang)
    return {k.key(str(w)): int(n) for w, n in words.items()}


@cache
def _counters(lang: str) -> frozenset[str]:
    data = extract_data("segmentation.yaml")
    words = (data.get("people_counters") or {}).get(lang if lang in ("en", "ru", "uz") else "ru", [])
    k = keyer(lang)
    return frozenset(k.key(str(w)) for w in words)


def count_mentions(doc: Analysis, sentence: int) -> list[Mention]:
    """'three Uzbek migrants', 'трое граждан', '5 nafar': a number before a person word."""
    start, end = doc.sentences[sentence]
    k = keyer(doc.lang)
    numbers = _number_words(doc.lang)
    counters = _counters(doc.lang)
    person_tokens = {
        i
        for m in doc.in_sentence("cues", sentence) + doc.in_sentence("countries", sentence)
        if m.concept in ("victim_noun", "foreigner") or m.entry.role in ("demonym", "adjective")
        for i in range(m.first, m.last + 1)
    }
    tokens = [i for i, t in enumerate(doc.tokens) if start <= t.start < end]
    found = []
    for pos, i in enumerate(tokens):
        word = doc.tokens[i].text
        value = int(word) if word.isdigit() and len(word) <= 3 else numbers.get(k.key(word))
        if not value:
            continue
        following = tokens[pos + 1 : pos + 3]
        if any(j in person_tokens or k.key(doc.tokens[j].text) in counters for j in following):
            found.append(Mention(value, doc.tokens[i].start, doc.tokens[i].end, sentence))
    return found
