"""Guidance for the public help pages: a short questionnaire and the statements it selects.

A frightened migrant or relative answers three questions (nationality, Russian
citizenship, situation) and gets rights, risks and next steps, each citing the
provisions (provisions.yaml) or research facts it rests on. The knowledge is
data (data/guidance.yaml) so that lawyers and translators can correct it
without touching code; this module loads it, refuses it when it is
inconsistent (a statement citing an unknown or low-confidence provision, a
missing language, a condition on an answer the questionnaire cannot give),
and selects statements for a set of answers. Pure functions, no web code.
Nothing here is legal advice: see docs/help-pages.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..errors import DataError
from .designations import designation
from .provisions import DATA_DIR, VERIFIED, Provision, check_keys, load_provisions, required_text
from .source_kinds import by_authority, source_kind
from .uzbek_script import latin_to_cyrillic

GUIDANCE_FILE = "guidance.yaml"
LANGUAGES = ("uz", "uz-Cyrl", "ru", "tg", "ky", "en")
KINDS = ("right", "risk", "next_step")
# A statement with `shown_with` is not chosen by the answers but by what the page cites: the
# warning about "undesirable" organisations goes wherever a page links one (designations.py).
SHOWN_WITH = ("designated_sources",)
FALLBACK = "en"

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_CHECKED = re.compile(r"\d{4}-\d{2}(-\d{2})?")
_URL = re.compile(r"https?://\S+")


class InvalidAnswers(ValueError):
    """Answers the questionnaire cannot have given; `problems` names the questions (by id)."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__("missing or unknown answer to: " + ", ".join(problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Text:
    """One language version of a text, and whether someone sure of the language wrote or checked it."""

    text: str
    verified: bool


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    reference: str | None  # the language whose text is the reference when this one is unverified
    derived_from: str | None  # uz-Cyrl: transliterated from uz when not written out


@dataclass(frozen=True)
class Fact:
    """A practical fact or court practice from the research (not a provision), with its sources."""

    code: str
    title: dict[str, str]
    sources: tuple[str, ...]
    confidence: str
    checked: str


@dataclass(frozen=True)
class Statement:
    """A right, risk or next step, shown when the answers meet every condition of `when`."""

    id: str
    kind: str
    when: tuple[tuple[str, frozenset[str]], ...]
    provisions: tuple[str, ...]
    facts: tuple[str, ...]
    texts: dict[str, Text]
    shown_with: str | None = None

    def __hash__(self) -> int:
        return hash(self.id)

    def applies(self, answers: Mapping[str, str]) -> bool:
        return self.shown_with is None and all(answers.get(question) in allowed for question, allowed in self.when)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    verified: bool


@dataclass(frozen=True)
class Question:
    id: str
    param: str  # the name in a help page's query string (shorter than the id for russian_citizen)
    text: str
    verified: bool
    options: tuple[Option, ...]
    default: str | None = None  # an optional question's answer when none is given
    skip_when: tuple[tuple[str, frozenset[str]], ...] = ()  # answers after which a chat need not ask it

    def skipped(self, answers: Mapping[str, str]) -> bool:
        return bool(self.skip_when) and all(answers.get(q) in allowed for q, allowed in self.skip_when)


@dataclass(frozen=True)
class Citation:
    """What a statement rests on, as the page shows it: code, title, sources, confidence, date."""

    code: str
    title: str
    title_lang: str  # the language the title is in (English when `lang` has none)
    sources: tuple[str, ...]
    confidence: str
    checked: str
    is_provision: bool  # False: a research fact (practice, practical information)
    article_verified: bool = True  # False: the page says the article number is unverified

    @property
    def anchor(self) -> str:
        """An id for the page's list of sources, where each citation's URLs appear once."""
        return "src-" + re.sub(r"[^A-Za-z0-9]+", "-", self.code).strip("-")

    @property
    def hosts(self) -> tuple[tuple[str, str], ...]:
        """(url, short host name) pairs, the more authoritative sources first and links to
        "undesirable" organisations last: the page shows the host as the link text."""
        ordered = by_authority(self.sources)
        ordered.sort(key=lambda pair: designation(pair[0]) is not None)  # stable: authority kept within each group
        return tuple((url, _host(url)) for url, _kind in ordered)

    @property
    def designated(self) -> bool:
        """Whether an answer page shows a link of this citation to an "undesirable" organisation."""
        return any(designation(url) for url, _host in self.hosts[:SHOWN_SOURCES])


