"""Person-name candidates: runs of capitalised words that are not places, organisations or common words.

The gazetteer of given names (given_names.yaml) is evidence, not the gate:
most victims' names in real news (Nepali, Kenyan, Chinese, Kyrgyz surnames)
are in no list. A candidate is a run of capitalised words (Latin or Cyrillic,
hyphenated parts, initials "A.") in one sentence that the gazetteers do not
claim, that the text does not also write in lower case, and that is not an
institution or a place. Case endings are taken off (Russian by pymorphy3,
Uzbek, Kyrgyz, Tajik and Kazakh by suffix rules) so every form of a name
gives one value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from ..text.keys import keyer
from .analysis import Analysis
from .cache import cached
from .data_files import extract_data, home_places
from .lexicons import form_languages

GAZETTEER_GROUPS = ("regions", "countries", "organisations", "not_organisations")
MAX_NAME_WORDS = 5  # a longer run of capitals is a title-case headline, not a name
_PERSON_TAGS = {"Name", "Surn", "Patr"}
_NOT_NOUNS = {"ADJF", "ADJS", "COMP", "VERB", "INFN", "PRTF", "PRTS", "GRND", "ADVB", "NPRO", "NUMR", "PREP", "CONJ", "PRCL"}
_NOT_PERSON_TAGS = {"Geox", "Orgn", "Trad", "Abbr"}
_OPENERS = "\"'«“„‘(—–-:•▪"
_MIXED_SCRIPTS = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")


@dataclass(frozen=True)
class NameSpan:
    """One printed mention of a candidate name."""

    first: int  # index of its first token
    last: int  # index of its last token (inclusive)
    start: int  # character offsets into the text
    end: int
    sentence: int
    parts: tuple[str, ...]  # words in dictionary form, initials as printed ("A.")
    known_given: bool  # a word of it is in the given-name gazetteer
    person_form: bool  # morphology says a person's name (Name/Surn/Patr, a surname ending)
    word_spans: tuple[tuple[int, int], ...] = ()  # offsets of each printed word of the name

    @property
    def value(self) -> str:
        """The parts as printed: "Sh.Tojiboyev" keeps its initial glued, as Uzbek news prints it."""
        if len(self.word_spans) != len(self.parts):
            return " ".join(self.parts)
        out = self.parts[0]
        for (_, end), (start, _), part in zip(self.word_spans, self.word_spans[1:], self.parts[1:], strict=False):
            out += ("" if end == start and out.endswith(".") else " ") + part
        return out


@cache
def roles_data() -> dict:
    return extract_data("person_roles.yaml")


PLAIN_LISTS = ("public_figures", "place_endings", "thing_endings", "honorifics")  # lists without languages


@cache
def honorifics() -> frozenset[str]:
    """Titles of address ("Mr", "г-н"): person_roles.yaml."""
    return frozenset(str(w).casefold() for w in roles_data().get("honorifics") or ())


@cache
def plain_list(section: str) -> tuple[str, ...]:
    """A language-free list of person_roles.yaml, casefolded (from the compiled cache)."""
    return _role_keys("en").get(section, ())


ROLE_SECTIONS = ("roles", "relatives", "reporting", "bylines", "not_names", "place_after", "name_changed",
                 "pronouns", "naming", "kin", "kin_of_teller")


@cache
def keyed_words(section: str, lang: str) -> frozenset[tuple[str, ...]]:
    """A word list of person_roles.yaml as tuples of keys (multi-word phrases kept whole)."""
    return _role_keys(lang).get(section, frozenset())


@cache
def _role_keys(lang: str) -> dict:
    # Keying ~2,000 words (pymorphy3, alifbo) costs a cold start a second: built once per data version.
    return cached(f"person-roles-v3-{lang}", ("recruitwatch.extract",), lambda: _build_role_keys(lang))  # v: layout


def _build_role_keys(lang: str) -> dict:
    k = keyer(lang)
    langs = dict.fromkeys(form_languages(lang) + (("ru",) if lang in ("ky", "tg", "kk") else ()))
    out = {}
    for section in ROLE_SECTIONS:
        block = roles_data().get(section) or {}
        found = set()
        for form_lang in langs:
            for form in block.get(form_lang.split("_")[0]) or ():
                words = re.findall(r"[^\W_]+(?:['’‘ʻʼ`-][^\W_]+)*", str(form))
                if words:
                    found.add(tuple(k.key(w) for w in words))
        out[section] = frozenset(found)
    for section in PLAIN_LISTS:
        out[section] = tuple(str(w).casefold() for w in roles_data().get(section) or ())
    if lang != "en":  # Latin words in any text ("The New York Times" in a Russian report)
        english = {w for phrase in _role_keys("en")["not_names"] for w in phrase}
        out["not_names"] = out["not_names"] | frozenset((k.key(w),) for w in english)
    return out


@cache
def _single_keys(section: str, lang: str) -> frozenset[str]:
    return frozenset(w for phrase in keyed_words(section, lang) for w in phrase)


@cache
def _not_name_keys(lang: str) -> frozenset[str]:
    """Keys of words that are never part of a name: listed ones, role words, months."""
    k = keyer(lang)
    months = {
        k.key(str(form))
        for forms in (extract_data("months.yaml").get("months") or {}).values()
        for form_lang in form_languages(lang)
        for form in forms.get(form_lang) or ()
        if " " not in str(form)
    }
    words = _single_keys("not_names", lang) | _single_keys("roles", lang) | _single_keys("relatives", lang)
    return words | frozenset(months)


@cache
def _surname_pattern() -> re.Pattern:
    endings = extract_data("morphology.yaml").get("surname_endings") or []
    return re.compile("(?:" + "|".join(sorted(map(re.escape, endings), key=len, reverse=True)) + ")$", re.IGNORECASE)


@cache
def _name_case_endings(lang: str) -> tuple[str, ...]:
    block = extract_data("morphology.yaml").get("name_case_endings") or {}
    return tuple(sorted(block.get(lang) or (), key=len, reverse=True))


def surname_like(word: str) -> bool:
    """Does the word end like a surname or a patronymic (-ov, -eva, -zoda, uulu, -ович)?"""
    return len(word) > 3 and bool(_surname_pattern().search(word))


def name_spans(doc: Analysis) -> list[NameSpan]:
    """Every candidate person-name mention of the text, in text order (computed once per document)."""
    if "name_spans" not in doc.memo:
        doc.memo["name_spans"] = _same_forms(_find(doc), doc.lang)
    return doc.memo["name_spans"]


def _same_forms(spans: list[NameSpan], lang: str) -> list[NameSpan]:
    """'Jasurning' where the text also writes 'Jasur': the case ending comes off."""
    endings = _name_case_endings(lang)
    seen = {p.casefold() for span in spans for p in span.parts}
    out = []
    for span in spans:
        parts = tuple(_seen_stem(p, seen, endings) for p in span.parts)
        out.append(span if parts == span.parts else replace(span, parts=parts))
    return out


def _seen_stem(word: str, seen: set[str], endings: tuple[str, ...]) -> str:
    folded = word.translate(_APOSTROPHES).casefold()
    for ending in endings:
        stem = folded[: len(folded) - len(ending)].rstrip("'")
        if folded.endswith(ending) and len(stem) >= 3 and stem in seen:
            return word[: len(stem)]
    return word


_HANDLE_MARKS = "_@/#"  # characters that join words into a handle or an address, never a person's name


def _in_handle(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] in _HANDLE_MARKS) or (end < len(text) and text[end] in _HANDLE_MARKS)


def _find(doc: Analysis) -> list[NameSpan]:
    blocked = {
        i for group in GAZETTEER_GROUPS for m in doc.all_hits(group) for i in range(m.first, m.last + 1)
    }
    given_at = {m.first: m.concept for m in doc.all_hits("names") if m.entry.role == "given_name" and m.first == m.last}
    given = {i for m in doc.all_hits("names") if m.entry.role == "given_name" for i in range(m.first, m.last + 1)}
    given_forms = {m.concept.casefold() for m in doc.all_hits("names") if m.entry.role == "given_name"}
    lower_seen = {t.text.casefold() for t in doc.tokens if t.text[:1].islower()}
    initial_tokens = _opening_tokens(doc)
    capital_inside = {_bare(t.text) for i, t in enumerate(doc.tokens) if t.capitalised and i not in initial_tokens}
    not_names = _not_name_keys(doc.lang)
    english = _not_name_keys("en") if doc.lang != "en" else frozenset()
    blocked |= _title_case_lines(doc)
    k = keyer(doc.lang)

    def is_name_word(i: int) -> bool:
        token = doc.tokens[i]
        text = token.text
        if not token.capitalised or i in blocked or any(c.isdigit() for c in text):
            return False
        if _in_handle(doc.text, token.start, token.end):
            return False  # "Oper_Uz", "@Karim_Aliev", "t.me/Aziz_Help": a channel or an address
        if i > 0 and _joined(doc, i - 1, i) and doc.tokens[i - 1].text.casefold().rstrip(".") in honorifics():
            return len(text) > 1  # "Mr Man Bahadur Tamang"
        if i not in given and (k.key(text) in not_names or (text.isascii() and _en_key(text) in english)):
            return False  # listed; or an English word in another language's text ("The New York Times")
        if _is_initial(doc, i):
            return True  # "A.", "Zh."
        if len(text) == 1 or text.isupper() or (len(text) > 2 and text[-1] == "s" and text[:-1].isupper()):
            return False  # an acronym: AFP, ЧВК, СИЗО, and its plural: POWs, NGOs
        if _MIXED_SCRIPTS.search(text):
            return False  # "Dvorы": Latin and Cyrillic letters in one word are a typing slip, no name
        if i in given:
            return True
        if text.casefold() in lower_seen:
            return False
        if _given_name_before(doc, i, given) and surname_like(_strip_case_ending(text, doc.lang)):
            return True  # "Аюбджон Пиров": a surname after a given name, though it spells a word (пир)
        return not (doc.lang in ("ru", "uk") and _ru_common_word(text))

    found: list[NameSpan] = []
    for s in range(len(doc.sentences)):
        tokens = list(doc.token_range(s))
        run: list[int] = []
        for i in tokens + [None]:
            if i is not None and run and _hyphen_part(doc, run[-1], i):
                if len(doc.tokens[i].text) >= 4 and doc.tokens[i].text.casefold() in lower_seen:
                    run = []  # "Ex-boxer": a word the text also writes on its own describes, it names no one
                    continue
                run.append(i)  # "Una-na": a lower-case part hyphenated into a name
                continue
            if i is not None and is_name_word(i) and (not run or (_joined(doc, run[-1], i) and not _case_marked(doc, i))):
                run.append(i)
                continue
            if run and not _institution_follows(doc, run[-1], i, not_names, k, initial_tokens):
                span = _span(doc, run, s, initial_tokens, capital_inside, given_at, given_forms)
                if span:
                    found.append(span)
            run = [i] if i is not None and is_name_word(i) else []
    return found


def _institution_follows(doc: Analysis, last: int, after: int | None, not_names, k, opening: set[int]) -> bool:
    """'Research Nuclear University', '57th Motorised Infantry Brigade': capitals run on into a listed
    word of an institution's name, so they name the institution, not a person."""
    if doc.lang != "en" or after is None or after != last + 1 or after in opening:
        return False  # elsewhere the institution's word is lower-case or comes first
    token = doc.tokens[after]
    return (
        token.capitalised
        and doc.text[doc.tokens[last].end : token.start] == " "
        and k.key(token.text) in not_names
        and token.text.casefold() not in _NOT_INSTITUTIONS
    )


