"""Details that identify a victim across reports: name parts, age, home locality, court, sentence.

Linking two outlets' accounts of one person needs more than a given name:
"Almazbek, 38, from Osh" and "38-летний Алмазбек из Оша" are one man. Each
detail is read only next to the victim's own mention (an age beside the
name, "from X" right after it) or, for a court and a prison term, from a
sentence that passes a sentence; every value comes with the offsets of the
words it was read from. Words are data (identity.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..text.keys import keyer
from .analysis import Analysis
from .data_files import extract_data
from .lexicons import form_languages
from .names import NameSpan, keyed_words, name_spans, surname_like

MIN_AGE, MAX_AGE = 14, 80  # ages of recruits; other numbers before "years" are terms or dates
AGE_BEFORE, AGE_AFTER = 5, 7  # words around a name an age can stand in ("a 40-year-old volunteer called X", "X, an Italian chef aged 52")
HOME_SUFFIX_BEFORE = 6  # "Marg'ilon shahrida tug'ilgan 31 yoshli Bekzod": place, its kind, "born", an age
HOME_WINDOW = 4  # words after a name within which "from X" says where the person is from
COURT_WORDS = 4  # words before "court" that can belong to its name
_WORD = re.compile(r"[^\W_]+(?:['’‘ʻʼ`][^\W_]+)*")
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovna|evna|ович|евич|овна|евна|ич)$", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """A detail's value and the characters it was read from."""

    value: str | int
    start: int
    end: int


@cache
def _data() -> dict:
    return extract_data("identity.yaml")


def _words(section: str, lang: str) -> list[str]:
    block = _data().get(section) or {}
    out: list[str] = []
    for form_lang in form_languages(lang):
        out += [str(w) for w in block.get(form_lang.split("_")[0]) or ()]
    return out


@cache
def _comma_age(lang: str) -> re.Pattern:
    """'Victor, 28,', 'Рустам, 31 год,', 'Алмазбек (38)': an age right after a name."""
    units = "|".join(re.escape(w) for w in sorted(_words("age_unit", lang), key=len, reverse=True))
    unit = rf"(?:\s?(?:{units})\w*)?" if units else ""
    return re.compile(rf"\s*[,(]\s*(\d{{1,2}}){unit}\s*[,)]", re.IGNORECASE)


@cache
def age_words(lang: str) -> tuple[str, ...]:
    """The words of the language's ages ("year", "old", "летн", "yosh"), as beginnings of words."""
    return tuple(sorted({w.casefold() for form in _words("age_after", lang) for w in re.findall(r"\w+", form)}))


@cache
def age_before_name(lang: str) -> re.Pattern:
    """', 70-year-old ', ', aged 70 ', ', 70 yoshli ' at the end of the text before a name: an age
    standing between a title and the name ("his father, 70-year-old X")."""
    after = "|".join(re.escape(w) for w in sorted(_words("age_after", lang), key=len, reverse=True)) or "(?!)"
    before = "|".join(re.escape(w) for w in sorted(_words("age_before", lang), key=len, reverse=True))
    lead = rf"(?:(?:{before})\s+)?" if before else ""
    return re.compile(rf",\s*{lead}\d{{1,3}}\s?(?:{after})[\w-]*\s*$", re.IGNORECASE)


@cache
def _age_pattern(lang: str) -> re.Pattern:
    after = "|".join(re.escape(w) for w in sorted(_words("age_after", lang), key=len, reverse=True))
    before = "|".join(re.escape(w) for w in sorted(_words("age_before", lang), key=len, reverse=True))
    parts = [rf"(?<![\d.,])(?P<a>\d{{1,2}})\s?(?:{after})"] if after else []
    if before:
        parts.append(rf"\b(?:{before})\s+(?P<b>\d{{1,2}})(?!\d|[.,]\d)")
    return re.compile("|".join(parts), re.IGNORECASE)


def age_spans(doc: Analysis) -> list[Found]:
    """Every written age of the text ('22-year-old', '34 yoshli', '38-летний', '26 жаштагы', '22-сола')."""
    if "age_spans" not in doc.memo:
        start, end = doc.sentences[0][0], doc.sentences[-1][1]
        found = []
        for m in _age_pattern(doc.lang).finditer(doc.text, start, end):
            group = "a" if m.group("a") else "b"
            age = int(m.group(group))
            if MIN_AGE <= age <= MAX_AGE:
                found.append(Found(age, m.start(group), m.end(group)))
        doc.memo["age_spans"] = found
    return doc.memo["age_spans"]


