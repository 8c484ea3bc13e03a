"""From source items to stored documents, reports and linked incidents, in committed batches.

Each batch is one transaction: a crash loses at most the batch being written,
and the next run redoes it. A document's identity is the SHA-256 of its raw
bytes, so running the same input again adds nothing.

Bad input costs only itself: an item a reader could not read (`meta["error"]`)
is reported on every run that meets it, and a reader that fails part-way
through a file has everything before the failure stored first. Text is made
storable before anything else looks at it (see `storable`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from . import __version__
from .errors import InputError
from .extract.pipeline import candidate_names, extract_text
from .extract.screen import screen
from .link.compare import date_window, nearby_regions
from .link.duplicates import DuplicateIndex, from_bytes, signature, to_bytes
from .link.identity import (
    Candidates,
    age_within_a_year,
    aged_keys,
    corroborated,
    corroborated_home,
    names_a_word,
    native_keys,
    parse_aged,
    parse_native,
)
from .link.incidents import decide_incident, merge_fields, ruled_out
from .link.names import common_name, name_match
from .link.weights import link_model
from .sources import SourceError, SourceItem
from .store import repository as repo
from .store.database import retried_transaction, sessions
from .store.models import Document, Incident, Mention, Report
from .text.langid import SHORT_SAMPLE, detect_language
from .text.namekeys import parse_name
from .text.reader import text_from_bytes
from .text.search_keys import index_text
from .vocab import contract_fields, empty_incident

logger = logging.getLogger(__name__)
EXTRACTOR_VERSION = f"extract-{__version__}"
BATCH = 200
# A report not judged relevant that names an incident's victim joins it with this score and
# reason, so analysts see such links apart (they never create or change an incident).
LOW_RELEVANCE_SCORE = 0.5
LOW_RELEVANCE_REASON = "low relevance or no incident of its own: the report's main victim has this incident's victim's full name"
LOW_RELEVANCE_GROUP_REASON = "low relevance or no incident of their own: reports about one named victim"
LOW_RELEVANCE_AGED_REASON = (
    "low relevance or no incident of its own: the report gives this incident's victim's given name and age"
)
LOW_RELEVANCE_NATIVE_REASON = (
    "low relevance or no incident of its own: the report gives this incident's victim's given name and home locality"
)
MARKED_REASONS = (LOW_RELEVANCE_AGED_REASON, LOW_RELEVANCE_NATIVE_REASON)
MAX_REPORTED = 1000  # messages kept per run of errors, and of warnings: the rest are only counted
# What no database stores: lone surrogates (no UTF-8 for them) and NUL (PostgreSQL refuses it in text).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACED = "characters no database can store (a lone surrogate or NUL) replaced with U+FFFD"


@dataclass
class IngestStats:
    seen: int = 0
    added: int = 0
    duplicates: int = 0
    screened_in: int = 0
    relevant: int = 0
    incidents_created: int = 0
    incidents_linked: int = 0
    errors: list[str] = field(default_factory=list)  # what could not be read: the first MAX_REPORTED
    warnings: list[str] = field(default_factory=list)  # what was stored with a caveat: the first MAX_REPORTED
    failed: int = 0  # how many errors, all told
    warned: int = 0

    def error(self, message: str) -> None:
        self.failed += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(message)

    def warning(self, message: str) -> None:
        self.warned += 1
        if len(self.warnings) < MAX_REPORTED:
            self.warnings.append(message)

    def copy(self) -> IngestStats:
        return dataclasses.replace(self, errors=list(self.errors), warnings=list(self.warnings))

    def restore(self, earlier: IngestStats) -> None:
        """Back to `earlier` (a copy), in place: a backfill's stats hold this very object."""
        again = earlier.copy()
        for name in (f.name for f in dataclasses.fields(self)):
            setattr(self, name, getattr(again, name))