# Listed words that may follow a person's name: a title, or a platform ("Saidov Telegram channel").
_NOT_INSTITUTIONS = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "sir", "madam", "internet", "telegram", "whatsapp", "facebook", "tiktok",
    "instagram", "youtube", "twitter", "viber", "imo", "google",
})


def _en_key(word: str) -> str:
    return keyer("en").key(word)


def _title_case_lines(doc: Analysis) -> set[int]:
    """Words of English headlines in Title Case ('Misled Them Into War'): every word has a capital."""
    if doc.lang != "en":
        return set()
    found: set[int] = set()
    line: list[int] = []
    for i, token in enumerate(doc.tokens + [None]):
        if token is None or (line and "\n" in doc.text[doc.tokens[line[-1]].end : token.start]):
            long_words = [j for j in line if len(doc.tokens[j].text) > 3]
            if len(long_words) >= 4 and sum(doc.tokens[j].capitalised for j in long_words) >= 0.8 * len(long_words):
                found.update(line)
            line = []
        if token is not None:
            line.append(i)
    return found


def _opening_tokens(doc: Analysis) -> set[int]:
    """Words written with a capital because something starts there: a sentence, a line,
    a quotation, a clause after a colon or a dash."""
    found = set()
    for s in range(len(doc.sentences)):
        r = doc.token_range(s)
        if len(r):
            found.add(r.start)
    for i in range(1, len(doc.tokens)):
        gap = doc.text[doc.tokens[i - 1].end : doc.tokens[i].start]
        if "\n" in gap or any(c in _OPENERS for c in gap):
            found.add(i)
    return found


