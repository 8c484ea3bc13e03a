"""Text in, contract record out: language, relevance, incidents, legal references, organisations.

A cascade keeps near-topic news cheap: the cheap stage (cascade.py) stops texts
that cannot be relevant before full analysis, keeping every text full analysis
would call relevant; a stopped text still gets its organisations and legal
references, found the same way as in full analysis.
"""

from __future__ import annotations

import datetime as dt
import re

from ..legal.citations import find_citations, mentions_article
from ..link.identity import (
    Candidates,
    aged_words,
    caseless,
    leading_names,
    native_words,
    word_pairs,
)
from ..text.langid import LANGID_SAMPLE, SHORT_SAMPLE, detect_language
from .analysis import analyse_window
from .cascade import triage
from .dates import find_dates
from .identity import age_beside
from .incidents import build_incidents
from .relevance import score_relevance
from .roles import named_people
from .screen import screen

CHUNK_CHARS = 200_000  # longer texts are analysed in pieces to bound memory


def extract_text(
    text: str, *, source: str = "-", published: dt.date | None = None, incidents_of=build_incidents
) -> dict:
    """The extraction contract's record for one text (already decoded and HTML-free).

    `incidents_of(doc, published, metadata, relevance_score)` gives the incidents of each relevant
    window; scripts/fit_values.py passes its own to see what the decisions see."""
    screened = screen(text).passed
    # Screened-out news only needs its language as metadata: a short sample is enough and fast.
    lang = detect_language(text, sample=LANGID_SAMPLE if screened else SHORT_SAMPLE)
    record = {
        "source": source,
        "language": lang,
        "relevant": False,
        "relevance_score": 0.0,
        "incidents": [],
        "legal_refs": [],
        "organisations": [],
    }
    if lang == "und":
        return record
    if len(text) > CHUNK_CHARS and not screened:
        return record  # a huge input (a dump, a book) is only analysed if the screen keeps it
    decision = triage(text, lang, screened)
    if not decision.likely_relevant:
        record["relevance_score"] = decision.score
        if decision.organisations or mentions_article(text):
            record["legal_refs"], record["organisations"] = _names_and_citations(text, lang, decision)
        return record
    metadata = page_dates(text, published)
    refs, orgs = set(), set()
    for start, end in _chunks(text):  # one window for an ordinary article
        cut = {"tokens": decision.tokens, "sentences": decision.sentences} if (start, end) == (0, len(text)) else {}
        doc = analyse_window(text, lang, start, end, **cut)
        relevance = score_relevance(doc, published)
        record["relevance_score"] = max(record["relevance_score"], relevance.score)
        record["relevant"] = record["relevant"] or relevance.relevant
        refs_orgs(doc, start, end, refs, orgs)
        if relevance.relevant:
            record["incidents"].extend(incidents_of(doc, published, metadata, relevance.score))
    record["legal_refs"], record["organisations"] = sorted(refs), sorted(orgs)
    return record


def candidate_names(text: str, lang: str | None) -> Candidates:
    """Whom a text that gave no incident may be about, for linking (link/identity.py): the full name
    it is most about where names are capitalised (or the few it is equally about); in scripts with no
    capitals (Devanagari, Malayalam...), every pair of neighbouring words, to be matched with known
    victims' names."""
    if not lang or lang == "und" or len(text) > CHUNK_CHARS:
        return Candidates()
    if caseless(text):
        return Candidates(tuple(word_pairs(text)), main=False, aged=tuple(aged_words(text)),
                          native=tuple(native_words(text)))
    doc = analyse_window(text, lang, 0, len(text))
    mentions = [m for p in named_people(doc) for m in p.mentions]
    found = leading_names([(_as_named(text, m, lang), m.sentence) for m in mentions])
    if not found.names:
        return found
    ages = {age.value for age in (age_beside(doc, m) for m in mentions) if age is not None}  # a named person's age
    return found._replace(ages=tuple(sorted(ages)))


def _as_named(text: str, mention, lang: str) -> str:
    """A name mention as linking compares it: its dictionary forms ('Жасуром Тошматовым' and
    'Жасур Тошматовнинг' are Жасур Тошматов), but in English as printed, where the only ending is
    the possessive that tells a place from a person ("Amritsar's Tejpal": the man is Tejpal)."""
    return text[mention.start : mention.end] if lang == "en" else " ".join(mention.parts)


def judged_relevant(text: str, lang: str) -> bool:
    """Full analysis' relevance decision, without the cascade (what the cheap stage must keep)."""
    return any(score_relevance(analyse_window(text, lang, start, end)).relevant for start, end in _chunks(text))


def _names_and_citations(text: str, lang: str, decision) -> tuple[list[str], list[str]]:
    """Legal references and organisations of a text the cheap stage stopped, as full analysis finds them."""
    refs, orgs = set(), set()
    for start, end in _chunks(text):
        cut = {"tokens": decision.tokens, "sentences": decision.sentences} if (start, end) == (0, len(text)) else {}
        refs_orgs(analyse_window(text, lang, start, end, **cut), start, end, refs, orgs)
    return sorted(refs), sorted(orgs)


def refs_orgs(doc, start: int, end: int, refs: set[str], orgs: set[str]) -> None:
    """Add the legal references and organisations of the analysed window text[start:end]."""
    doc.memo["citations"] = find_citations(doc.text, doc.lang, doc.tokens, doc.sentences, start, end, places_in(doc))
    refs.update(c.code for c in doc.memo["citations"])
    orgs.update(m.concept for m in doc.all_hits("organisations"))


def places_in(doc) -> list[tuple[str, int, int]]:
    """Countries the text names, and the countries of the regions and provinces it names, with offsets
    (demonyms describe people, not whose law applies; a court in Fergana region applies Uzbekistan's)."""
    places = [(m.concept.split("-")[0], m.start, m.end) for m in doc.all_hits("regions")]
    places += [(m.concept, m.start, m.end) for m in doc.all_hits("countries") if m.entry.role in ("name", "home")]
    return sorted(places, key=lambda p: p[1])


def _chunks(text: str):
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK_CHARS // 2, end)
            end = cut + 1 if cut > 0 else end
        yield start, end
        start = end


_FURNITURE_LINE = 60  # a date alone on a short line dates the page: "World − 09 April", "12:45 / 14.03.2024"


def page_dates(text: str, published: dt.date | None) -> frozenset[int]:
    """Offsets of dates standing on short lines of their own: datelines and page furniture."""
    found = set()
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) <= _FURNITURE_LINE and not re.search(r"[.!?»”\"]$", stripped):
            found.update(d.start for d in find_dates(text, published, offset, offset + len(line)))
        offset += len(line) + 1
    return frozenset(found)