@dataclass(frozen=True)
class ShownStatement:
    """A statement in one language, with its verification flag and its citations."""

    id: str
    kind: str
    text: str
    lang: str
    verified: bool
    reference: str | None  # where the reference text is when this one is not verified
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Guidance:
    """The answer page's content: statements grouped by kind, in `lang`."""

    lang: str
    answers: dict[str, str]
    rights: tuple[ShownStatement, ...]
    risks: tuple[ShownStatement, ...]
    next_steps: tuple[ShownStatement, ...]
    disclaimer: str

    @property
    def groups(self) -> tuple[tuple[str, tuple[ShownStatement, ...]], ...]:
        return (("right", self.rights), ("risk", self.risks), ("next_step", self.next_steps))

    @property
    def statements(self) -> tuple[ShownStatement, ...]:
        return self.rights + self.risks + self.next_steps

    @property
    def unverified(self) -> bool:
        """True when any text shown was not checked: the page must say so and link the reference."""
        return any(not s.verified for s in self.statements)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every cited code, in order of first citation."""
        return tuple(c.code for c in self.citations)

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Every citation once, in order of first citation (the page lists their sources once)."""
        first: dict[str, Citation] = {}
        for statement in self.statements:
            for citation in statement.citations:
                first.setdefault(citation.code, citation)
        return tuple(first.values())

    @property
    def source_list(self) -> tuple[tuple[Citation, tuple[tuple[str, str, str | None, str, bool], ...], int], ...]:
        """The answer page's list of sources: each citation with its SHOWN_SOURCES most
        authoritative URLs as (url, host, where, kind, designated) and the number left for the
        full list (sources_page), so that a page stays small however much it cites. `where` is
        None the first time a URL is listed and otherwise the anchor of the citation that lists
        it, so that each URL is written once; `designated` marks an "undesirable"
        organisation's address (legal/designations.py)."""
        return source_entries(self.citations, SHOWN_SOURCES)


SHOWN_SOURCES = 1  # per citation on an answer page; the sources page lists them all


def source_entries(citations, limit: int | None = None):
    """(citation, links, left out) for each citation; see Guidance.source_list."""
    listed: dict[str, str] = {}
    result = []
    for citation in citations:
        links = []
        for url, host in citation.hosts[:limit]:
            links.append((url, host, listed.get(url), source_kind(url), designation(url) is not None))
            listed.setdefault(url, citation.anchor)
        result.append((citation, tuple(links), len(citation.hosts) - len(links)))
    return tuple(result)


@dataclass(frozen=True)
class GuidanceData:
    """The loaded file: languages, interface words, questions, facts and statements."""

    languages: dict[str, Language]
    ui: dict[str, dict[str, Text]]
    questions: tuple[tuple[str, str, dict[str, Text], tuple[tuple[str, dict[str, Text]], ...]], ...]
    facts: dict[str, Fact]
    statements: tuple[Statement, ...]
    provisions: dict[str, Provision] = field(repr=False)
    defaults: dict[str, str] = field(default_factory=dict)  # optional questions' answers when none is given
    skip_when: dict[str, tuple[tuple[str, frozenset[str]], ...]] = field(default_factory=dict)

    def question_values(self) -> dict[str, tuple[str, ...]]:
        return {qid: tuple(value for value, _ in options) for qid, _, _, options in self.questions}


# ---------------------------------------------------------------------------------------- lookups


def load_guidance() -> GuidanceData:
    """The checked guidance file (read once; DataError names the file and the entry)."""
    return _guidance()


def clear_cache() -> None:
    _guidance.cache_clear()


def languages() -> tuple[Language, ...]:
    return tuple(load_guidance().languages.values())


def ui(lang: str) -> dict[str, str]:
    """The help pages' interface words in `lang`."""
    data = load_guidance()
    _check_lang(lang)
    return {key: texts[lang].text for key, texts in data.ui.items()}


def ui_verified(lang: str) -> bool:
    """Whether every interface word in `lang` was checked."""
    return all(texts[lang].verified for texts in load_guidance().ui.values())