def _case_marked(doc: Analysis, i: int) -> bool:
    """Uzbek, Kyrgyz, Kazakh: a word with a case ending that is no surname ('Bekzod Namangandagi',
    'Шоҳрух Фарғонада') is a place or a thing after the name, not part of it."""
    if doc.lang not in ("uz", "ky", "kk"):
        return False
    word = doc.tokens[i].text
    key = keyer(doc.lang).key(word)
    folded = keyer(doc.lang).fold(word)
    return key != folded and not surname_like(_strip_case_ending(word, doc.lang))


def _is_initial(doc: Analysis, i: int) -> bool:
    """'A.', 'Zh.', 'Ш.': a capital (and a second letter of a digraph) with its full stop."""
    token = doc.tokens[i]
    text = token.text
    return (len(text) == 1 or (len(text) == 2 and text[1].islower())) and text[0].isupper() and doc.text[token.end : token.end + 1] == "."


def _hyphen_part(doc: Analysis, a: int, b: int) -> bool:
    token = doc.tokens[b]
    gap = doc.text[doc.tokens[a].end : token.start]
    return gap in _HYPHENS and b == a + 1 and token.text[:1].islower() and token.text.isalpha() and len(doc.tokens[a].text) > 1


def _joined(doc: Analysis, a: int, b: int) -> bool:
    """Two name words written as one name: "Jean Pafe", "Una-na", "A. Karimov"."""
    gap = doc.text[doc.tokens[a].end : doc.tokens[b].start]
    if gap == " " or gap in _HYPHENS:
        return True
    return _is_initial(doc, a) and gap in (". ", ".")