@dataclass
class Prepared:
    """One item made ready to store: all the work that needs no database.

    Picklable, so backfills make it on Dask workers and ship it to the single
    process that writes; the index words, the MinHash signature and the
    compressed bytes are computed here too, to keep that writer's share small.
    """

    item: SourceItem
    sha256: str
    text: str
    encoding: str | None
    language: str | None
    screened: bool
    record: dict | None
    title: str | None
    search_text: str = ""
    minhash: bytes | None = None  # relevant documents only
    candidates: Candidates = Candidates()  # whom a screened-in report that gave no incident may be about (link/identity.py)
    raw_compressed: bytes = b""


def prepare_item(item: SourceItem) -> Prepared:
    """`prepare` with the identity computed too: what a backfill worker runs per new item."""
    return prepare(item, hashlib.sha256(item.raw).hexdigest())


def prepare(item: SourceItem, sha: str) -> Prepared:
    """Everything about one item that needs no database: text, screen, extraction (pure, parallelisable)."""
    item = storable(item)  # text decoded from bytes below is storable already: decoding replaces what is not
    title, encoding = item.title, None
    if item.text is not None:
        text = item.text
    else:
        try:
            decoded = text_from_bytes(item.raw, item.locator)
            text, encoding, title = decoded.text, decoded.encoding, item.title or decoded.title
        except InputError as exc:
            text = ""
            if not item.meta.get("error"):  # a copy: the caller's item tells what the reader found
                item = dataclasses.replace(item, meta={**item.meta, "error": str(exc)})
    passed = bool(text) and screen(text).passed
    record = extract_text(text, source=item.locator, published=item.published) if passed else None
    # Screened-out news only needs its language as metadata: a short sample is enough and fast.
    language = record["language"] if record else (detect_language(text, sample=SHORT_SAMPLE) if text else None)
    relevant = bool(record and record["relevant"])
    return Prepared(
        item, sha, text, encoding, language, passed, record, title,
        search_text=index_text(text, language, keyed=relevant),
        minhash=to_bytes(signature(text)) if relevant else None,
        raw_compressed=repo.compress(item.raw),
        candidates=candidate_names(text, language) if record and not record["incidents"] else Candidates(),
    )


def storable(item: SourceItem) -> SourceItem:
    """The item with its strings (text, title, author, locator, meta) fit for any database.

    JSON can carry a lone surrogate ("\\ud83d" of an emoji cut in half) or "\\u0000"; one of them
    used to fail the batch's INSERT, and every rerun with it. They become U+FFFD, with a warning.
    """
    fields = {"text": item.text, "title": item.title, "author": item.author, "locator": item.locator}
    changed = {name: _replace_unstorable(value) for name, value in fields.items()
               if value is not None and not _is_storable(value)}
    meta = _storable_json(item.meta)
    if not changed and meta is item.meta:
        return item
    return dataclasses.replace(item, meta=_with_warning(meta, REPLACED), **changed)