def named_details(doc: Analysis, parts: tuple[str, ...], mentions: list[NameSpan], sentences: set[int]) -> dict[str, Found]:
    """The details of one named victim: {key: Found}, keys without a value left out.

    `mentions` are the victim's mentions anywhere in the text; `sentences` those
    of the incident (an age or a home town is read beside a mention there first).
    """
    details: dict[str, Found] = {}
    full = next((m for m in mentions if m.parts == parts and len(m.word_spans) == len(parts)), None)
    if full is not None:
        details.update(name_parts(full))
    own = [m for m in mentions if m.sentence in sentences] + [m for m in mentions if m.sentence not in sentences]
    for m in own:
        age = age_beside(doc, m)
        if age and "age" not in details:
            details["age"] = age
        home = _home_after(doc, m)
        if home and "home_locality" not in details:
            details["home_locality"] = home
    return details


def described_details(doc: Analysis, person_words: list[tuple[int, int]]) -> dict[str, Found]:
    """The details of an unnamed victim ('a 31-year-old man', 'Almazbek's son, 38,'): an age
    written beside a word for him."""
    for first, last in person_words:
        sentence = doc.sentence_of(doc.tokens[first].start)
        span = NameSpan(first, last, doc.tokens[first].start, doc.tokens[last].end, sentence, (), False, False)
        age = age_beside(doc, span)
        if age:
            return {"age": age}
    return {}


def name_parts(m: NameSpan) -> dict[str, Found]:
    """Given name, patronymic, surname and initials of a printed full name.

    Russian order (surname first: "Каримов Азиз Рустамович") is told by the
    surname ending; otherwise the last word is the surname and the words
    before it the given name ("Hari Prasad Aryal").
    """
    words = list(zip(m.parts, m.word_spans, strict=True))
    out: dict[str, Found] = {}
    initials = [(p, s) for p, s in words if len(p) <= 3 and p.endswith(".")]
    if initials:
        out["initials"] = Found(" ".join(p for p, _ in initials), initials[0][1][0], initials[-1][1][1])
    words = [(p, s) for p, s in words if (p, s) not in initials]
    patronymic = [(p, s) for p, s in words[1:] if _PATRONYMIC.search(p)]
    if patronymic:
        out["patronymic"] = Found(patronymic[0][0], *patronymic[0][1])
        words = [w for w in words if w != patronymic[0]]
    if not words:
        return out
    if len(words) == 1:
        key = "surname" if surname_like(words[0][0]) else "given_name"
        out[key] = Found(words[0][0], *words[0][1])
        return out
    if surname_like(words[0][0]) and not surname_like(words[-1][0]):
        surname, given = words[0], words[1:]
    else:
        surname, given = words[-1], words[:-1]
    out["surname"] = Found(surname[0], *surname[1])
    out["given_name"] = Found(" ".join(p for p, _ in given), given[0][1][0], given[-1][1][1])
    return out


def age_beside(doc: Analysis, m: NameSpan) -> Found | None:
    """'Victor, 28,', '28-year-old Victor', '38-летним Мухаммадом', 'Бобоазиз Тӯйдиеви 22-сола'."""
    comma = _comma_age(doc.lang).match(doc.text, m.end, m.end + 20)
    if comma and MIN_AGE <= int(comma.group(1)) <= MAX_AGE:
        return Found(int(comma.group(1)), comma.start(1), comma.end(1))
    start, end = doc.sentences[m.sentence]
    before_from = doc.tokens[max(0, m.first - AGE_BEFORE)].start
    after_to = doc.tokens[min(len(doc.tokens) - 1, m.last + AGE_AFTER)].end
    near = [a for a in age_spans(doc) if max(start, before_from) <= a.start and a.end <= min(end, after_to)]
    # The age of a relative is written beside the relative: only take one with no other name between
    # ("Farida Tursunova said her son Aziz, a 24-year-old…": the age is Aziz's).
    others = [(o.start, o.end) for o in name_spans(doc) if o.sentence == m.sentence and o.start != m.start]
    near = [a for a in near if not any(min(a.end, m.end) <= o_start and o_end <= max(a.start, m.start) for o_start, o_end in others)]
    return min(near, key=lambda a: abs(a.start - m.start), default=None)


def _home_after(doc: Analysis, m: NameSpan) -> Found | None:
    """'Hari Prasad Aryal from Syangja', 'X, родом из Оша', 'Samarqand viloyatidan bo'lgan X'."""
    k = keyer(doc.lang)
    sentence_start, sentence_end = doc.sentences[m.sentence]
    cues = [tuple(k.key(w) for w in _WORD.findall(c)) for c in _words("home_before", doc.lang)]
    last = min(len(doc.tokens), m.last + 1 + HOME_WINDOW)
    # "жителя Оша Бакыта Жумабаева", "a native of Osh, Almazbek": the cue may also stand before the name.
    before = [i for i in range(max(0, m.first - HOME_WINDOW), m.first) if doc.tokens[i].start >= sentence_start]
    for i in before + list(range(m.last + 1, last)):
        if doc.tokens[i].start >= sentence_end:
            break
        for cue in cues:
            n = len(cue)
            if n and tuple(k.key(doc.tokens[j].text) for j in range(i, min(i + n, len(doc.tokens)))) == cue:
                at = i + n + (i + n < len(doc.tokens) and doc.tokens[i + n].text.casefold() == "the")
                place = _capitalised_run(doc, at, m.start if i < m.first else sentence_end)
                if place:
                    return place
    return _place_before_marker(doc, m) or _home_suffix(doc, m)