def _bare(word: str) -> str:
    """A word without an English possessive, case-folded: "Boateng's" opening a sentence is the Boateng of elsewhere."""
    return re.sub(r"['’]s$", "", word.casefold())


def _span(doc: Analysis, run: list[int], s: int, initial_tokens, capital_inside, given_at, given_forms) -> NameSpan | None:
    given = given_at.keys()
    words = _words(doc, run)
    if len(words) > MAX_NAME_WORDS or all(a == b and _is_initial(doc, a) for a, b in words):
        return None  # a title-case headline; initials alone
    word = doc.tokens[run[0]].text
    known = given_at.get(run[0], "").casefold()
    if run[0] in initial_tokens and len(words) == 1 and run[0] in given and word.casefold() not in given_forms and known not in capital_inside:
        return None  # "Тилекке каршы" (unfortunately): a given name with a case ending, opening a sentence, never a name elsewhere
    if run[0] in initial_tokens and run[0] not in given and _bare(word) not in capital_inside and not _person_form(doc, word):
        # "Instead", "Эми" (now): a capital only because a sentence starts there. English
        # openers are listed (not_names); elsewhere the first of several words goes.
        if len(words) == 1 and not _apposition_follows(doc, run[-1]):
            return None
        if doc.lang != "en" and not _person_form(doc, doc.tokens[words[1][0]].text):
            run = [i for i in run if i > words[0][1]]
            words = words[1:]
    if len(words) == 1 and run[0] not in given and _case_marked(doc, run[0]):
        return None  # "Toshkentga", "Бишкекке": one word with a case ending and no surname's ending is a place
    if _place_follows(doc, run[-1], s):
        run = [i for i in run if i < words[-1][0]]  # "Талант Абдыкеримов Ош шаарында": the last word is a place
        words = words[:-1]
        if not words:
            return None
    first, last = run[0], run[-1]
    end = doc.tokens[last].end + _is_initial(doc, last)  # an initial's full stop
    parts = tuple(_dictionary_form(doc, a, b, given_at) for a, b in words)
    if doc.lang in ("ru", "uk") and _female(doc.tokens[run[0]].text):
        parts = (parts[0],) + tuple(doc.text[doc.tokens[a].start : doc.tokens[b].end] for a, b in words[1:])
    person = any(_person_form(doc, doc.tokens[i].text) for i in run)
    spans = tuple(
        (doc.tokens[a].start, doc.tokens[b].end + (a == b and _is_initial(doc, a))) for a, b in words
    )
    return NameSpan(first, last, doc.tokens[first].start, end, s, parts, any(i in given for i in run), person, spans)