def questions(lang: str) -> tuple[Question, ...]:
    """The questionnaire in `lang`, in order."""
    data = load_guidance()
    _check_lang(lang)
    return tuple(
        Question(
            id=qid,
            param=param,
            text=text[lang].text,
            verified=text[lang].verified,
            options=tuple(Option(value, label[lang].text, label[lang].verified) for value, label in options),
            default=data.defaults.get(qid),
            skip_when=data.skip_when.get(qid, ()),
        )
        for qid, param, text, options in data.questions
    )


def clean_answers(answers: Mapping[str, Any]) -> dict[str, str]:
    """Answers by question id (a question's query name is accepted too), or InvalidAnswers."""
    data = load_guidance()
    clean: dict[str, str] = {}
    problems = []
    for qid, param, _text, options in data.questions:
        value = answers.get(qid, answers.get(param))
        if value in (None, "") and qid in data.defaults:
            value = data.defaults[qid]
        if not isinstance(value, str) or value not in {v for v, _ in options}:
            problems.append(qid)
        else:
            clean[qid] = value
    if problems:
        raise InvalidAnswers(tuple(problems))
    return clean


def answer_for(answers: Mapping[str, Any], lang: str) -> Guidance:
    """The statements for these answers in `lang`, grouped by kind, with their citations.

    Raises InvalidAnswers for a missing or unknown answer and ValueError for an
    unknown language: the web layer turns both into a 4xx page, never a 500."""
    data = load_guidance()
    _check_lang(lang)
    clean = clean_answers(answers)
    reference = data.languages[lang].reference
    chosen = [s for s in data.statements if s.applies(clean)]
    cited = [_citations(data, s, lang) for s in chosen]
    if any(c.designated for citations in cited for c in citations):
        warnings = [s for s in data.statements if s.shown_with == "designated_sources"]
        chosen += warnings
        cited += [_citations(data, s, lang) for s in warnings]
    grouped: dict[str, list[ShownStatement]] = {kind: [] for kind in KINDS}
    for statement, citations in zip(chosen, cited, strict=True):
        grouped[statement.kind].append(_shown(statement, lang, reference, citations))
    return Guidance(
        lang=lang,
        answers=clean,
        rights=tuple(grouped["right"]),
        risks=tuple(grouped["risk"]),
        next_steps=tuple(grouped["next_step"]),
        disclaimer=data.ui["disclaimer"][lang].text,
    )


def every_citation(lang: str) -> tuple[Citation, ...]:
    """Everything any help statement cites, once each, in the order of the statements: the
    sources page, where each citation lists all its URLs."""
    data = load_guidance()
    _check_lang(lang)
    first: dict[str, Citation] = {}
    for statement in data.statements:
        for citation in _citations(data, statement, lang):
            first.setdefault(citation.code, citation)
    return tuple(first.values())


def source_warnings(lang: str) -> tuple[ShownStatement, ...]:
    """The statements a page shows because of what it links (the "undesirable" warning), in `lang`."""
    data = load_guidance()
    _check_lang(lang)
    reference = data.languages[lang].reference
    return tuple(_shown(s, lang, reference, _citations(data, s, lang)) for s in data.statements if s.shown_with is not None)


def _shown(statement: Statement, lang: str, reference: str | None, citations: tuple[Citation, ...]) -> ShownStatement:
    """A statement as a page shows it in `lang`, pointing to the reference text when unverified."""
    text = statement.texts[lang]
    return ShownStatement(statement.id, statement.kind, text.text, lang, text.verified,
                          None if text.verified else reference, citations)


def _citations(data: GuidanceData, statement: Statement, lang: str) -> tuple[Citation, ...]:
    return tuple(_provision_citation(data.provisions[c], lang) for c in statement.provisions) + tuple(
        _fact_citation(data.facts[c], lang) for c in statement.facts
    )


def _check_lang(lang: str) -> None:
    if lang not in load_guidance().languages:
        raise ValueError(f"unknown help language {lang!r}; expected one of {', '.join(LANGUAGES)}")


def _provision_citation(item: Provision, lang: str) -> Citation:
    title, title_lang = _title(item.title, lang)
    return Citation(item.code, title, title_lang, item.sources, item.confidence, item.checked, True, item.article_verified)


def _fact_citation(item: Fact, lang: str) -> Citation:
    title, title_lang = _title(item.title, lang)
    return Citation(item.code, title, title_lang, item.sources, item.confidence, item.checked, False)


