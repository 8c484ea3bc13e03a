"""Who the victims are: nationality, name and number mentions tied to a person, not an institution."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from ..text.keys import APOSTROPHE_TABLE, PLURAL_ENDINGS, keyer, ru_parse
from .analysis import Analysis
from .data_files import extract_data
from .dates import find_dates
from .identity import Found, described_details, named_details, prosecution
from .matcher import Match
from .places import place_role
from .roles import role_follows, victims

NOT_VICTIM_NATIONALITIES = {"RU", "UA"}  # the recruiting state and the state at war with it
PERSON_GROUPS = ("statuses",)


@dataclass(frozen=True)
class Mention:
    value: str | int
    start: int
    end: int
    sentence: int
    specific: bool = True  # a particular person or counted group, not people in general


def victim_word_positions(doc: Analysis, sentence: int) -> list[Match]:
    words = [
        m for m in doc.in_sentence("cues", sentence)
        if m.concept == "foreigner" or (m.concept == "victim_noun" and not _not_a_person_word(doc, m, sentence))
    ]
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
        accepted: list[tuple[Match, bool]] = []
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
            if _republic_institution(doc, m.last, institutions):
                continue
            where = place_role(doc, m.start, m.end)
            if _coordinated_institution(doc, m.last, institutions) or where == "via":
                continue  # "the British and Indian armies"; "депортировали через Грузию": a way, not a people
            if role_follows(doc, m.last):
                continue  # "a Kyrgyz lawyer said": a speaker, not a victim
            role = m.entry.role
            born = role in ("name", "home") and _born_in(doc, m, sentence)
            if role == "name" and doc.lang in PREPOSITION_LANGUAGES and where in ("in", "to") and not born:
                continue  # "найти работу в Южной Корее", "work in Dubai": where, not whose
            near_person = bool(people_tokens & (after | before)) or born
            if role == "demonym":
                ok = True
            elif role == "adjective":
                ok = bool(people_tokens & after)
            else:  # a country name: "citizen of X", "X national", "o'zbekistonlik"
                ok = near_person or _person_from_country(doc, m)
            listed = _listed_after(doc, m, accepted) if not ok and role == "name" and len(matches) <= LISTED_COUNTRIES else None
            if listed is not None:
                found.append(Mention(m.concept, m.start, m.end, sentence, listed))
                accepted.append((m, listed))
            if ok:
                # "граждане Узбекистана": the person word, not the country, says how many.
                nearby = [p for p in people if p.last + 1 >= m.first - 4 and p.first <= m.last + 2]
                words = [doc.tokens[m.last].text]
                if role == "name" and nearby:
                    words = [doc.tokens[i].text for p in nearby for i in range(p.first, p.last + 1) if i < m.first or i > m.last]
                specific = all(is_specific(doc, w) for w in words) if words else True
                specific = specific and not counted(doc, sentence, min([m.first] + [p.first for p in nearby]))
                specific = specific and not _plural_head(doc, sentence, m.last)
                found.append(Mention(m.concept, m.start, m.end, sentence, specific))
                accepted.append((m, specific))
    return found


# A longer list of countries is a roll-call ("the camp holds men from Cameroon, China, Egypt, …"),
# not the victims of one event.
LISTED_COUNTRIES = 4


def _listed_after(doc: Analysis, m: Match, accepted: list[tuple[Match, bool]]) -> bool | None:
    """"prisoners of war from Cuba, Nepal, Sierra Leone and Somalia": a country listed right after
    one that describes the people describes them too. Its specificity, or None if it is not."""
    if not accepted:
        return None
    last, specific = max(accepted, key=lambda item: item[0].start)
    between = doc.text[last.end : m.start]
    words = between.replace(",", " ").split()
    if last.end > m.start or len(between) > 12 or len(words) > 1:
        return None
    if words and words[0].casefold() not in scope_words("and_words", doc.lang):
        return None
    return specific


# Languages where a preposition (scope.yaml place_roles) puts a country name where something is, not
# whose: "a job in South Korea" names no South Korean. Turkic case endings stay out: "-lik" and the
# locative share a reading there.
PREPOSITION_LANGUAGES = ("en", "ru")


INSTITUTION_NAME_WORDS = 5  # "Respublikasi Tashqi mehnat migratsiyasi agentligi"


def _republic_institution(doc: Analysis, last: int, institutions: set[int]) -> bool:
    """"O‘zbekiston Respublikasi Tashqi mehnat migratsiyasi agentligi": the country's full name
    opening the name of one of its institutions, which comes a few words on."""
    republic = scope_words("republic_words", doc.lang)
    if doc.tokens[last].text.casefold() not in republic:  # the country's match may hold the word
        last += 1
        if last >= len(doc.tokens) or doc.tokens[last].text.casefold() not in republic:
            return False
    for i in range(last + 1, min(len(doc.tokens), last + 1 + INSTITUTION_NAME_WORDS)):
        if i in institutions:
            return True
        if not _joined_words(doc, i - 1, i):
            return False  # a comma or a quote: the name has ended
    return False


def _coordinated_institution(doc: Analysis, last: int, institutions: set[int]) -> bool:
    """"British and Indian armies": a nationality coordinated with another before an institution word."""
    if last + 3 >= len(doc.tokens) or doc.tokens[last + 1].text.casefold() not in scope_words("and_words", doc.lang):
        return False
    return bool({last + 3, last + 4} & institutions)


@cache
def scope_words(section: str, lang: str) -> frozenset[str]:
    """A word list of scope.yaml (and_words, capacity_after) for a language, case-folded."""
    return frozenset(str(w).casefold() for w in (extract_data("scope.yaml").get(section) or {}).get(lang) or ())


HEAD_REACH = 2  # "oʻzbekistonlik yollanma askarlar": the noun within two words


def _plural_head(doc: Analysis, sentence: int, last: int) -> bool:
    """Does the nationality word qualify a plural noun ("oʻzbekistonlik yollanma askarlar", "ўзбек
    аскарлар")? In Turkic languages and Tajik the noun follows it, and a plural ending among the next
    two words says so. (English and Russian mark the plural on words the caller reads already.)"""
    if doc.lang not in ("uz", "ky", "kk", "tg"):
        return False
    stop = doc.token_range(sentence).stop
    for i in range(last + 1, min(stop, last + 1 + HEAD_REACH)):
        word = doc.tokens[i].text
        if not word.isalpha() or not word[:1].islower() or not _joined_words(doc, i - 1, i):
            return False
        if not is_specific(doc, word):
            return True
    return False


def _joined_words(doc: Analysis, a: int, b: int) -> bool:
    """Only white space between two tokens."""
    return not doc.text[doc.tokens[a].end : doc.tokens[b].start].strip()


# Turkic and Tajik derive "a person from X" from the country name: o'zbekistonlik,
# кыргызстандык, қазақстандық, тоҷикистонӣ (with a plural or case ending after it).
_FROM_COUNTRY = {
    "uz": re.compile(r"(?:lik|лик)(?:lar|лар)?\w{0,6}$"),
    "ky": re.compile(r"(?:дык|дик|дук|дүк|лык|лик|лук|лүк|тык|тик|тук|түк)(?:тар|тер|дар|дер|лар|лер)?\w{0,5}$"),
    "kk": re.compile(r"(?:дық|дік|лық|лік|тық|тік)(?:тар|тер|дар|дер|лар|лер)?\w{0,5}$"),
    "tg": re.compile(r"(?:ӣ|гӣ)(?:ҳо|он)?\w{0,4}$"),
}


def _born_in(doc: Analysis, m: Match, sentence: int) -> bool:
    """"родился в Таджикистане", "Tojikistonda tug'ilgan": the country a person was born in (scope.yaml
    born_in; the words stand before the country in English and Russian, after it elsewhere)."""
    tokens = doc.token_range(sentence)
    for phrase in _born_in_phrases(doc.lang):
        n = len(phrase)
        if doc.lang in PREPOSITION_LANGUAGES:
            span = range(max(tokens.start, m.first - n), m.first)
        else:
            span = range(m.last + 1, min(tokens.stop, m.last + 1 + n))
        if tuple(doc.tokens[i].text.translate(APOSTROPHE_TABLE).casefold() for i in span) == phrase:
            return True
    return False


@cache
def _born_in_phrases(lang: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.split()) for p in scope_words("born_in", lang))


def _person_from_country(doc: Analysis, m: Match) -> bool:
    pattern = _FROM_COUNTRY.get(doc.lang)
    return bool(pattern and pattern.search(doc.tokens[m.last].text.lower()))


def is_specific(doc: Analysis, word: str) -> bool:
    """Singular person words name a particular victim; plurals describe a trend."""
    lang = doc.lang
    if lang in ("ru", "uk"):
        return "plur" not in str(ru_parse(word.lower()).tag)
    if lang == "uz":
        return "lar" not in word.lower()[-8:] and "лар" not in word.lower()[-8:]
    if lang == "en":
        return keyer("en").key(word) == word.lower() or not word.lower().endswith("s")
    plural = PLURAL_ENDINGS.get(lang)
    return not (plural and plural.search(word.lower()))




def person_mentions(doc: Analysis, sentence: int) -> list[Mention]:
    """Nouns for a person ("a migrant", "his brother"), with whether they are singular.

    Status phrases that name a place ("in a colony") or a process ("got a Russian
    passport") describe a victim but do not stand for one.
    """
    return [
        Mention(m.concept, m.start, m.end, sentence,
                is_specific(doc, doc.tokens[m.last].text) and not counted(doc, sentence, m.first) and not _capacity(doc, m.last))
        for m in doc.in_sentence("cues", sentence)
        if m.concept == "victim_noun" and not _not_a_person_word(doc, m, sentence)
    ]


def _capacity(doc: Analysis, last: int) -> bool:
    """'mehnat muhojiri sifatida' (as a labour migrant): a capacity, said of any number of people."""
    following = doc.tokens[last + 1].text.casefold() if last + 1 < len(doc.tokens) else ""
    return following in scope_words("capacity_after", doc.lang)


# Uzbek makes an abstract noun of a person word with -lik (fuqaro "citizen", fuqarolik "citizenship",
# mahbuslik "imprisonment"), and word keys take -lik off as they do from o'zbekistonlik.
_ABSTRACT = {"uz": re.compile(r"(?:lik|лик|lig|лиг)\w{0,6}$")}


def _not_a_person_word(doc: Analysis, m: Match, sentence: int) -> bool:
    abstract = _ABSTRACT.get(doc.lang)
    if abstract and m.first == m.last and abstract.search(doc.tokens[m.last].text.casefold()):
        return True
    return _inside_a_name(doc, m, sentence)


def _inside_a_name(doc: Analysis, m: Match, sentence: int) -> bool:
    """A person word written with a capital inside a sentence is the start of a name: Kyrgyz
    'Жээнбек' begins like 'жээн' (nephew), Uzbek 'Yigitali' like 'yigit'. English headlines
    capitalise nouns ("Kyrgyz Migrant Killed"), so English is left as it is."""
    if doc.lang == "en" or m.entry.proper or m.first == doc.token_range(sentence).start:
        return False
    word = doc.tokens[m.first].text
    return word[:1].isupper() and not word.isupper()


def name_mentions(doc: Analysis) -> list[Mention]:
    """Every mention of a named victim (roles.py decides who is one), valued by the fullest form
    of the name the text prints: 'Shah' after 'Bharat Bahadur Shah' is the same man."""
    return sorted(
        (Mention(person.value, m.start, m.end, m.sentence) for person in victims(doc) for m in person.mentions),
        key=lambda m: m.start,
    )


DETAIL_KEYS = ("name", "given_name", "patronymic", "surname", "initials", "age", "home_locality", "court", "sentence")


def victim_details(doc: Analysis, names: list[str], sentences: set[int], outcomes: list[str]) -> tuple[list[dict], list[tuple]]:
    """Identity details of an incident's victims (one object per named victim, or one for a single
    described victim), and the evidence of every value as (field, value, start, end).

    The court and the prison term are read only for a prosecution at home.
    """
    people = {p.value: p for p in victims(doc)}
    found: list[dict[str, object]] = []
    for name in names:
        person = people.get(name)
        if person is None:
            continue
        parts = named_details(doc, person.parts, person.mentions, sentences)
        first = next((m for m in person.mentions if m.sentence in sentences), person.mentions[0])
        found.append({"name": Found(name, first.start, first.end), **parts})
    if not names:
        persons = [p for s in sorted(sentences) for p in person_mentions(doc, s) if p.specific]
        words = [(_token_at(doc, p.start), _token_at(doc, p.end - 1)) for p in persons]
        described = described_details(doc, words)
        if described:
            found.append(described)
    if "prosecuted_at_home" in outcomes and found:
        found[0].update(prosecution(doc, sentences))
    details, evidence = [], []
    for item in found:
        details.append({key: item[key].value for key in DETAIL_KEYS if key in item})
        evidence += [(f"victim_details.{key}", item[key].value, item[key].start, item[key].end) for key in DETAIL_KEYS if key in item]
    return details, evidence


def _token_at(doc: Analysis, offset: int) -> int:
    starts = [t.start for t in doc.tokens]
    return max(0, bisect.bisect_right(starts, offset) - 1)


@cache
def _number_words(lang: str) -> dict[str, int]:
    data = extract_data("segmentation.yaml")
    block = data.get("numbers") or {}
    words = block.get(lang, block.get("ru", {}))
    k = keyer(lang)
    return {k.key(str(w)): int(n) for w, n in words.items()}


def _date_spans(doc: Analysis) -> list[tuple[int, int]]:
    """Where the text writes dates (computed once per document): their numbers count nobody."""
    if doc.memo.get("date_spans") is None:
        any_year = dt.date(2100, 1, 1)  # resolves every day-and-month, so every date span is seen
        start, end = doc.sentences[0][0], doc.sentences[-1][1]
        doc.memo["date_spans"] = [(d.start, d.end) for d in find_dates(doc.text, any_year, start, end)]
    return doc.memo["date_spans"]


@cache
def _keyed_words(section: str, lang: str) -> frozenset[str]:
    """Keys of a word list of segmentation.yaml (people_counters, not_counting) for a language."""
    data = extract_data("segmentation.yaml")
    block = data.get(section) or {}
    words = block.get(lang, block.get("ru", []))
    k = keyer(lang)
    return frozenset(k.key(str(w)) for w in words)


def count_mentions(doc: Analysis, sentence: int) -> list[Mention]:
    """'three Uzbek migrants', 'трое граждан', '5 nafar' (computed once per sentence: several stages ask)."""
    memo = doc.memo.setdefault("count_mentions", {})
    if sentence not in memo:
        memo[sentence] = _count_mentions(doc, sentence)
    return memo[sentence]


def _count_mentions(doc: Analysis, sentence: int) -> list[Mention]:
    """'three Uzbek migrants', 'трое граждан', '5 nafar': a number before a person word."""
    k = keyer(doc.lang)
    counters = _keyed_words("people_counters", doc.lang)
    person_tokens = {
        i
        for m in doc.in_sentence("cues", sentence) + doc.in_sentence("countries", sentence)
        if m.concept in ("victim_noun", "foreigner") or m.entry.role in ("demonym", "adjective")
        for i in range(m.first, m.last + 1)
    }
    tokens = list(doc.token_range(sentence))
    described = {
        i
        for m in doc.in_sentence("countries", sentence) + doc.in_sentence("statuses", sentence)
        + [c for c in doc.in_sentence("cues", sentence) if c.concept == "foreigner"]
        for i in range(m.first, m.last + 1)
    }
    found = []
    for pos, i in enumerate(tokens):
        value = _number_at(doc, sentence, i)
        if not value:
            continue
        following = tokens[pos + 1 : pos + 3]
        if any(j in person_tokens or k.key(doc.tokens[j].text) in counters for j in following):
            # "15 men from Tajikistan" says who they are; "about 80 people were checked" does not.
            who = any(j in described for j in tokens[pos + 1 : pos + 6])
            found.append(Mention(value, doc.tokens[i].start, doc.tokens[i].end, sentence, specific=who))
    return found


def _number_at(doc: Analysis, sentence: int, i: int) -> int | None:
    """The number token i writes, when it may count people: not a date, a code, part of a
    larger number, an age in commas, or a number of years, roubles or thousands."""
    token = doc.tokens[i]
    word = token.text
    k = keyer(doc.lang)
    value = int(word) if word.isascii() and word.isdigit() and len(word) <= 3 else _number_words(doc.lang).get(k.key(word))
    if not value:
        return None
    start, end = doc.sentences[sentence]
    if any(a <= token.start < b for a, b in _date_spans(doc) if start <= a < end):
        return None
    if doc.text[token.start - 1 : token.start] in "-–./" and token.start or doc.text[token.end : token.end + 1] in ("-", ".", "/"):
        return None  # part of "154-1", "18.8", "12-oktyabr": a code or a date, not people
    if re.match(r"(?:,|\s)\d{3}(?!\d)", doc.text[token.end : token.end + 5]):
        return None  # "40,000" or "40 000": the first group of a larger number
    if doc.text[token.start - 2 : token.start] == ", " and doc.text[token.end : token.end + 1] == ",":
        return None  # "Almazbek, 38, a Kyrgyz national": an age
    if i + 1 < doc.token_range(sentence).stop and k.key(doc.tokens[i + 1].text) in _keyed_words("not_counting", doc.lang):
        return None  # "34-year-old", "34 yoshli", "400 000 рублей", "20 миң"
    return value


COUNTED_REACH = 3  # "628 tajikstandyk", "20 миң “жаш” жараны", "nearly a hundred migrants"


def counted(doc: Analysis, sentence: int, first: int) -> bool:
    """A person or nationality word with a number just before it stands for a counted group
    (Turkic languages keep the noun singular after a numeral), never for one person."""
    k = keyer(doc.lang)
    magnitudes = _keyed_words("magnitudes", doc.lang)
    for i in range(max(doc.token_range(sentence).start, first - COUNTED_REACH), first):
        if i + 1 < first and k.key(doc.tokens[i + 1].text) in magnitudes:
            return True  # "20 thousand migrants", "20 миң мигрантты": a tally
        if (_number_at(doc, sentence, i) or 0) > 1:
            return True  # "one dead fighter" is still one person
    return False