def _words(doc: Analysis, run: list[int]) -> list[tuple[int, int]]:
    """The run's words as (first, last) token pairs: hyphenated tokens are one word."""
    words: list[tuple[int, int]] = []
    for i in run:
        if words and doc.text[doc.tokens[i - 1].end : doc.tokens[i].start] in _HYPHENS and words[-1][1] == i - 1:
            words[-1] = (words[-1][0], i)
        else:
            words.append((i, i))
    return words


_HYPHENS = ("-", "‑")


def _apposition_follows(doc: Analysis, last: int) -> bool:
    """'Giuseppe, an Italian chef aged 52', 'Алмазбек, 38,': a name opening a sentence, described after a comma."""
    after = doc.text[doc.tokens[last].end : doc.tokens[last].end + 8]
    if re.match(r",\s*\d{1,2}\s*,", after):
        return True
    return doc.lang == "en" and bool(re.match(r",\s*(?:an?|the)\s", after))


def _place_follows(doc: Analysis, last: int, s: int) -> bool:
    """'Jalal-Abad district', 'Samarqand viloyati': the run names a place."""
    if last + 1 >= len(doc.tokens) or doc.sentence_of(doc.tokens[last + 1].start) != s:
        return False
    if doc.text[doc.tokens[last].end : doc.tokens[last + 1].start] != " ":
        return False
    return (keyer(doc.lang).key(doc.tokens[last + 1].text),) in keyed_words("place_after", doc.lang)


def _given_name_before(doc: Analysis, i: int, given: set[int]) -> bool:
    """The word before is a given name: in the gazetteer, or one morphology reads as a name."""
    if i == 0 or not doc.tokens[i - 1].capitalised or not _joined(doc, i - 1, i):
        return False
    if i - 1 in given:
        return True
    return doc.lang in ("ru", "uk") and any("Name" in p.tag.grammemes for p in ru_parses(doc.tokens[i - 1].text)[:1])