def _title(titles: Mapping[str, str], lang: str) -> tuple[str, str]:
    """The title in `lang`; uz-Cyrl transliterated from uz; else English (the brief's fallback)."""
    if titles.get(lang):
        return titles[lang], lang
    if lang == "uz-Cyrl" and titles.get("uz"):
        return latin_to_cyrillic(titles["uz"]), lang
    return titles[FALLBACK], FALLBACK


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or url).rstrip(".")
    return host.removeprefix("www.")


# ---------------------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def _guidance() -> GuidanceData:
    path = DATA_DIR / GUIDANCE_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"{GUIDANCE_FILE}: the file is missing from {DATA_DIR}") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"{GUIDANCE_FILE}: not valid YAML: {exc}") from exc
    return parse_guidance(data, load_provisions())


def parse_guidance(data: Any, provisions: Mapping[str, Provision], name: str = GUIDANCE_FILE) -> GuidanceData:
    """The guidance of a parsed file, checked against the provisions; DataError otherwise."""
    if not isinstance(data, dict) or not str(data.get("source") or "").strip():
        raise DataError(f"{name}: must be a mapping with a 'source' note saying where the guidance comes from")
    unknown = sorted(set(data) - {"source", "languages", "ui", "questions", "facts", "statements"})
    if unknown:
        raise DataError(f"{name}: unknown section(s) {', '.join(map(str, unknown))}")
    langs = _section(name, "languages", lambda: _languages(data.get("languages")))
    ui_texts = _section(name, "ui", lambda: _ui(data.get("ui"), langs))
    if "disclaimer" not in ui_texts:
        raise DataError(f"{name}: ui needs a 'disclaimer'")
    questions_ = _section(name, "questions", lambda: _questions(data.get("questions"), langs))
    values = {qid: {v for v, _ in options} for qid, _, _, options in questions_}
    defaults, skip_when = _section(name, "questions", lambda: _optional_questions(data.get("questions"), values))
    facts = _facts(data.get("facts") or [], name)
    statements = _statements(data.get("statements"), name, langs, values, provisions, facts)
    return GuidanceData(langs, ui_texts, questions_, facts, statements, dict(provisions), defaults, skip_when)


def _section(name: str, label: str, build):
    try:
        return build()
    except ValueError as exc:
        raise DataError(f"{name}: {label}: {exc}") from None


def _languages(raw: Any) -> dict[str, Language]:
    if not isinstance(raw, list):
        raise ValueError("must be a list of languages")
    result: dict[str, Language] = {}
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            raise ValueError(f"entry {entry!r} needs a code")
        check_keys(entry, {"code", "name", "reference", "derived_from"}, ("code", "name"))
        result[entry["code"]] = Language(entry["code"], required_text(entry, "name"), entry.get("reference"), entry.get("derived_from"))
    if tuple(result) != LANGUAGES:
        raise ValueError(f"must list exactly {', '.join(LANGUAGES)} in that order, not {', '.join(result)}")
    for lang in result.values():
        for other in (lang.reference, lang.derived_from):
            if other is not None and (other not in result or other == lang.code):
                raise ValueError(f"{lang.code}: {other!r} is not another listed language")
    if result[FALLBACK].reference is not None:
        raise ValueError("English is the last reference and has none itself")
    for lang in result.values():  # every chain of references ends in English
        step, hops = lang, 0
        while step.code != FALLBACK:
            if step.reference is None or hops > len(result):
                raise ValueError(f"{lang.code}: its references do not lead to {FALLBACK}")
            step, hops = result[step.reference], hops + 1
    return result


def _texts(raw: Any, langs: Mapping[str, Language], label: str) -> dict[str, Text]:
    """Language -> Text, every help language present; derived languages transliterated when absent."""
    if not isinstance(raw, dict):
        raise ValueError(f"{label} must map languages to {{verified, text}}")
    texts: dict[str, Text] = {}
    for lang, value in raw.items():
        if lang not in langs:
            raise ValueError(f"{label} has an unknown language {lang!r}")
        if not isinstance(value, dict) or set(value) != {"verified", "text"}:
            raise ValueError(f"{label}.{lang} must be {{verified: true|false, text: ...}}")
        if not isinstance(value["verified"], bool):
            raise ValueError(f"{label}.{lang}.verified must be true or false")
        if not isinstance(value["text"], str) or not value["text"].strip():
            raise ValueError(f"{label}.{lang}.text must be non-empty text")
        texts[lang] = Text(" ".join(value["text"].split()), value["verified"])
    for lang in langs.values():
        source = lang.derived_from
        if lang.code not in texts and source is not None and source in texts:
            # A machine transliteration is never verified, whatever its source is.
            texts[lang.code] = Text(latin_to_cyrillic(texts[source].text), False)
    missing = [lang for lang in langs if lang not in texts]
    if missing:
        raise ValueError(f"{label} lacks {', '.join(missing)}")
    for lang in (FALLBACK, "ru"):
        if not texts[lang].verified:
            raise ValueError(f"{label}.{lang} is a reference text and must be verified")
    return texts