def _place_before_marker(doc: Analysis, m: NameSpan) -> Found | None:
    """'Kottayam, Kerala native Vinod Pillai', 'a Kollam resident Rahul': capitalised places right
    before a word that makes them the person's home, the word right before the name."""
    k = keyer(doc.lang)
    markers = {k.key(w) for w in _words("home_marker", doc.lang)}
    marker = m.first - 1
    if marker < 1 or k.key(doc.tokens[marker].text) not in markers:
        return None
    sentence_start = doc.sentences[m.sentence][0]
    first = None
    j = marker - 1
    while j >= max(0, marker - HOME_WINDOW) and doc.tokens[j].start >= sentence_start and doc.tokens[j].capitalised:
        if doc.text[doc.tokens[j].end : doc.tokens[j + 1].start] not in (" ", ", "):
            break
        first = j
        j -= 1
    while first is not None and first < marker and doc.tokens[first].text.casefold() in _ARTICLES:
        first = first + 1 if first + 1 < marker else None  # "A Kollam resident": the article opens the sentence
    if first is None:
        return None
    return Found(doc.text[doc.tokens[first].start : doc.tokens[marker - 1].end], doc.tokens[first].start, doc.tokens[marker - 1].end)


_ARTICLES = frozenset({"a", "an", "the"})


def _home_suffix(doc: Analysis, m: NameSpan) -> Found | None:
    """Uzbek, Kyrgyz, Kazakh: a place with an ablative or 'born in' right before or after the name."""
    endings = [e for e in _words("home_after", doc.lang) if " " not in e]
    phrases = [e.split(" ", 1) for e in _words("home_after", doc.lang) if " " in e]
    if not endings and not phrases:
        return None
    kinds = tuple(w.casefold().replace("’", "'") for w in _words("home_place_kinds", doc.lang))
    start, end = doc.sentences[m.sentence]
    # A country is a nationality, not a home town; a state or province of one (role home) is a home.
    countries = {j for x in doc.in_sentence("countries", m.sentence) if x.entry.role != "home" for j in range(x.first, x.last + 1)}
    regions = {j for x in doc.in_sentence("regions", m.sentence) for j in range(x.first, x.last + 1)}
    for i in list(range(max(0, m.first - HOME_SUFFIX_BEFORE), m.first)) + list(range(m.last + 1, m.last + 5)):
        if i >= len(doc.tokens) or not (start <= doc.tokens[i].start < end) or i in countries:
            continue  # a country is a nationality, not a home town
        token = doc.tokens[i]
        if not token.capitalised or token.text.isupper() or (token.start == start and i not in regions):
            continue  # a capital that only opens the sentence ("Ishchilardan") names no place
        word, nxt = _word_at(doc, i), _word_at(doc, i + 1)
        if nxt.startswith(kinds) and (i > m.last or i + 1 < m.first):
            # "Marg'ilon shahrida tug'ilgan", "Ош шаарында төрөлгөн": the ending is on the word for the
            # kind of place, and the place is the capitalised word before it
            word, nxt = nxt, _word_at(doc, i + 2)
        born = any(word.endswith(a) and nxt.startswith(b) for a, b in phrases)
        if born or any(word.endswith(e) and len(word) - len(e) >= 3 for e in endings):
            return Found(token.text, token.start, token.end)
    return None


def _word_at(doc: Analysis, i: int) -> str:
    return doc.tokens[i].text.casefold().replace("’", "'") if i < len(doc.tokens) else ""


