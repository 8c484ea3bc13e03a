"""Legal citations in text -> codes of the contract (RU/115-FZ/15, UZ/CC/154-1, ...).

An article number is only turned into a code when the text names the
instrument near it; "Article 15" alone cites nothing we could check. An
article named by its subject ("по статье о наемничестве") is cited beside a
word for "article" (data/article_titles.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ..extract.cache import cached
from ..extract.data_files import load_data
from ..extract.lexicons import form_languages
from ..extract.matcher import INDEX_FORMAT, Match, PhraseIndex
from ..text.tokens import Token

NUM = r"\d{1,4}(?:-\d{1,2})?(?:\.\d{1,2})?"
_EN = re.compile(
    rf"(?:\b[Pp](?:art|t\.?)\s+(?P<part>\d+)\s+of\s+)?\b(?:Articles?|Arts?\.|Art\.?|article|articles)\s+"
    rf"(?P<nums>{NUM}(?:\s*\(\d+\))?(?:\s*(?:,|and|or|&)\s*{NUM})*)"
    r"(?:\s*,?\s*(?:[Pp]art|[Pp]aragraph|§)\s+(?P<part2>\d+))?"
)
_RU = re.compile(
    rf"(?:(?:\bч\.|\bчаст[иьюей]{{1,2}})\s*(?P<part>\d+)\s+)?(?:\bст\.|\bстат(?:ья|ьи|ье|ью|ьей|ьёй|ьям|ьями|ьях|ей))\s*"
    rf"(?P<nums>{NUM}(?:\s*(?:,|и|или)\s*{NUM})*)"
    r"(?:\s*,?\s*(?:ч\.|част[иьюей]{1,2})\s*(?P<part2>\d+))?",
    re.IGNORECASE,
)
_UZ = re.compile(
    rf"(?P<nums>{NUM}(?:\s*-?\s*(?:,|va|ва|hamda|ҳамда|жана)\s*{NUM})*)\s*-\s*(?:modda|модда|берене)\w*"
    r"(?:\s+(?P<part2>\d+)\s*-\s*(?:qism|қисм)\w*)?",
    re.IGNORECASE,
)
# Tajik: "моддаи 401-и Кодекси ҷиноятӣ", "қисми 1 моддаи 401".
_TG = re.compile(
    rf"(?:қисми\s+(?P<part>\d+)\s+)?\bмоддаи\s+(?P<nums>{NUM}(?:\s*(?:,|ва)\s*{NUM})*)(?:-и)?",
    re.IGNORECASE,
)
_PART_BEFORE_UZ = re.compile(r"(?P<part>\d+)\s*-\s*(?:qism|қисм)\w*\s*$", re.IGNORECASE)
_LAW_NUMBER = re.compile(r"\b(?:No\.?\s*|№\s*)?(?P<num>\d{1,4})\s*-\s*(?:FZ|ФЗ|ФКЗ|FKZ)\b", re.IGNORECASE)
_SPLIT_NUMS = re.compile(rf"{NUM}")


@dataclass(frozen=True, slots=True)
class Citation:
    code: str  # JURISDICTION/INSTRUMENT/ARTICLE
    start: int
    end: int  # span of the article mention and its instrument


@lru_cache(maxsize=1)
def _instrument_data() -> dict:
    return load_data("recruitwatch.legal", "instruments.yaml")


@cache
def _instrument_index(lang: str) -> PhraseIndex:
    """Instrument names (strong, weak, generic) and jurisdiction words, compiled for `lang`."""
    # Keys depend on the morphology of recruitwatch.extract too, so both data sets key the cache.
    packages = ("recruitwatch.legal", "recruitwatch.extract")
    return cached(f"instruments-v{INDEX_FORMAT}-{lang}", packages, lambda: _build_instrument_index(lang))


def _build_instrument_index(lang: str) -> PhraseIndex:
    data = _instrument_data()
    index = PhraseIndex(lang)
    langs = form_languages(lang) + ("en",)
    for item in data.get("instruments") or ():
        for role, block in (("strong", item.get("forms")), ("weak", item.get("weak_forms"))):
            for form_lang in langs:
                for form in (block or {}).get(form_lang) or ():
                    index.add(form, "instruments", item["code"], role)
        for form in item.get("number_forms") or ():
            index.add(form, "instruments", item["code"], "strong")
    for kind, block in (data.get("generic_instruments") or {}).items():
        for form_lang in langs:
            for form in block.get(form_lang) or ():
                index.add(form, "instruments", kind, "generic")
    for country, block in (data.get("default_by_jurisdiction_word") or {}).items():
        for form_lang in langs:
            for form in block.get(form_lang) or ():
                index.add(form, "jurisdiction", country, "jurisdiction")
    return index


def _longest_names(matches: list[Match]) -> list[Match]:
    """Where instrument names overlap ("Criminal Code of Uzbekistan" and "Criminal Code"), the longest wins."""
    names = sorted((m for m in matches if m.group == "instruments"), key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Match] = []
    for m in names:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


Place = tuple[str, int, int]  # country code, start, end


# What each article pattern needs at the least, searched in lower case (literal starts
# make these searches fast): one quick pass rules most texts out before the four
# full patterns run. English and Russian need an article word before a number;
# Uzbek, Kyrgyz and Tajik need their article word.
_QUICK_EN = re.compile(r"art\w*\.?\s+\d")
_QUICK_RU = re.compile(r"ст(?:\.|ат\w*)\s*\d")
_ARTICLE_WORDS = ("modda", "модда", "берене")


def mentions_article(text: str) -> bool:
    """Could the text cite anything? Every citation starts from one of these article patterns
    or from an article named by its subject, so a text with neither has no legal reference (the
    cascade's shortcut)."""
    low = text.lower()
    if not (_QUICK_EN.search(low) or _QUICK_RU.search(low) or any(w in low for w in _ARTICLE_WORDS)):
        return _any_titled_article(low)
    return any(pattern.search(text) for pattern in (_EN, _RU, _UZ, _TG)) or _any_titled_article(low)


def _any_titled_article(low: str) -> bool:
    """An article named by its subject, in any language (article_titles.yaml): the titles' keys,
    rare in near-topic news, are looked for first."""
    if not any(key in low for key in _title_keys()):
        return False
    titles, words = _any_title_patterns()
    return bool(titles.search(low) and words.search(low))


@cache
def _title_keys() -> tuple[str, ...]:
    return tuple({str(k).lower() for item in _title_data().get("titles") or () for k in item.get("keys") or ()})


@cache
def _any_title_patterns() -> tuple[re.Pattern, re.Pattern]:
    data = _title_data()
    titles = [f for item in data.get("titles") or () for forms in (item.get("forms") or {}).values() for f in forms]
    words = [w for forms in (data.get("article_words") or {}).values() for w in forms]
    return _word_start(titles), _word_start(words)


def find_citations(
    text: str,
    lang: str,
    tokens: list[Token],
    sentences: list[tuple[int, int]],
    start: int = 0,
    end: int | None = None,
    places: list[Place] = (),
) -> list[Citation]:
    """Every article citation whose instrument the text names; `places` (countries and
    regions found in the text) settle which country's code a bare "Criminal Code" is."""
    end = len(text) if end is None else end
    matches = _instrument_index(lang).find(tokens)
    names = [(m.concept, m.entry.role, m.start, m.end) for m in _longest_names(matches)]
    names += [(code, "strong", a, b) for code, a, b in _law_number_matches(text, start, end)]
    words = [(m.concept, m.start, m.end) for m in matches if m.group == "jurisdiction"]
    known = {item["code"] for item in _instrument_data().get("instruments") or ()}
    citations: list[Citation] = []
    for pattern in (_EN, _RU, _UZ, _TG):
        for m in pattern.finditer(text, start, end):
            sentence = _sentence_of(m.start(), sentences)
            instrument = _nearest_instrument(m, names, sentence, head_final=pattern is _UZ)
            if instrument is None:
                continue
            code, role, ins_start, ins_end = instrument
            if role != "strong":
                countries = _jurisdictions(
                    text, m, (ins_start, ins_end), words, list(places), sentence, lang, head_final=pattern is _UZ
                )
                if role == "weak":  # a title several countries' laws share: only with its own country
                    code = code if countries and code.startswith(countries[0] + "/") else None
                else:
                    code = next((f"{c}/{code}" for c in countries if f"{c}/{code}" in known), None)
                if code is None:
                    continue
            for article in _articles(text, m, pattern):
                citations.append(Citation(f"{code}/{article}", min(m.start(), ins_start), max(m.end(), ins_end)))
    numbered = {_article_root(c.code) for c in citations}
    titled = find_titled_articles(text, lang, sentences, start, end, words, list(places))
    # "по ч. 1 ст. 416 УК КР … статья о наемничестве": the numbered citation says it more exactly
    return citations + [c for c in titled if _article_root(c.code) not in numbered]


def _article_root(code: str) -> str:
    """KG/CC/416.1, KG/CC/416(1) and KG/CC/416 are one article."""
    head, _, article = code.rpartition("/")
    return f"{head}/{re.split(r'[.(]', article)[0]}"


TITLE_WINDOW = 60  # characters between an article's title and the word "article"


@dataclass(frozen=True)
class _Title:
    pattern: re.Pattern
    code: str | None  # one article
    codes: dict[str, str]  # or the article of each country's code (an offence they all have)
    keys: tuple[str, ...]  # plain pieces one of which every match holds


def find_titled_articles(text: str, lang: str, sentences, start: int = 0, end: int | None = None,
                         words=(), places=()) -> list[Citation]:
    """Articles named by their subject beside a word for "article" ("по статье о наемничестве",
    "жалданмачылык беренеси"): article_titles.yaml. An offence every country has is the article of
    the country whose code a bare "Criminal Code" there would be (_jurisdictions)."""
    end = len(text) if end is None else end
    article = _article_words(lang)
    if article is None or not article.search(text, start, end):
        return []
    found = []
    low = text[start:end].lower()
    for title in _titles(lang):
        if title.keys and not any(key in low for key in title.keys):
            continue
        for m in title.pattern.finditer(text, start, end):
            sentence = _sentence_of(m.start(), sentences)
            near = (max(sentence[0], m.start() - TITLE_WINDOW), min(sentence[1], m.end() + TITLE_WINDOW))
            if not article.search(text, *near):
                continue
            code = title.code
            if code is None:
                countries = _jurisdictions(text, m, (m.start(), m.end()), list(words), list(places), sentence, lang)
                code = next((title.codes[c] for c in countries if c in title.codes), None)
            if code is not None:
                found.append(Citation(code, m.start(), m.end()))
    return found


@cache
def _article_words(lang: str) -> re.Pattern | None:
    forms = (_title_data().get("article_words") or {}).get(lang)
    return _word_start(forms) if forms else None


@cache
def _titles(lang: str) -> tuple[_Title, ...]:
    titles = []
    for item in _title_data().get("titles") or ():
        forms = (item.get("forms") or {}).get(lang)
        if forms:
            pattern = _word_start(forms)
            keys = tuple(str(k).lower() for k in item.get("keys") or ())
            titles.append(_Title(pattern, item.get("code"), dict(item.get("codes") or {}), keys))
    return tuple(titles)


def _word_start(forms) -> re.Pattern:
    """Any of the forms (regular expressions of article_titles.yaml), at a word start, in any case."""
    return re.compile(r"(?<!\w)(?:" + "|".join(forms) + ")", re.IGNORECASE)


@cache
def _title_data() -> dict:
    return load_data("recruitwatch.legal", "article_titles.yaml")


def _articles(text: str, m: re.Match, pattern: re.Pattern) -> list[str]:
    """'Articles 154 and 154-1' -> [154, 154-1]; 'ч. 1 ст. 208' -> [208.1] (the part after a dot)."""
    groups = m.groupdict()
    part = groups.get("part")
    if pattern is _UZ and not part:
        before = _PART_BEFORE_UZ.search(text, max(0, m.start() - 20), m.start())
        part = before.group("part") if before else None
    part = part or groups.get("part2")
    numbers = _SPLIT_NUMS.findall(m.group("nums"))
    if part and len(numbers) == 1:
        return [f"{numbers[0]}.{part}"]
    return numbers


def _law_number_matches(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(f"RU/{m.group('num')}-FZ", m.start(), m.end()) for m in _LAW_NUMBER.finditer(text, start, end)]


def _sentence_of(pos: int, sentences: list[tuple[int, int]]) -> tuple[int, int]:
    for start, end in sentences:
        if start <= pos < end:
            return start, end
    return pos, pos + 1


CONTINUED_REFERENCE = 250  # "…of the Russian Criminal Code. The threat was a charge under Article 228.1"


def _nearest_instrument(m: re.Match, names, sentence, head_final: bool = False):
    """The instrument named closest after the article (up to 200 chars) or before it (120) in
    its sentence; failing that, the one named just before it (the same law, cited again)."""
    best, best_distance = None, None
    s_start, s_end = sentence
    for item in names:
        _, _, start, end = item
        if start >= m.end():
            distance = start - m.end()
            if distance > 200 or start >= s_end:
                continue
            if head_final:  # Uzbek names the code first: "Jinoyat kodeksining 154-moddasi"
                distance = distance * 3 + 50
        elif end <= m.start():
            distance = (m.start() - end) * (1.0 if head_final else 1.5)
            if m.start() - end > 120 or end <= s_start:
                continue
        else:
            distance = 0
        if best_distance is None or distance < best_distance:
            best, best_distance = item, distance
    if best is None:
        before = [i for i in names if i[1] == "strong" and 0 <= m.start() - i[3] <= CONTINUED_REFERENCE]
        best = max(before, key=lambda i: i[3], default=None)
    return best


def _jurisdictions(text, m: re.Match, instrument, words, places, sentence, lang, head_final=False) -> list[str]:
    """Whose code a bare 'Criminal Code' may be, most likely first: countries named near the
    article in its sentence (before it counts more: 'in Tajikistan, under article 401'; past
    the code's name, less), then the language's own country, then countries named earlier."""
    s_start, s_end = sentence
    anchor_end = max(m.end(), instrument[1])
    ranked = []
    for code, start, end in words + places:
        if not (s_start <= start < s_end):
            continue
        if end <= m.start():
            distance = m.start() - end
        elif start < anchor_end:
            distance = 0  # "Article 154 of Uzbekistan's Criminal Code"
        else:
            gap = start - anchor_end
            adjacent = not head_final and gap < 15 and not re.search(r"[,;:—–()]", text[anchor_end:start])
            distance = gap if adjacent else gap * 3 + 80  # past the code's name: likely the next clause
        if distance <= 250:
            ranked.append((distance, code))
    candidates = [code for _, code in sorted(ranked)]
    default = (_instrument_data().get("default_without_country") or {}).get(lang)
    if default:
        candidates.append(default)
    earlier = sorted(((end, code) for code, start, end in places if 0 <= m.start() - end <= 1500), reverse=True)
    candidates += [code for _, code in earlier]
    return candidates