def _ui(raw: Any, langs: Mapping[str, Language]) -> dict[str, dict[str, Text]]:
    if not isinstance(raw, dict) or not raw:
        raise ValueError("must map keys to texts")
    return {str(key): _texts(value, langs, str(key)) for key, value in raw.items()}


def _optional_questions(raw: list, values: Mapping[str, set[str]]):
    """Each optional question's default answer, and when a chat may skip it (answers of earlier questions)."""
    defaults: dict[str, str] = {}
    skip_when: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}
    earlier: list[str] = []
    for entry in raw:
        qid = entry["id"]
        if "default" in entry:
            if entry["default"] not in values[qid]:
                raise ValueError(f"question {qid}: default {entry['default']!r} is not one of its options")
            defaults[qid] = entry["default"]
        if "skip_when" in entry:
            if qid not in defaults:
                raise ValueError(f"question {qid}: only a question with a default may be skipped")
            conditions = entry["skip_when"]
            if not isinstance(conditions, dict) or not conditions:
                raise ValueError(f"question {qid}: skip_when must map earlier questions to answers")
            for other, allowed in conditions.items():
                if other not in earlier or not isinstance(allowed, list) or not set(allowed) <= values[other]:
                    raise ValueError(f"question {qid}: skip_when names {other!r}, not an earlier question with those answers")
            skip_when[qid] = tuple((other, frozenset(allowed)) for other, allowed in conditions.items())
        earlier.append(qid)
    return defaults, skip_when


def _questions(raw: Any, langs: Mapping[str, Language]):
    if not isinstance(raw, list) or not raw:
        raise ValueError("must be a non-empty list")
    result = []
    seen: set[str] = set()
    for entry in raw:
        if not isinstance(entry, dict):
            raise ValueError("each question must be a mapping")
        check_keys(entry, {"id", "param", "text", "options", "default", "skip_when"}, ("id", "param", "text", "options"))
        qid, param = required_text(entry, "id"), required_text(entry, "param")
        if {qid, param} & seen:
            raise ValueError(f"question {qid}: id or param {param!r} used twice")
        seen |= {qid, param}
        options = entry["options"]
        if not isinstance(options, list) or len(options) < 2:
            raise ValueError(f"question {qid}: needs at least two options")
        parsed = []
        for option in options:
            if not isinstance(option, dict) or not isinstance(option.get("value"), str):
                raise ValueError(f"question {qid}: option {option!r} needs a text value (quote yes and no)")
            check_keys(option, {"value", "text"}, ("value", "text"))
            parsed.append((option["value"], _texts(option["text"], langs, f"{qid}.{option['value']}")))
        if len({v for v, _ in parsed}) != len(parsed):
            raise ValueError(f"question {qid}: an option value appears twice")
        result.append((qid, param, _texts(entry["text"], langs, qid), tuple(parsed)))
    return tuple(result)