def _capitalised_run(doc: Analysis, i: int, sentence_end: int) -> Found | None:
    """The place after 'from': its capitalised words and a place word after them ('Syangja',
    'Vakhsh district', 'Свердловской области'); a country is a nationality, not a home."""
    countries = {j for x in doc.all_hits("countries") if x.entry.role != "home" for j in range(x.first, x.last + 1)}
    # "recruiters from Wagner", "a letter from the Red Cross": an organisation is nobody's home
    countries |= {j for g in ("organisations", "not_organisations") for x in doc.all_hits(g) for j in range(x.first, x.last + 1)}
    j = i
    while j < len(doc.tokens) and doc.tokens[j].start < sentence_end and doc.tokens[j].capitalised and j - i < 4:
        if j in countries or (j > i and doc.text[doc.tokens[j - 1].end : doc.tokens[j].start] not in (" ", "-")):
            break
        j += 1
    if j == i:
        return None
    if j < len(doc.tokens) and doc.tokens[j].start < sentence_end and _place_word(doc, j):
        j += 1
    return Found(doc.text[doc.tokens[i].start : doc.tokens[j - 1].end], doc.tokens[i].start, doc.tokens[j - 1].end)


def _place_word(doc: Analysis, i: int) -> bool:
    return (keyer(doc.lang).key(doc.tokens[i].text),) in keyed_words("place_after", doc.lang)


def prosecution(doc: Analysis, sentences: set[int]) -> dict[str, Found]:
    """The court and the prison term, from a sentence of the incident that passes a sentence."""
    out: dict[str, Found] = {}
    k = keyer(doc.lang)
    sentencing = [tuple(k.key(w) for w in _WORD.findall(c)) for c in _words("sentencing", doc.lang)]
    courts = {k.key(w) for w in _words("court", doc.lang)}
    for s in sorted(sentences):
        tokens = list(doc.token_range(s))
        keys = [k.key(doc.tokens[i].text) for i in tokens]
        if not any(tuple(keys[j : j + len(c)]) == c for c in sentencing if c for j in range(len(keys))):
            continue
        if "court" not in out:
            for pos in range(len(tokens)):
                if keys[pos] in courts:
                    court = _court_name(doc, tokens, keys, pos)
                    if court:
                        out["court"] = court
                        break
        if "sentence" not in out:
            term = _term(doc, s)
            if term:
                out["sentence"] = term
    return out


def _court_name(doc: Analysis, tokens: list[int], keys: list[str], pos: int) -> Found | None:
    """'Tashkent city court', 'Ташкентский городской суд', 'Toshkent shahar sudi': qualifiers and a name before the word."""
    k = keyer(doc.lang)
    qualifiers = {k.key(w) for w in _words("court_qualifiers", doc.lang)}
    first = pos
    while first > 0 and pos - first < COURT_WORDS:
        prev = tokens[first - 1]
        if doc.text[doc.tokens[prev].end : doc.tokens[tokens[first]].start] not in (" ", "-"):
            break
        if keys[first - 1] in qualifiers or doc.tokens[prev].capitalised:
            first -= 1
        else:
            break
    while first < pos and k.key(doc.tokens[tokens[first]].text) in _ARTICLES:
        first += 1  # "A district court in Shymkent": the article is no part of the name
    last = pos
    if pos + 2 < len(tokens) and keys[pos + 1] in ("in", "of") and doc.tokens[tokens[pos + 2]].capitalised:
        last = pos + 2  # "a district court in Shymkent"
    if not any(doc.tokens[tokens[j]].capitalised for j in range(first, last + 1) if j != first or first != pos):
        return None  # "the court", "a district court" alone name none
    if first == pos and last == pos:
        return None
    a, b = doc.tokens[tokens[first]].start, doc.tokens[tokens[last]].end
    return Found(doc.text[a:b], a, b)


_ARTICLES = {"a", "an", "the"}


@cache
def _term_pattern(lang: str) -> re.Pattern:
    units = _data().get("term_units") or {}

    def alternatives(unit: str) -> str:
        words = _words_of(units.get(unit) or {}, lang)
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    year, month = alternatives("year"), alternatives("month")
    words = "|".join(re.escape(w) for w in sorted(_words("term_numbers", lang), key=len, reverse=True))
    number = rf"(?:(?<![\d.,])\d{{1,2}}(?:[.,]5)?|\b(?:{words}))" if words else r"(?<![\d.,])\d{1,2}"
    unit = r"\b(?![-‑]?(?:old|летн))"  # whole words: "6 years", "5 yilga"; never an age ("36-year-old")
    return re.compile(
        rf"{number}[\s-](?:{year}){unit}(?:\s*(?:and|и|va|ва|жана|және)?\s*{number}[\s-](?:{month}){unit})?"
        rf"|{number}[\s-](?:{month}){unit}",
        re.IGNORECASE,
    )


def _words_of(block: dict, lang: str) -> list[str]:
    out: list[str] = []
    for form_lang in form_languages(lang):
        out += [str(w) for w in block.get(form_lang.split("_")[0]) or ()]
    return out


def _term(doc: Analysis, s: int) -> Found | None:
    start, end = doc.sentences[s]
    m = _term_pattern(doc.lang).search(doc.text, start, end)
    return Found(m.group(), m.start(), m.end()) if m else None