def _is_storable(value: str) -> bool:
    """No UNSTORABLE character in `value` (a third of the regular expression's time: this runs on every text)."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _replace_unstorable(value: str | None) -> str | None:
    return UNSTORABLE.sub("\ufffd", value) if value else value


def _storable_json(value):
    """`value` (meta: strings, numbers, lists and dicts) with unstorable characters replaced; itself if none."""
    if isinstance(value, str):
        return value if _is_storable(value) else _replace_unstorable(value)
    if isinstance(value, list):
        items = [_storable_json(v) for v in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        pairs = [(_storable_json(k), _storable_json(v)) for k, v in value.items()]
        same = all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True))
        return value if same else dict(pairs)
    return value


def _with_warning(meta: dict, warning: str) -> dict:
    """A copy of `meta` with `warning` added to the one it may have."""
    return {**meta, "warning": f"{meta['warning']}; {warning}" if meta.get("warning") else warning}


def where(item: SourceItem) -> str:
    """The item as a report names it: its locator, and its line when the locator does not say it."""
    line = item.meta.get("line")
    return f"{item.locator} (line {line})" if line and "#line-" not in item.locator else item.locator


class Ingestor:
    """Stores items batch by batch and links their incidents; one per run (holds the duplicate index)."""

    def __init__(self, url: str | None = None, *, source_kind: str | None = None, source_locator: str | None = None):
        self._sessions = sessions(url)
        self.stats = IngestStats()
        self._source = (source_kind, source_locator)
        self._duplicates = DuplicateIndex()
        self._unwritten: list[dict] = []  # screened-out documents of the open transaction, not yet inserted
        self._indexed: list[int] = []  # documents the open transaction put in the duplicate index
        with self._sessions() as session:
            rows = session.execute(
                select(Document.id, Document.minhash, Document.cluster_id).where(Document.minhash.is_not(None))
            )
            for doc_id, data, cluster in rows:
                self._duplicates.add(doc_id, from_bytes(data), cluster or doc_id)

    def run(self, items: Iterable[SourceItem], progress: Callable[[int], None] | None = None) -> IngestStats:
        """Store the items; a reader failing after it yielded some is one more error, not the end of the run.

        A reader failing before its first item raises: the source could not be read at all.
        """
        try:
            for batch in _batches(items, BATCH):
                self._store_batch(batch)
                if progress:
                    progress(len(batch))
        except SourceError as exc:
            if not self.stats.seen:
                raise
            self.stats.error(str(exc))
        self.tidy()
        return self.stats

    def tidy(self) -> None:
        """After a run that linked reports: the incident search index merged (see repo.tidy_incident_search)."""
        if self.stats.screened_in:
            with self._sessions() as session, session.begin():
                repo.tidy_incident_search(session)

    def _store_batch(self, batch: list[SourceItem]) -> None:
        self.stats.seen += len(batch)
        for item in batch:  # reported even when stored before: the input is still bad
            if item.meta.get("error"):
                self.stats.error(f"{where(item)}: {item.meta['error']}")
        hashed = [(hashlib.sha256(item.raw).hexdigest(), item) for item in batch]
        prepared: dict[str, Prepared] = {}  # kept if the transaction is run again: extraction is the costly part

        def store(session: Session) -> None:
            known = repo.known_hashes(session, (sha for sha, _ in hashed))
            source_id = repo.source(session, self._source[0], self._source[1] or "").id if self._source[0] else None
            fresh: dict[str, SourceItem] = {}
            for sha, item in hashed:
                if sha in known or sha in fresh:
                    self.stats.duplicates += 1
                    continue
                fresh[sha] = item
            for sha, item in fresh.items():
                if sha not in prepared:
                    prepared[sha] = prepare(item, sha)
                p = prepared[sha]
                if p.item.meta.get("error") and not item.meta.get("error"):  # found in decoding it
                    self.stats.error(f"{where(p.item)}: {p.item.meta['error']}")
                self._store(session, p, source_id)

        self._transaction(store)

    def store_prepared(self, batch: list[Prepared], source: tuple[str, str] | None = None) -> None:
        """Store items prepared elsewhere (backfill workers), in their order, as one transaction."""
        self.stats.seen += len(batch)
        for p in batch:
            if p.item.meta.get("error"):
                self.stats.error(f"{where(p.item)}: {p.item.meta['error']}")

        def store(session: Session) -> None:
            known = repo.known_hashes(session, (p.sha256 for p in batch))
            kind, locator = source or self._source
            source_id = repo.source(session, kind, locator or "").id if kind else None
            for p in batch:
                if p.sha256 in known:
                    self.stats.duplicates += 1
                    continue
                known.add(p.sha256)
                self._store(session, p, source_id)

        self._transaction(store)

    def _transaction(self, store: Callable[[Session], None]) -> None:
        """`store` as one transaction, run again if another run stored some of the same documents meanwhile
        (then they are known, and skipped): the counts and the duplicate index are put back first."""
        before = self.stats.copy()

        def attempt(session: Session) -> None:
            self._unwritten, self._indexed = [], []
            store(session)
            self._write_unwritten(session)

        def undo() -> None:
            logger.info("another run stored some of these documents meanwhile; storing the batch again")
            self.stats.restore(before)
            for document_id in self._indexed:
                self._duplicates.remove(document_id)

        retried_transaction(self._sessions, attempt, undo=undo)

    def _write_unwritten(self, session: Session) -> None:
        """One multi-row INSERT for the documents held back (Core: a fraction of the ORM's cost per row)."""
        if self._unwritten:
            session.execute(insert(Document.__table__), self._unwritten)
            self._unwritten = []

    def _store(self, session: Session, p: Prepared, source_id: int | None) -> None:
        item, record = p.item, p.record
        relevant = bool(record and record["relevant"])
        values = dict(
            sha256=p.sha256,
            source_id=source_id,
            kind=item.source_kind,
            locator=item.locator,
            url=item.locator if item.locator.startswith(("http://", "https://")) else None,
            title=p.title,
            author=item.author,
            published=item.published,
            fetched_at=item.fetched_at,
            media_type=item.media_type,
            raw=p.raw_compressed,
            text=p.text,
            search_text=p.search_text,
            language=p.language,
            encoding=p.encoding,
            screened=p.screened,
            meta=item.meta,
        )
        self.stats.added += 1
        if item.meta.get("warning"):
            self.stats.warning(f"{where(item)}: {item.meta['warning']}")
        if record is None:
            # Most documents need nothing more: written in bulk, still in input order (ids follow it).
            self._unwritten.append(values)
            return
        self._write_unwritten(session)
        document = Document(**values)
        session.add(document)
        session.flush()
        self.stats.screened_in += 1
        report = repo.add_report(session, document, record, EXTRACTOR_VERSION)
        if p.candidates.names:  # no incident: whom the report is about may still be a known victim
            self.link_candidate(session, report, p.candidates)
        if not relevant:
            return
        self.stats.relevant += 1
        repo.add_organisations(session, document, record["organisations"])
        document.minhash = p.minhash
        document.cluster_id = self._duplicates.add(document.id, from_bytes(p.minhash))
        self._indexed.append(document.id)
        self.link_report(session, report, document)

    def link_candidate(self, session: Session, report, candidates: Candidates) -> None:
        """Keep the names a report that gave no incident (most often one not judged relevant) may be
        about (its main victim; else the few names it is equally about, or pairs of words of a caseless
        script), and attach the report to the one incident whose victim has one of those full names;
        with none, to other such reports about that victim (relevance decides publication, not
        linkage: such an incident is the staff's, never public until verified). A name made of common
        given names (Yusuf Karimov could be anyone) links only where the report also gives the
        victim's age or home locality as the incident's reports do, and never makes an incident."""
        names, main = list(candidates.names), candidates.main
        if not repo.add_candidate_victims(session, report, names + list(candidates.aged) + list(candidates.native), main=main):
            return
        ages = cache(lambda: set(candidates.ages))
        named = self._named(session, report, names, ages, repo.incidents_for_names(session, names))
        one = self._the_one(session, report, ages, named)
        if one is not None:
            repo.add_mention(session, report, 0, one, LOW_RELEVANCE_SCORE, LOW_RELEVANCE_REASON)
            self.stats.incidents_linked += 1
            self._attach_marked(session, one)  # the report may have told the victim's age
        elif not named and (marked := self._marked_one(session, report, candidates.aged + candidates.native)):
            incident, reason = marked
            repo.add_mention(session, report, 0, incident, LOW_RELEVANCE_SCORE, reason)
            self.stats.incidents_linked += 1
        elif not named:
            uncommon = [n for n in names if not common_name(n)]
            if uncommon:
                self._group_candidates(session, report, uncommon, main)

    @classmethod
    def _named(cls, session: Session, report, names: list[str], ages: Callable[[], set[int]],
               incidents: Iterable[Incident]) -> list[Incident]:
        """The incidents whose victim has one of these full names; a name made of common given names
        must be corroborated by the report (link/identity.corroborated): the victim's age or home locality."""
        uncommon = [n for n in names if not common_name(n)]
        common = [n for n in names if common_name(n)]
        named = []
        for incident in incidents:
            known = incident.fields.get("victim_names") or []
            if (uncommon and name_match(uncommon, known) == "full") or (
                    common and name_match(common, known) == "full" and cls._corroborates(session, report, ages, incident)):
                named.append(incident)
        return named

    @classmethod
    def _the_one(cls, session: Session, report, ages: Callable[[], set[int]], named: list[Incident]) -> Incident | None:
        """The one incident the names point at: the only one named, or else the only one whose victim's
        age or home locality the report also gives (two men of one name); None if there is none."""
        if len(named) > 1:
            named = [i for i in named if cls._corroborates(session, report, ages, i)]
        return named[0] if len(named) == 1 else None

    @classmethod
    def _marked_one(cls, session: Session, report, marked: Iterable[str]) -> tuple[Incident, str] | None:
        """The one incident whose victim has one of these caseless given names (Vinod: വിനോദ്) and,
        as its reports say, the age written beside it (within a year), or the home locality the
        report also names; with the reason for the link. None if none or several."""
        found: dict[int, tuple[Incident, str]] = {}
        marked = list(marked)
        report_ages = [a for a in map(parse_aged, marked) if a]  # (word, age) the report states
        for name in marked:
            aged, native = parse_aged(name), parse_native(name)
            word = aged[0] if aged else native
            if not word:
                continue
            for incident in repo.incidents_for_name_words(session, [word]):
                if found.get(incident.id, (None, ""))[1] == LOW_RELEVANCE_AGED_REASON:
                    continue  # an age agreeing is the stronger reason; it stays whatever came first
                if not names_a_word(incident.fields.get("victim_names") or [], word):
                    continue
                if aged and age_within_a_year(aged[1], cls._stated_ages(session, incident)):
                    found[incident.id] = (incident, LOW_RELEVANCE_AGED_REASON)
                elif native and incident.id not in found and not cls._other_age(session, incident, word, report_ages) and corroborated_home(
                        report.document.text, cls._details(session, incident)):
                    found[incident.id] = (incident, LOW_RELEVANCE_NATIVE_REASON)
        return next(iter(found.values())) if len(found) == 1 else None

    @classmethod
    def _other_age(cls, session: Session, incident: Incident, word: str, report_ages: list[tuple[str, int]]) -> bool:
        """Does the report give this name an age the incident's victim does not have?"""
        said = [age for w, age in report_ages if names_a_word([w], word)]
        if not said:
            return False
        known = cls._stated_ages(session, incident)
        return bool(known) and not any(age_within_a_year(age, known) for age in said)

    @staticmethod
    def _details(session: Session, incident: Incident) -> list[dict]:
        return [d for said in repo.mention_records(session, [incident.id])[incident.id] for d in said.get("victim_details") or ()]

    @classmethod
    def _stated_ages(cls, session: Session, incident: Incident) -> set[int]:
        """The victim's ages its reports state: their incidents' identity details, or for an incident
        only reports with no incident of their own make (one named victim), the ages those reports give."""
        said = repo.mention_records(session, [incident.id])[incident.id]
        if said:  # what its relevant reports say, and nothing else: reading texts again costs an analysis each
            return {d["age"] for m in said for d in m.get("victim_details") or () if isinstance(d.get("age"), int)}
        ages: set[int] = set()
        for report in repo.incident_reports(session, incident.id):
            document = report.document
            ages.update(candidate_names(document.text, document.language).ages)
        return ages

    def _attach_marked(self, session: Session, incident: Incident) -> None:
        """Kept reports that give this incident's victim's given name with his age or his home locality
        join it, if it is the only incident they point at; a report so linked whose words come to
        point at two incidents is taken back, as name-only links are (_attach_candidates)."""
        words = [w.text for name in incident.fields.get("victim_names") or [] for w in parse_name(name).full_words]
        if not words:
            return
        keys = {k for word in words for k in native_keys(word)}
        ages = self._stated_ages(session, incident)
        nearby = {a + d for a in ages for d in (-1, 0, 1)}
        keys |= {k for word in words for k in aged_keys(word, nearby)}
        for candidate, marked in repo.marked_candidate_reports(session, keys):
            if any(m.link_reason not in MARKED_REASONS for m in candidate.mentions):
                continue  # linked by its full name, or grouped: that link stands
            one = self._marked_one(session, candidate, marked)
            linked = {m.incident_id for m in candidate.mentions}
            if linked and (one is None or linked != {one[0].id}):
                _take_back_marked(session, candidate, "another incident has a victim of this given name and age or home")
                linked = set()
            if one is not None and one[0].id == incident.id and not linked:
                repo.add_mention(session, candidate, 0, incident, LOW_RELEVANCE_SCORE, one[1])
                self.stats.incidents_linked += 1

    @classmethod
    def _corroborates(cls, session: Session, report, ages: Callable[[], set[int]], incident: Incident) -> bool:
        details = cls._details(session, incident)
        return bool(details) and corroborated(report.document.text, ages(), details)

    def _group_candidates(self, session: Session, report, names: list[str], main: bool) -> None:
        """Reports not judged relevant that are about one named victim (at least one of them naming
        him as its main victim, not by a mere pair of words) make an incident of that name together."""
        partners = []
        for other, kept, other_main in repo.candidate_reports(session, names, main_only=not main):
            if other.id == report.id or other.mentions or not (main or other_main):
                continue
            if name_match(names, kept) == "full":
                partners.append((other, kept, other_main))
        if not partners:
            return
        name = names[0] if main else next(kept[0] for _, kept, other_main in partners if other_main)
        fields = empty_incident()
        fields["victim_names"] = [name]
        incident = repo.create_incident(session, fields, repo.incident_search_text(fields))
        self.stats.incidents_created += 1
        for member in [report] + [other for other, _, _ in partners]:
            repo.add_mention(session, member, 0, incident, LOW_RELEVANCE_SCORE, LOW_RELEVANCE_GROUP_REASON)
            self.stats.incidents_linked += 1
        self._attach_marked(session, incident)

    def _attach_candidates(self, session: Session, incident: Incident) -> None:
        """Kept reports with a candidate name that is this incident's victim's join it, if it is the only
        incident of that name. A report linked by name alone stays so only while its name points at one
        incident: when a second incident of that name appears, the link is taken back, so the outcome
        does not depend on which report came first."""
        names = incident.fields.get("victim_names") or []
        for candidate, kept, _ in repo.candidate_reports(session, names):
            document = candidate.document
            ages = cache(lambda document=document: set(candidate_names(document.text, document.language).ages))
            named = self._named(session, candidate, kept, ages, repo.incidents_for_names(session, kept))
            if incident.id not in {i.id for i in named}:
                continue
            one = self._the_one(session, candidate, ages, named)
            if candidate.mentions and one is not None and one.id == incident.id and all(
                    m.link_reason in MARKED_REASONS for m in candidate.mentions):
                # A full name outweighs a given name with an age or a home town (Mohammed of Hyderabad).
                _take_back_marked(session, candidate, "its full name is another incident's victim's")
            elif candidate.mentions:
                linked = {m.incident_id for m in candidate.mentions if m.link_reason == LOW_RELEVANCE_REASON}
                if not linked or (one is not None and linked == {one.id}):
                    continue  # grouped with other reports, or already where its name points
                repo.remove_mentions(session, candidate, LOW_RELEVANCE_REASON, why="another incident has a victim of this name")
            if one is not None and one.id == incident.id:
                repo.add_mention(session, candidate, 0, incident, LOW_RELEVANCE_SCORE, LOW_RELEVANCE_REASON)
                self.stats.incidents_linked += 1

    def link_report(self, session: Session, report, document: Document,
                    earlier: dict[int, tuple[int, bool]] | None = None) -> None:
        """Attach each incident of a report to the incident it reports, or to a new one; a doubtful
        match (link/weights.py: between review_at and link_at) becomes a possible duplicate for analysts.

        A document extracted again keeps its incidents where its earlier report's were: always where
        analysts vouched for the sources (verified, merged or split), else unless a must-not-link rule
        now parts them;
        incidents an analyst kept apart from those are never candidates. `earlier`: those incidents by position, when the
        caller read them before replacing the report (repo.document_incidents)."""
        copies = set()
        if document.cluster_id and document.cluster_id != document.id:
            copies = _incidents_of_cluster(session, document.cluster_id)
        earlier = repo.document_incidents(session, document.id) if earlier is None else earlier
        apart = repo.kept_apart(session, (incident_id for incident_id, _ in earlier.values()))
        used: set[int] = set()  # two incidents of one report are two victims
        for position, found in enumerate(report.record["incidents"]):
            fields = contract_fields(found)
            mention = {**fields, "victim_details": found.get("victim_details") or []}
            best, best_decision, doubtful = self._best_match(session, fields, mention, copies, used | apart, earlier.get(position),
                                                             document.published)
            if best is None:
                incident = repo.create_incident(session, fields, repo.incident_search_text(fields))
                repo.add_mention(session, report, position, incident, 1.0, "new incident")
                self.stats.incidents_created += 1
                for other, decision in doubtful:
                    repo.add_possible_duplicate(session, incident, other, decision.score, decision.as_dict())
            else:
                # Lock the row (PostgreSQL) and read it afresh, so an analyst's correction made meanwhile is kept.
                session.refresh(best, with_for_update=True)
                merged = merge_fields(best.fields, fields)
                repo.update_incident(
                    session, best, merged, repo.incident_search_text(merged), actor="machine", action="linked",
                    detail={"report_id": report.id, "score": best_decision.score, "why": best_decision.explain()},
                )
                probability = 1.0 if best_decision.because else link_model().probability(best_decision.score)
                repo.add_mention(session, report, position, best, probability, best_decision.explain(), best_decision.as_dict())
                incident = best
                self.stats.incidents_linked += 1
            used.add(incident.id)
            self._attach_candidates(session, incident)
            self._attach_marked(session, incident)

    def _best_match(self, session: Session, fields: dict, mention: dict, copies: set[int], excluded: set[int],
                    placed: tuple[int, bool] | None, published: dt.date | None = None):
        """The incident this mention is (or None), its decision, and the doubtful ones for analysts.
        `placed`: the incident this document's earlier report put it in, and whether analysts vouched for it;
        `published`: the document's date, which stands for an undated incident's when candidates are sought."""
        earlier, by_analyst = placed or (None, False)
        if by_analyst:
            incident = session.get(Incident, earlier)
            said = repo.mention_records(session, [earlier])[earlier]
            decision = decide_incident(mention, said, incident.fields, incident.reviewed_fields or ())
            return incident, dataclasses.replace(decision, conflict=None).where(
                "analysts vouched for this incident's sources, this document's earlier report among them"), []
        candidates = [
            incident for incident in repo.blocked_incidents(
                session, fields, nearby_regions(set(fields["location_regions"])),
                date_window(fields["date"] or (published.isoformat() if published else None)),
                copies | ({earlier} if earlier else set()))
            if incident.id not in excluded and not ruled_out(fields, incident.fields)
        ]
        said = repo.mention_records(session, [incident.id for incident in candidates])
        best, best_decision, doubtful = None, None, []
        for incident in candidates:
            decision = decide_incident(mention, said[incident.id], incident.fields, incident.reviewed_fields or (),
                                       same_text=incident.id in copies)
            if incident.id == earlier and decision.conflict is None:
                return incident, decision.where("the document's earlier report was linked here"), []
            if decision.linked and (best_decision is None or decision.score > best_decision.score):
                best, best_decision = incident, decision
            elif decision.to_review:
                doubtful.append((incident, decision))
        return best, best_decision, doubtful


def _take_back_marked(session: Session, report, why: str) -> None:
    """Remove a report's links made by a given name with an age or a home town."""
    for reason in MARKED_REASONS:
        repo.remove_mentions(session, report, reason, why=why)


def _incidents_of_cluster(session: Session, cluster_id: int) -> set[int]:
    rows = session.scalars(
        select(Mention.incident_id)
        .join(Report, Mention.report_id == Report.id)
        .join(Document, Report.document_id == Document.id)
        .where(Document.cluster_id == cluster_id)
    )
    return set(rows)


def _batches(items: Iterable[SourceItem], size: int) -> Iterator[list[SourceItem]]:
    """The items in lists of `size`; when the reader fails, the items before it come first, then its error."""
    batch: list[SourceItem] = []
    try:
        for item in items:
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
    except SourceError:
        if batch:
            yield batch
        raise
    if batch:
        yield batch
