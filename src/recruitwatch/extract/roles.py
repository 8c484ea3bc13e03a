"""Which named people are victims.

News about a victim names many people: relatives who speak for him, lawyers,
officials, police, agents, experts, the author. A person is a victim only
when the text ties one of their mentions to what happened to a recruited or
pressured person (an event of the sentence, an age or nationality written
beside the name) and no mention of them carries a role that is not a
victim's ("lawyer X", "X, head of", "his mother X", "By X", a head of state).
The words are data (person_roles.yaml); the rules here are the same for
every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ..text.keys import PLURAL_ENDINGS, keyer
from ..text.namekeys import parse_name, spelling, words_agree
from .analysis import Analysis
from .identity import age_before_name, age_beside, age_words
from .names import (
    NameSpan,
    honorifics,
    is_place_word,
    keyed_words,
    name_spans,
    plain_list,
    roles_data,
    ru_parses,
)

BEFORE = 3  # words before a name an apposition can take ("Ministry spokesperson X")
AFTER = 5  # words after "X," an apposition can take ("X, a researcher at", "X, who heads")
NEAR = 4  # words between a name and an age or a nationality that describe it
EVENT_GROUPS = ("methods", "outcomes", "statuses")
PRONOUN_CHAIN = 2  # sentences opening with "he" that still speak of the person just named
_STOP = re.compile(r"[.;:!?\n]")  # an apposition does not cross these


@dataclass
class Person:
    """One person the text names, with every mention of them."""

    parts: tuple[str, ...]  # the fullest form of the name
    mentions: list[NameSpan] = field(default_factory=list)
    printed: str | None = None  # that form as a mention prints it ("Sh.Tojiboyev")

    @property
    def value(self) -> str:
        return self.printed or " ".join(self.parts)


def victims(doc: Analysis) -> list[Person]:
    """The named victims of a text (computed once per document)."""
    if "victim_people" not in doc.memo:
        people = cluster(name_spans(doc))
        chosen = _without_passing(doc, people, [p for p in people if _is_victim(doc, p)])
        if not chosen:
            chosen = _the_one_named(doc, people)
        doc.memo["victim_people"] = chosen + _listed_with(doc, people, chosen)
    return doc.memo["victim_people"]


PASSING_AGAINST = 3  # mentions of the text's main victim beside which a name said once is in passing


def _without_passing(doc: Analysis, people: list[Person], chosen: list[Person]) -> list[Person]:
    """A story told about one victim (named three times or more) that names another once, in a
    sentence about the first and not listed with him, recalls another case ("Boateng's death recalled
    the case of Yao Kouassi"): that one is context, not this text's victim."""
    if not chosen or max(len(p.mentions) for p in chosen) < PASSING_AGAINST:
        return chosen
    main = max(chosen, key=lambda p: len(p.mentions))
    listed = {id(p) for p in _listed_with(doc, people, [main])}
    beside_main = {m.sentence for m in main.mentions}
    return [p for p in chosen if len(p.mentions) > 1 or id(p) in listed or p.mentions[0].sentence not in beside_main]


def named_people(doc: Analysis) -> list[Person]:
    """People the text names who are not marked as someone else (officials, lawyers, relatives,
    public figures, places): who a report not judged relevant may be about."""
    return [
        p for p in cluster(name_spans(doc))
        if not _public_figure(p.parts) and not _marked_other(doc, p) and not _a_place(doc, p) and _is_a_person(doc, p)
    ]


def _the_one_named(doc: Analysis, people: list[Person]) -> list[Person]:
    """A story about one victim that names only him, twice or more, and ties no sentence to his name
    ('Mansur Ismailov, from Nukus, was placed in the centre… Ismailov says…'): he is its victim.
    Anyone a title, a family word or a place marks is not; two such people leave it undecided."""
    if not any(c.concept == "victim_noun" for c in doc.all_hits("cues")):
        return []  # no word for a person ("a 28-year-old man", "a migrant") to be him
    named = [
        p for p in people
        if len(p.mentions) >= 2 and len(p.parts) > 1 and not _public_figure(p.parts) and not _a_place(doc, p)
        and _is_a_person(doc, p) and not any(_not_a_victim(doc, m) or _kin(doc, m) for m in p.mentions)
    ]
    return named if len(named) == 1 else []


def _listed_with(doc: Analysis, people: list[Person], chosen: list[Person]) -> list[Person]:
    """'Sanjay, Ram, Santosh and Srestha Kumar': names listed with a victim's are victims too,
    when nothing marks them as someone else and they read as names, not places."""
    owner = {id(m): p for p in people for m in p.mentions}
    found: list[Person] = []
    frontier = list(chosen)
    while frontier:
        person = frontier.pop()
        for m in person.mentions:
            for other in _list_neighbours(doc, m):
                p = owner[id(other)]
                if p in chosen or p in found or _public_figure(p.parts):
                    continue
                if any(_not_a_victim(doc, x) or (_kin(doc, x) and _speaker(doc, x)) for x in p.mentions) or _a_place(doc, p):
                    continue  # "Sufiyan's brother, Mohammad Salman, told…": a relative who tells
                if len(p.parts) > 1 or any(x.known_given or x.person_form for x in p.mentions) or doc.lang == "en":
                    found.append(p)
                    frontier.append(p)
    return found


def cluster(spans: list[NameSpan]) -> list[Person]:
    """Mentions of one person together: 'Bharat Bahadur Shah' ... 'Shah'; 'Anatol Frank' ... 'Frank'."""
    people: list[Person] = []
    for span in sorted(spans, key=lambda s: (-len(s.parts), s.start)):
        matches = [p for p in people if _part_of(span.parts, p.parts)]
        if not matches:
            people.append(Person(span.parts, [span]))
        elif len(matches) == 1:
            matches[0].mentions.append(span)
        else:  # "Davlatov" after Firuz and Saidjon Davlatov: the one the text introduced first, its subject
            min(matches, key=lambda p: min(m.start for m in p.mentions)).mentions.append(span)
    for p in people:
        p.mentions.sort(key=lambda m: m.start)
        p.parts = _usual_form(p)
        p.printed = next(m.value for m in p.mentions if m.parts == p.parts)
    return sorted(people, key=lambda p: p.mentions[0].start)


def _usual_form(person: Person) -> tuple[str, ...]:
    """The fullest form the text prints most often (first on a tie): "Ernesto Valcarsel" twice over
    "Ernesto Valcárcel" once; initials count as less full than the words they stand for."""
    longest = max(len(m.parts) for m in person.mentions)
    forms = [m.parts for m in person.mentions if len(m.parts) == longest]
    # "Жавлон Раҳимов" once over "Ж.Раҳимов" twice: an initial is not the fuller form.
    return max(forms, key=lambda f: (-sum(w.initial for p in f for w in parse_name(p).words), forms.count(f), -forms.index(f)))


def _part_of(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    if len(short) > len(full):
        return False
    n = len(short)
    return _same_words(short, full[:n]) or _same_words(short, full[-n:])


def _same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    for x, y in zip(a, b, strict=True):
        x, y = x.casefold(), y.casefold()
        if x == y:
            continue
        if len(x) == 2 and x.endswith(".") and y.startswith(x[0]) or len(y) == 2 and y.endswith(".") and x.startswith(y[0]):
            continue  # an initial: "A. Karimov" is "Aziz Karimov"
        if min(len(x), len(y)) >= SPELLING_VARIANT_LETTERS and _one_word_spelt_two_ways(x, y):
            continue  # one text, two spellings of one name: "Ernesto Valcárcel", "Ernesto Valcarsel"
        return False
    return True


SPELLING_VARIANT_LETTERS = 5  # shorter words (Ali, Alim; Aziz, Aziza) are other names more often than typos


def _one_word_spelt_two_ways(x: str, y: str) -> bool:
    a, b = parse_name(x).words, parse_name(y).words
    return len(a) == len(b) == 1 and not a[0].initial and not b[0].initial and words_agree(a[0], b[0])


def _is_victim(doc: Analysis, person: Person) -> bool:
    if _public_figure(person.parts):
        return False
    if _marked_other(doc, person) or _a_place(doc, person):
        return False
    if not _is_a_person(doc, person):
        return False
    # "his brother Saidjon said…" once: what Saidjon tells elsewhere is about his brother too.
    relative = any(_kin(doc, m) and _speaker(doc, m) for m in person.mentions)
    if any(_tells_of_husband_or_son(doc, m) for m in person.mentions):
        return False
    return any(_tied(doc, m, relative=relative) for m in person.mentions)


def _tells_of_husband_or_son(doc: Analysis, m: NameSpan) -> bool:
    """'Rima Karki recalls… a message from her husband, Pitam': someone named later in the sentence
    as this person's husband or son (person_roles.yaml kin_of_teller) makes her his wife or mother."""
    return any(
        n.sentence == m.sentence and n.start > m.end and n.parts[0] != m.parts[0]  # spouses share a surname
        and _phrase_in(doc, _before(doc, n)[-2:], "kin_of_teller", ending=True)
        for n in name_spans(doc)
    )


def _marked_other(doc: Analysis, person: Person) -> bool:
    """Is the person someone other than a victim: so marked where the text introduces them, or in
    most mentions? One later mention read so is the reader's slip more often than the text's
    ("According to the minister, Boateng, sentenced last March, ...")."""
    marked = [_not_a_victim(doc, m) for m in person.mentions]
    return marked[0] or 2 * sum(marked) > len(marked)


def _a_place(doc: Analysis, person: Person) -> bool:
    """A single word once written 'in X' or 'from X' is a place ('Shymkent court jails…', 'in Shymkent');
    a full name is a place only if every mention reads so ('the Rai family' is still Suman Rai's)."""
    single = len(person.parts) == 1 and not any(m.known_given for m in person.mentions)
    places = [_place_word(doc, m) for m in person.mentions]
    return any(places) if single else all(places)


def _is_a_person(doc: Analysis, person: Person) -> bool:
    """A lone capitalised word ('Hindu', 'Swahili') needs a sign that it names someone."""
    if any(_place_like(p) for p in person.parts):
        return False
    if len(person.parts) == 1 and not any(m.known_given for m in person.mentions) and is_place_word(person.parts[0], doc.lang):
        return False  # "Fargʻona shevasida", "Kiyev va Stalingrad", "cubanos, Rusia, Cuba"
    if len(person.parts) > 1 or any(m.known_given for m in person.mentions):
        return True
    if doc.lang != "en" and any(m.person_form for m in person.mentions):
        return True  # a surname ending; in English text "Geneva" ends like "Karimova"
    return any(
        _near_age(doc, m) or _speaker(doc, m) or _honorific(doc, m) or _name_changed(doc, m) or _origin(doc, m)
        or _phrase_in(doc, _before(doc, m)[-3:], "naming", ending=True)  # "собеседника зовут Гаёсиддин"
        or (doc.lang == "en" and _in_name_list(doc, m))
        for m in person.mentions
    )


def _place_like(word: str) -> bool:
    """'Uzbekistan', 'Узбекистон', 'Jalal-Abad', 'Employment': endings of place names and abstract
    nouns, never of a person's name."""
    folded = word.casefold()
    if any(folded.endswith(e) for e in plain_list("thing_endings")):
        return True
    # A place ending may carry a case or copula ending after it: "Қирғизистонанд", "Uzbekistanga".
    return any(re.search(re.escape(e) + r"\w{0,4}$", folded) for e in plain_list("place_endings"))


def role_follows(doc: Analysis, last: int) -> bool:
    """A role word right after a word, in the same phrase: 'a Kyrgyz lawyer', 'an Uzbek official',
    'қирғизистонлик ҳуқуқшунос' describe someone who speaks or acts, not a victim."""
    window = []
    for i in range(last + 1, min(len(doc.tokens), last + 3)):
        if re.search(r"[^\s]", doc.text[doc.tokens[i - 1].end : doc.tokens[i].start]):
            break
        window.append(i)
    return _phrase_in(doc, window, "roles")


# --- what marks a mention as not a victim's ------------------------------------------------------


def _not_a_victim(doc: Analysis, m: NameSpan) -> bool:
    """'lawyer X', 'X, head of', 'his mother X', 'By X'. Not 'X's lawyer' ('адвокат Шерзода' with the
    name in the genitive, 'модари Комрон' with the Tajik izofat) nor a plural ('his relatives X…'):
    those words are about other people."""
    before = [i for i in _before(doc, m) if not _plural(doc, i, noun=True)]
    after = [i for i in _without_age(doc, _after_comma(doc, m))[: _after_words(doc.lang)] if not _plural(doc, i)]
    if _possessor(doc, m):
        before = []
    if _phrase_in(doc, _title_window(doc, before), "roles", ending=True) or _phrase_in(doc, after, "roles"):
        return True
    if any(_phrase_in(doc, _title_window(doc, _before(doc, x)), "roles", ending=True)
           for x in _list_neighbours(doc, m) if x.end <= m.start):
        return True  # "two recruiters — Arun and Yesudas Junior": the title is the whole list's
    if _phrase_in(doc, before[-2:], "relatives", ending=True) or _phrase_in(doc, after[:2], "relatives"):
        return True
    return _byline(doc, m)


def _after_words(lang: str) -> int:
    # Verb-final languages put the role at the end of a longer clause ("X, ки ... роҳбарӣ мекунад").
    return AFTER if lang in ("uz", "ky", "kk", "tg") else 3


def _possessor(doc: Analysis, m: NameSpan) -> bool:
    """Is the name the owner of the word before it ('адвокат Шерзода', 'модари Комрон')?"""
    if m.first == 0:
        return False
    if doc.lang in ("ru", "uk"):
        # The first word pymorphy3 reads as a name decides: 'Шерзода' (gent), not 'Гульнара Токтосунова'.
        for i in range(m.first, m.last + 1):
            named = [p for p in ru_parses(doc.tokens[i].text)[:3] if {"Name", "Surn"} & getattr(p.tag, "grammemes", frozenset())]
            if named:
                return "gent" in named[0].tag.grammemes and not _genitive_word(doc.tokens[m.first - 1].text)
        return False
    if doc.lang == "tg":
        prev = doc.tokens[m.first - 1].text.casefold()
        return prev.endswith(("и", "ӣ")) and len(prev) > 3
    return False


def _genitive_word(word: str) -> bool:
    """'по словам правозащитницы Татьяны Котляр': a title in the genitive beside a name in the genitive
    is the same person (apposition); only a title in another case owns the name ('адвокат Шерзода')."""
    parses = ru_parses(word)
    return bool(parses) and "gent" in getattr(parses[0].tag, "grammemes", frozenset()) and "NOUN" in parses[0].tag


# Uzbek marks the plural anywhere before a case or possessive ending (qarindoshlari);
# the other languages' endings are text/keys.py's.
_PLURAL = {**PLURAL_ENDINGS, "uz": re.compile(r"(?:lar|лар)\w{0,6}$")}


def _plural(doc: Analysis, i: int, *, noun: bool = False) -> bool:
    """A plural word ('relatives', 'родственники', 'qarindoshlari'): a title of several people, not of
    the one named. English -s counts only where a noun is expected (`noun`): 'who heads' is a verb."""
    word = doc.tokens[i].text.casefold()
    if doc.lang == "en" and noun:
        return keyer("en").key(word) != word and word.endswith("s")
    if doc.lang in ("ru", "uk"):
        parses = ru_parses(word)
        return bool(parses) and "plur" in getattr(parses[0].tag, "grammemes", frozenset())
    if doc.lang == "en":
        return False  # "who heads", "says": English -s is as often a verb's
    pattern = _PLURAL.get(doc.lang)
    return bool(pattern and pattern.search(word))


# Words that join a title to the place it is of: "Ambassador to Russia X", "консул в Москве X".
@cache
def _title_of(lang: str) -> frozenset[str]:
    return frozenset(str(w).casefold() for w in (roles_data().get("title_of") or {}).get(lang) or ())


def _before(doc: Analysis, m: NameSpan) -> list[int]:
    """Words right before a name, back to a stop ('his wife, X': a comma right before the name is
    crossed, and so is an age after it: 'his father, 70-year-old X')."""
    first = m.first
    reach = max(0, m.start - 40)
    age = age_before_name(doc.lang).search(doc.text[reach : m.start])
    if age:  # the words before the name start before the comma that opens the age
        comma = reach + age.start()
        first = next((i for i in range(m.first - 1, -1, -1) if doc.tokens[i].end <= comma), -1) + 1
    found: list[int] = []
    i = first - 1
    while i >= 0 and len(found) < BEFORE:
        gap = doc.text[doc.tokens[i].end : doc.tokens[i + 1].start]
        if _STOP.search(gap) or ("," in gap and i + 1 != first):
            break
        found.insert(0, i)
        i -= 1
    return found


def _title_window(doc: Analysis, window: list[int]) -> list[int]:
    """The words before a name down to the title that owns it: less a naming word ('middlemen named
    X' -> 'middlemen') and the place a title is of ('Ambassador to Russia X' -> 'Ambassador')."""
    for j in range(len(window) - 1, -1, -1):  # the shortest ending that is a naming phrase
        if _phrase_in(doc, window[j:], "naming", ending=True):
            window = window[:j]
            break
    places = {i for group in ("countries", "regions") for p in doc.all_hits(group) for i in range(p.first, p.last + 1)}
    j = len(window)
    while j > 0 and window[j - 1] in places:
        j -= 1
    if 0 < j < len(window) and doc.tokens[window[j - 1]].text.casefold() in _title_of(doc.lang):
        return window[: j - 1]
    return window


def _without_age(doc: Analysis, window: list[int]) -> list[int]:
    """An apposition's words less an age ('X, his 45-year-old spouse' -> 'his spouse')."""
    words = age_words(doc.lang)
    return [i for i in window if not doc.tokens[i].text.isdigit() and not doc.tokens[i].text.casefold().startswith(words)]


def _after_comma(doc: Analysis, m: NameSpan) -> list[int]:
    """'X, a lawyer at', 'X (head of', 'X — the agent who': the words of an apposition after a name."""
    rest = doc.text[m.end : m.end + 4]
    if not re.match(r"\s*[,(—–]", rest):
        return []
    found = []
    i = m.last + 1
    while i < len(doc.tokens) and len(found) < AFTER:
        gap = doc.text[doc.tokens[i - 1].end : doc.tokens[i].start]
        if _STOP.search(gap) or (found and re.search(r"[,()—–\"«»“”]", gap)):
            break  # the apposition ends at the next comma
        found.append(i)
        i += 1
    return found


def _phrase_in(doc: Analysis, window: list[int], section: str, *, ending: bool = False) -> bool:
    """Does a phrase of the section occur in the window (ending at its last word, if `ending`)?"""
    if not window:
        return False
    keys = [_keys_of(doc, i) for i in window]
    phrases = keyed_words(section, doc.lang)
    for n in _lengths(section, doc.lang):
        starts = [len(keys) - n] if ending else range(len(keys) - n + 1)
        for s in starts:
            if s >= 0 and any(p in phrases for p in _combinations(keys[s : s + n])):
                return True
    if ending and len(window) > 1 and doc.tokens[window[-1]].capitalised:
        # Skip a capitalised word between a title and the name: "Foreign Minister NP Saud", "глава МВД X".
        return _phrase_in(doc, window[:-1], section, ending=True)
    return False


# Possessive endings on a title ("tashkilot rahbari", "ташкилот раҳбари", "уюмдун башчысы"):
# the word's key keeps them, so the bare title is tried too.
_POSSESSIVE = re.compile(r"(?:si|i|сы|си|су|сү|ы|и|у|ү|ӣ)$")


def _keys_of(doc: Analysis, i: int) -> tuple[str, ...]:
    key = keyer(doc.lang).key(doc.tokens[i].text)
    if doc.lang in ("uz", "ky", "kk", "tg"):
        bare = _POSSESSIVE.sub("", key)
        if bare != key and len(bare) >= 3:
            return (key, bare)
    return (key,)


def _combinations(keys: list[tuple[str, ...]]):
    if len(keys) == 1:
        return [(k,) for k in keys[0]]
    return [(k, *rest) for k in keys[0] for rest in _combinations(keys[1:])]


@cache
def _lengths(section: str, lang: str) -> tuple[int, ...]:
    return tuple(sorted({len(p) for p in keyed_words(section, lang)}))


def _byline(doc: Analysis, m: NameSpan) -> bool:
    """'By X' on a line of its own, 'Фото: X', a photo credit 'X/Agency'."""
    if doc.text[m.end : m.end + 1] == "/" or doc.text[max(0, m.start - 1) : m.start] == "[":
        return True
    line_start = doc.text.rfind("\n", 0, m.start) + 1
    head = doc.text[line_start : m.start]
    words = re.findall(r"[^\W\d_]+", head)
    return 0 < len(words) <= 2 and _phrase_in(doc, _before(doc, m), "bylines", ending=True)


def _public_figure(parts: tuple[str, ...]) -> bool:
    """A word of the name is a listed public figure's, in any script or spelling (Prigozhin,
    Prigojin, Пригожин), or that with an ending (Putin's, Путина)."""
    figures = _figure_words()
    for part in parts:
        p = part.casefold()
        if any(p == f or (len(f) >= 4 and p.startswith(f) and len(p) - len(f) <= 3) for f in plain_list("public_figures")):
            return True
        words = parse_name(part).full_words
        if words and len(words[0].skeleton) >= 4 and any(_same_figure(words[0], f) for f in figures):
            return True
    return False


def _same_figure(word, figure) -> bool:
    """Prigojin is Prigozhin; Mirzoev is not Mirziyoyev (one skeleton, other vowels)."""
    return spelling(word.text) == spelling(figure.text)


@cache
def _figure_words() -> tuple:
    return tuple(w for f in plain_list("public_figures") for w in parse_name(f).full_words if len(w.skeleton) >= 4)


# --- what ties a mention to a victim -------------------------------------------------------------


def _tied(doc: Analysis, m: NameSpan, *, relative: bool = False) -> bool:
    """An age or a nationality beside the name, or an event in its sentence it does not just report."""
    if _near_age(doc, m) or _named_person(doc, m):
        return True
    if _speaker(doc, m) and (relative or _kin(doc, m) or _kin_in_sentence(doc, m)):
        # "as his brother Rustam told, in the colony…", "according to Jamshid, his brother Ulugbek…":
        # what a relative tells is about someone else.
        return False
    if _described(doc, m):
        return True
    if _has_event(doc, m.sentence):
        return True
    # "Our first interviewee is called Gayosiddin. He got a summons…": the next sentence, about him.
    for nxt in range(m.sentence + 1, min(len(doc.sentences), m.sentence + 1 + PRONOUN_CHAIN)):
        if not _opens_with_pronoun(doc, nxt) or any(s.sentence == nxt for s in name_spans(doc)):
            return False
        if _has_event(doc, nxt):
            return True
    return False


def _has_event(doc: Analysis, s: int) -> bool:
    return any(doc.in_sentence(group, s) for group in EVENT_GROUPS) or any(
        c.concept == "recruitment" for c in doc.in_sentence("cues", s)
    )


def _opens_with_pronoun(doc: Analysis, s: int) -> bool:
    r = doc.token_range(s)
    if not len(r):
        return False
    return (keyer(doc.lang).key(doc.tokens[r.start].text),) in keyed_words("pronouns", doc.lang)


def _near_age(doc: Analysis, m: NameSpan) -> bool:
    return age_beside(doc, m) is not None


_PLACE_PREPOSITIONS = {
    "en": {"from", "in", "at", "near", "outside", "inside"},
    "ru": {"в", "во", "из", "под", "около", "возле"},
}
_THING_BEFORE = {"en": {"the", "of", "a", "an"}}  # "the Global South", "a Colombo agency", "Code of Offenses"


def _place_word(doc: Analysis, m: NameSpan) -> bool:
    """'from Syangja', 'в Сахарове', 'the Global South': capitals after a preposition of place or an
    article name a place or a thing, unless a word of them is a known given name."""
    if m.known_given or m.first == 0:
        return False
    previous = doc.tokens[m.first - 1].text.casefold()
    if previous in _THING_BEFORE.get(doc.lang, ()):
        return True
    if (keyer(doc.lang).key(previous),) in keyed_words("place_after", doc.lang):
        return True  # "ноҳияи Ҷалолиддини Румӣ", "district of": a place word before the name
    if len(m.parts) == 1 and previous in _PLACE_PREPOSITIONS.get(doc.lang, ()):
        return True
    if doc.lang == "en" and re.search(r",\s*from\s+$", doc.text[max(0, m.start - 12) : m.start]):
        return True  # "Alex Vega, from Santa Clara, told": a hometown in apposition, however many words
    # "from Punjab and Haryana": listed after a place, a place.
    earlier = [x for x in _list_neighbours(doc, m) if x.end <= m.start and len(x.parts) == 1 and not x.known_given]
    if any(x.first > 0 and doc.tokens[x.first - 1].text.casefold() in _PLACE_PREPOSITIONS.get(doc.lang, ()) for x in earlier):
        return True
    # "in Delhi, Thiruvananthapuram, Mumbai": listed right after a place the gazetteers know.
    return len(m.parts) == 1 and _listed_after_a_place(doc, m.first)


def _listed_after_a_place(doc: Analysis, first: int) -> bool:
    ends = doc.memo.get("place_ends")
    if ends is None:
        ends = doc.memo["place_ends"] = {
            m.last for group in ("regions", "countries") for m in doc.all_hits(group)
            if m.entry.role not in ("demonym", "adjective")
        }
    j = first
    for _ in range(MAX_LIST_STEPS):  # back through the list, one capitalised word at a time
        i = j - 1
        if i >= 0 and doc.tokens[i].text.casefold() in _LIST_GAPS:  # "… and Ambala"
            i -= 1
        if i < 0:
            return False
        gap = doc.text[doc.tokens[i].end : doc.tokens[i + 1].start].strip()
        if not (gap == "," or (i < j - 1 and not gap)):
            return False
        if i in ends:
            return True
        if not doc.tokens[i].capitalised:
            return False
        j = i
    return False


MAX_LIST_STEPS = 12


def _described(doc: Analysis, m: NameSpan) -> bool:
    """'Four Kenyans - Victor, Mark', 'Ravshan, an Uzbek migrant', 'a Tajik prisoner X', 'Eric from Togo',
    'a man named X'."""
    near = set(range(m.first - NEAR, m.first)) | set(range(m.last + 1, m.last + 1 + NEAR))
    words = [
        x for x in doc.in_sentence("countries", m.sentence) if x.entry.role in ("demonym", "adjective")
    ] + doc.in_sentence("statuses", m.sentence) + [
        c for c in doc.in_sentence("cues", m.sentence) if c.concept == "foreigner"
    ]
    if any(set(range(x.first, x.last + 1)) & near for x in words):
        return True
    if _origin(doc, m):
        return True
    return _named_person(doc, m)


def _named_person(doc: Analysis, m: NameSpan) -> bool:
    """A person noun given this name: 'the man identified as X', 'X, a construction worker'
    ('his brother X' is as often the one who speaks as the victim)."""
    persons = [c for c in doc.in_sentence("cues", m.sentence) if c.concept == "victim_noun"]
    apposition = _after_comma(doc, m)[:3]
    possessive = apposition and (keyer(doc.lang).key(doc.tokens[apposition[0]].text),) in keyed_words("pronouns", doc.lang)
    if not possessive and any(set(range(c.first, c.last + 1)) & set(apposition) for c in persons):
        return True  # "X, a construction worker", not "X, his brother"
    for c in persons:
        between = list(range(c.last + 1, m.first))
        if c.last < m.first and len(between) <= 4 and _phrase_in(doc, between, "naming", ending=True):
            return True
    return False


def _kin(doc: Analysis, m: NameSpan) -> bool:
    """'his brother Rustam', 'Amrit Singh, his brother,': a family member of someone else."""
    return _phrase_in(doc, _before(doc, m)[-2:], "kin", ending=True) or _phrase_in(doc, _after_comma(doc, m)[:3], "kin")


def _kin_in_sentence(doc: Analysis, m: NameSpan) -> bool:
    others = [i for i in doc.token_range(m.sentence) if not m.first <= i <= m.last and not _plural(doc, i, noun=True)]
    kin = keyed_words("kin", doc.lang)
    return any(any((key,) in kin for key in _keys_of(doc, i)) for i in others)


def _origin(doc: Analysis, m: NameSpan) -> bool:
    """'Eric from Togo', 'Азиз из Таджикистана': a country named right after the name as where he is from."""
    origin = set(range(m.last + 1, m.last + 3))
    return any(x.entry.role in ("name", "home") and x.first in origin for x in doc.in_sentence("countries", m.sentence))


def _speaker(doc: Analysis, m: NameSpan) -> bool:
    """'said X', 'X told', 'по словам X': the mention speaks; its sentence's events are what it says."""
    before = [i for i in _before(doc, m) if doc.tokens[i].text.casefold().rstrip(".") not in honorifics()]
    if before and before[-1] == m.first - 1 and "," in doc.text[doc.tokens[m.first - 1].end : m.start]:
        before = []  # "According to relatives, Gurung signed": the comma ends what was said by whom
    after = [] if _possessor(doc, m) else list(range(m.last + 1, min(len(doc.tokens), m.last + 3)))
    apposition = _after_comma(doc, m)
    if apposition:  # "Amrit Singh, his brother, told the men"
        after = list(range(apposition[-1] + 1, min(len(doc.tokens), apposition[-1] + 3)))
    return _phrase_in(doc, before, "reporting") or _phrase_in(doc, after, "reporting")


def _honorific(doc: Analysis, m: NameSpan) -> bool:
    return m.first > 0 and doc.tokens[m.first - 1].text.casefold() in honorifics()


def _in_name_list(doc: Analysis, m: NameSpan) -> bool:
    return bool(_list_neighbours(doc, m))


_LIST_GAPS = {",", "and", ", and", "и", "va", "ва", "жана", "және", "&"}


def _list_neighbours(doc: Analysis, m: NameSpan) -> list[NameSpan]:
    """'Sanjay, Ram, Santosh and Srestha Kumar': the names written next to this one in a list."""
    by_sentence = doc.memo.get("name_spans_by_sentence")
    if by_sentence is None:
        by_sentence = doc.memo["name_spans_by_sentence"] = {}
        for s in name_spans(doc):
            by_sentence.setdefault(s.sentence, []).append(s)
    found = []
    for s in by_sentence.get(m.sentence, ()):
        if s is m:
            continue
        a, b = (s, m) if s.end <= m.start else (m, s)
        gap = doc.text[a.end : b.start].strip().casefold()
        # "Hari Prasad Aryal from Syangja, Bharat Bahadur Shah": a short phrase may stand between.
        head, sep = _split_separator(gap)
        if sep and not _STOP.search(head) and len(head.split()) <= 3 and "," not in head:
            found.append(s)
    return found


def _split_separator(gap: str) -> tuple[str, str]:
    for sep in sorted(_LIST_GAPS, key=len, reverse=True):
        if gap == sep or gap.endswith(" " + sep) or (sep.startswith(",") and gap.endswith(sep)):
            return gap[: len(gap) - len(sep)].strip(), sep
    return gap, ""


def _name_changed(doc: Analysis, m: NameSpan) -> bool:
    window = doc.text[m.end : m.end + 60]
    k = keyer(doc.lang)
    words = [k.key(w) for w in re.findall(r"[^\W_]+(?:['’‘ʻʼ`][^\W_]+)*", window)]
    return any(
        tuple(words[s : s + len(p)]) == p for p in keyed_words("name_changed", doc.lang) for s in range(len(words))
    )