def _ru_common_word(word: str) -> bool:
    """A Russian word that is not a name: a dictionary word, or a guessed adjective or verb
    ('Юнусабадский', 'Чирчикский' district names; a capital at a sentence start)."""
    parses = ru_parses(word)
    best = parses[0] if parses else None
    if best is None or not hasattr(best.tag, "grammemes"):
        return False
    runner_up = [p for p in parses[1:2] if p.score >= best.score / 2]
    if any(_PERSON_TAGS & p.tag.grammemes for p in [best, *runner_up]):
        return False
    if best.tag.POS in _NOT_NOUNS:
        # A guess about an unknown word counts only when it is a full adjective (-ский, -ный);
        # a guessed imperative or short adjective is a foreign name's ending ('Хатри', 'Кулекпато').
        return bool(best.is_known) or best.tag.POS in ("ADJF", "PRTF")
    return bool(best.is_known)  # an unknown noun ('Гаёсиддин', 'Бахадур') may well be a name


@lru_cache(maxsize=65_536)
def ru_parses(word: str) -> list:
    """Every pymorphy3 reading of a word, best first (names need more than the best one)."""
    from ..text.keys import _morph

    try:
        return _morph().parse(word)
    except (KeyError, ValueError, IndexError):
        return []


def _ru_person(doc: Analysis, word: str) -> bool:
    return doc.lang in ("ru", "uk") and any(
        _PERSON_TAGS & p.tag.grammemes for p in ru_parses(word)[:2] if p.is_known
    )


def _person_form(doc: Analysis, word: str) -> bool:
    if doc.lang in ("ru", "uk") and _ru_person(doc, word):
        return True
    return bool(len(word) > 4 and _surname_pattern().search(_strip_case_ending(word, doc.lang)))


def _dictionary_form(doc: Analysis, first: int, last: int, given_at: dict[int, str]) -> str:
    """One word of a name (tokens joined by hyphens: "Una-na", "Жан-Поль") without its case ending."""
    if first == last and _is_initial(doc, first):
        return doc.tokens[first].text + "."
    pieces = []
    for i in range(first, last + 1):
        word = re.sub(r"['’]s$", "", doc.tokens[i].text)
        known = given_at.get(i)
        if known and first == last and word.casefold() != known.casefold() and _ending_of(word, doc.lang):
            word = word[: len(word) - len(_ending_of(word, doc.lang))]  # "Jasurning", "Отабекнинг", "Рохита"
        elif doc.lang in ("ru", "uk") and word[:1].isupper():
            word = _ru_dictionary_form(word)
        elif i == last:
            word = _strip_case_ending(word, doc.lang)
        pieces.append(word)
    return "-".join(pieces)


def _ending_of(word: str, lang: str) -> str:
    """The case ending a given name carries, as printed ('' if none)."""
    folded = word.translate(_APOSTROPHES).casefold()
    for ending in _name_case_endings(lang):
        if folded.endswith(ending) and len(folded) - len(ending) >= 3:
            return word[len(word) - len(ending) :]
    return ""


def _female(word: str) -> bool:
    """'Гульнара Токтосунова': a woman's given name in the nominative keeps her surname as written."""
    parses = ru_parses(word)
    return bool(parses) and {"Name", "femn", "nomn"} <= getattr(parses[0].tag, "grammemes", frozenset())


def _ru_dictionary_form(word: str) -> str:
    """Russian case forms of a name to the nominative, trusting pymorphy3 only where its best
    reading is a name: 'Мухаммадом' -> 'Мухаммад', 'Рахимова' -> 'Рахимов', but 'Перера' stays."""
    if _RU_NOMINATIVE_SURNAME.search(word):
        return word  # "Овезов", "Алимов": already nominative (pymorphy reads a plural of "Овез")
    parses = ru_parses(word)
    best = parses[0] if parses else None
    grammemes = getattr(best.tag, "grammemes", frozenset()) if best else frozenset()
    if best is not None and best.is_known and _PERSON_TAGS & grammemes:
        if "nomn" in grammemes:
            return word
        form = best.inflect({"nomn", "sing"}) if "Surn" in grammemes else None
        return _recase(form.word if form else best.normal_form, word)
    stripped = _RU_SURNAME_CASE.sub("", word)
    if stripped != word:
        return stripped
    for ending in _name_case_endings("ru"):  # "Шерзода", "Гаёсиддину": a listed given name with an ending
        if word.casefold().endswith(ending) and word[: len(word) - len(ending)].casefold() in gazetteer_given_names():
            return word[: len(word) - len(ending)]
    return word