def _facts(raw: Any, name: str) -> dict[str, Fact]:
    if not isinstance(raw, list):
        raise DataError(f"{name}: facts must be a list")
    result: dict[str, Fact] = {}
    for index, entry in enumerate(raw, 1):
        label = entry.get("code") if isinstance(entry, dict) and entry.get("code") else f"entry #{index}"
        try:
            if not isinstance(entry, dict):
                raise ValueError("must be a mapping")
            check_keys(entry, {"code", "title", "sources", "confidence", "checked", "notes"}, ("code", "title", "sources", "confidence", "checked"))
            title = entry["title"]
            if not isinstance(title, dict) or not all(isinstance(t, str) and t.strip() for t in title.values()) or FALLBACK not in title:
                raise ValueError("title must map languages to text, English included")
            if entry["confidence"] not in VERIFIED:
                raise ValueError(f"confidence {entry['confidence']!r}: the public sees high and medium facts only")
            sources = entry["sources"]
            if not isinstance(sources, list) or not sources or not all(isinstance(u, str) and _URL.fullmatch(u) for u in sources):
                raise ValueError("sources must be a non-empty list of http(s) URLs")
            fact = Fact(required_text(entry, "code"), dict(title), tuple(sources), entry["confidence"], _checked(entry["checked"]))
        except ValueError as exc:
            raise DataError(f"{name}: fact {label}: {exc}") from None
        if fact.code in result:
            raise DataError(f"{name}: fact {label}: the code appears twice")
        result[fact.code] = fact
    return result


def _statements(raw, name, langs, values, provisions, facts) -> tuple[Statement, ...]:
    if not isinstance(raw, list) or not raw:
        raise DataError(f"{name}: needs a non-empty list 'statements'")
    result: list[Statement] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, 1):
        label = entry.get("id") if isinstance(entry, dict) and entry.get("id") else f"entry #{index}"
        try:
            statement = _statement(entry, langs, values, provisions, facts)
        except ValueError as exc:
            raise DataError(f"{name}: statement {label}: {exc}") from None
        if statement.id in seen:
            raise DataError(f"{name}: statement {label}: the id appears twice")
        seen.add(statement.id)
        result.append(statement)
    return tuple(result)


def _statement(raw, langs, values, provisions, facts) -> Statement:
    if not isinstance(raw, dict):
        raise ValueError("must be a mapping")
    check_keys(raw, {"id", "kind", "when", "shown_with", "provisions", "facts", "text"}, ("id", "kind", "when", "text"))
    shown_with = raw.get("shown_with")
    if shown_with is not None and shown_with not in SHOWN_WITH:
        raise ValueError(f"shown_with {shown_with!r} is not one of {', '.join(SHOWN_WITH)}")
    sid = required_text(raw, "id")
    if not _ID.fullmatch(sid):
        raise ValueError("id must be lowercase words joined by dashes")
    if raw["kind"] not in KINDS:
        raise ValueError(f"kind {raw['kind']!r} is not one of {', '.join(KINDS)}")
    codes = _codes(raw.get("provisions"), "provisions")
    for code in codes:
        item = provisions.get(code)
        if item is None:
            raise ValueError(f"unknown provision code {code} (not in provisions.yaml)")
        if not item.verified:
            raise ValueError(f"provision {code} is {item.confidence}: the public sees high and medium provisions only")
    fact_codes = _codes(raw.get("facts"), "facts")
    unknown = [code for code in fact_codes if code not in facts]
    if unknown:
        raise ValueError(f"unknown fact code(s) {', '.join(unknown)}")
    if not codes and not fact_codes:
        raise ValueError("cites nothing: every statement rests on at least one provision or fact")
    return Statement(
        id=sid,
        kind=raw["kind"],
        when=_when(raw["when"], values),
        provisions=codes,
        facts=fact_codes,
        texts=_texts(raw["text"], langs, "text"),
        shown_with=shown_with,
    )


def _codes(raw: Any, label: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw) or len(set(raw)) != len(raw):
        raise ValueError(f"{label} must be a list of distinct codes")
    return tuple(raw)


def _when(raw: Any, values: Mapping[str, set[str]]) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(raw, dict):
        raise ValueError("when must map question ids to lists of answers ({} for every answer)")
    conditions = []
    for question, allowed in raw.items():
        if question not in values:
            raise ValueError(f"when: unknown question {question!r}; expected one of {', '.join(values)}")
        if not isinstance(allowed, list) or not allowed:
            raise ValueError(f"when.{question} must be a non-empty list")
        bad = [v for v in allowed if v not in values[question]]
        if bad:
            raise ValueError(f"when.{question}: unknown answer(s) {', '.join(map(repr, bad))} (quote yes and no)")
        conditions.append((question, frozenset(allowed)))
    return tuple(conditions)


def _checked(value: Any) -> str:
    text = value.isoformat() if isinstance(value, date) else value
    if not isinstance(text, str) or not _CHECKED.fullmatch(text):
        raise ValueError(f"checked {value!r} must be a date YYYY-MM or YYYY-MM-DD")
    return text