@cache
def gazetteer_given_names(region: str | None = None) -> frozenset[str]:
    """The given names of given_names.yaml, case-folded: of one region (central_asia, south_asia...) or all."""
    names = extract_data("given_names.yaml").get("names") or {}
    regions = [names.get(region) or {}] if region else names.values()
    return frozenset(str(n).casefold() for lists in regions for script in lists.values() for n in script or ())


@cache
def place_words() -> frozenset[str]:
    """Every one-word name of a place or a people in the gazetteers, in any of their languages
    (Fergana, Kiyev, Rusia, Delhi, Afghan): a report in one language quotes places in another."""
    regions = extract_data("regions.yaml")
    countries = extract_data("countries.yaml").get("countries") or ()
    entries = [
        *(regions.get("regions") or ()), *(regions.get("cities") or ()), *countries,
        *({"names": country.get("demonyms")} for country in countries),
        *home_places(),
    ]
    return frozenset(w for w in _one_word_names(entries) if len(w) > 2)


@cache
def city_words() -> frozenset[str]:
    """One-word names of the large cities of victims' countries (data/home_cities.yaml: Bishkek, Osh)."""
    return _one_word_names(extract_data("home_cities.yaml").get("cities") or ())


def _one_word_names(entries) -> frozenset[str]:
    """The folded one-word forms of gazetteer entries' `names` (any language)."""
    return frozenset(
        _folded(str(form)) for entry in entries for forms in (entry.get("names") or {}).values()
        for form in forms or () if " " not in str(form).strip()
    )


def is_place_word(word: str, lang: str, *, cities: bool = True) -> bool:
    """A place or a people, or (in English) the adjective of a place in -i: 'Kashmiri', 'Punjabi';
    with `cities`, a large city of a victim's country as well."""
    folded = _folded(word)
    places = place_words()
    if cities and folded in city_words():
        return True
    return folded in places or (lang == "en" and folded.endswith("i") and folded[:-1] in places)


def _folded(word: str) -> str:
    return word.translate(_APOSTROPHES).casefold().replace("ё", "е")


_RU_NOMINATIVE_SURNAME = re.compile(r"(?:[оеё]в|[иы]н|ский|цкий)$")


# Russian surnames in an oblique case: Каримова, Сейтказиеву, Рахимовым -> Каримов …
_RU_SURNAME_CASE = re.compile(r"(?<=[оеё]в|ин)(?:а|у|ым|ом|е)$")


def _recase(normal: str, printed: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in normal.split("-")) if printed[:1].isupper() else normal


def _strip_case_ending(word: str, lang: str) -> str:
    """'Rahimovning', 'Мамасыдыковдун', 'Тӯйдиеви' -> the name without its case ending.

    An ending is taken off only where what is left ends like a surname: a given
    name's last letters are too often a case ending of their own.
    """
    endings = _name_case_endings(lang)
    if not endings:
        return word
    pattern = _surname_pattern()
    folded = word.translate(_APOSTROPHES)
    for ending in endings:
        if folded.lower().endswith(ending) and len(folded) - len(ending) >= 4:
            stem = word[: len(word) - len(ending)].rstrip("'’‘ʻʼ`")
            if pattern.search(stem):
                return stem
    return word


_APOSTROPHES = str.maketrans({c: "'" for c in "’‘ʻʼ`"})
