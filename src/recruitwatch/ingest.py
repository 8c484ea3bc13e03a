"""From source items to stored documents, reports and linked incidents, in committed batches.

Each batch is one transaction: a crash loses at most the batch being written,
and the next run redoes it. A document's identity is the SHA-256 of its raw
bytes, so running the same input again adds nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from . import __version__
from .errors import InputError
from .extract.pipeline import extract_text
from .extract.screen import screen
from .link.duplicates import DuplicateIndex, from_bytes, signature, to_bytes
from .link.incidents import decide, merge_fields
from .sources import SourceItem
from .store import repository as repo
from .store.database import sessions
from .store.models import Document, Mention, Report
from .text.langid import detect_language
from .text.reader import text_from_bytes
from .text.search_keys import index_text

logger = logging.getLogger(__name__)
EXTRACTOR_VERSION = f"extract-{__version__}"
BATCH = 200


@dataclass
class IngestStats:
    seen: int = 0
    added: int = 0
    duplicates: int = 0
    screened_in: int = 0
    relevant: int = 0
    incidents_created: int = 0
    incidents_linked: int = 0
    errors: list[str] = field(default_factory=list)


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
    raw_compressed: bytes = b""


def prepare_item(item: SourceItem) -> Prepared:
    """`prepare` with the identity computed too: what a backfill worker runs per new item."""
    return prepare(item, hashlib.sha256(item.raw).hexdigest())


def prepare(item: SourceItem, sha: str) -> Prepared:
    """Everything about one item that needs no database: text, screen, extraction (pure, parallelisable)."""
    title, encoding = item.title, None
    if item.text is not None:
        text = item.text
    else:
        try:
            decoded = text_from_bytes(item.raw, item.locator)
            text, encoding, title = decoded.text, decoded.encoding, item.title or decoded.title
        except InputError as exc:
            text = ""
            item.meta.setdefault("error", str(exc))
    passed = bool(text) and screen(text).passed
    record = extract_text(text, source=item.locator, published=item.published) if passed else None
    # Screened-out news only needs its language as metadata: a short sample is enough and fast.
    language = record["language"] if record else (detect_language(text[:400]) if text else None)
    relevant = bool(record and record["relevant"])
    return Prepared(
        item, sha, text, encoding, language, passed, record, title,
        search_text=index_text(text, language, keyed=relevant),
        minhash=to_bytes(signature(text)) if relevant else None,
        raw_compressed=repo.compress(item.raw),
    )


class Ingestor:
    """Stores items batch by batch and links their incidents; one per run (holds the duplicate index)."""

    def __init__(self, url: str | None = None, *, source_kind: str | None = None, source_locator: str | None = None):
        self._sessions = sessions(url)
        self.stats = IngestStats()
        self._source = (source_kind, source_locator)
        self._duplicates = DuplicateIndex()
        self._unwritten: list[dict] = []  # screened-out documents of the open transaction, not yet inserted
        with self._sessions() as session:
            rows = session.execute(
                select(Document.id, Document.minhash, Document.cluster_id).where(Document.minhash.is_not(None))
            )
            for doc_id, data, cluster in rows:
                self._duplicates.add(doc_id, from_bytes(data), cluster or doc_id)

    def run(self, items: Iterable[SourceItem], progress: Callable[[int], None] | None = None) -> IngestStats:
        for batch in _batches(items, BATCH):
            self._store_batch(batch)
            if progress:
                progress(len(batch))
        self.tidy()
        return self.stats

    def tidy(self) -> None:
        """After a run that linked reports: the incident search index merged (see repo.tidy_incident_search)."""
        if self.stats.screened_in:
            with self._sessions() as session, session.begin():
                repo.tidy_incident_search(session)

    def _store_batch(self, batch: list[SourceItem]) -> None:
        self.stats.seen += len(batch)
        hashed = [(hashlib.sha256(item.raw).hexdigest(), item) for item in batch]
        with self._sessions() as session, session.begin():
            known = repo.known_hashes(session, (sha for sha, _ in hashed))
            source_id = None
            if self._source[0]:
                source_id = repo.source(session, self._source[0], self._source[1] or "").id
            fresh: dict[str, SourceItem] = {}
            for sha, item in hashed:
                if sha in known or sha in fresh:
                    self.stats.duplicates += 1
                    continue
                fresh[sha] = item
            self._unwritten = []
            for sha, item in fresh.items():
                self._store(session, prepare(item, sha), source_id)
            self._write_unwritten(session)

    def store_prepared(self, batch: list[Prepared], source: tuple[str, str] | None = None) -> None:
        """Store items prepared elsewhere (backfill workers), in their order, as one transaction."""
        self.stats.seen += len(batch)
        with self._sessions() as session, session.begin():
            known = repo.known_hashes(session, (p.sha256 for p in batch))
            kind, locator = source or self._source
            source_id = repo.source(session, kind, locator or "").id if kind else None
            self._unwritten = []
            for p in batch:
                if p.sha256 in known:
                    self.stats.duplicates += 1
                    continue
                known.add(p.sha256)
                self._store(session, p, source_id)
            self._write_unwritten(session)

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
        if item.meta.get("error"):
            self.stats.errors.append(f"{item.locator}: {item.meta['error']}")
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
        if not relevant:
            return
        self.stats.relevant += 1
        repo.add_organisations(session, document, record["organisations"])
        document.minhash = p.minhash
        document.cluster_id = self._duplicates.add(document.id, from_bytes(p.minhash))
        self.link_report(session, report, document)

    def link_report(self, session: Session, report, document: Document) -> None:
        """Attach each incident of a report to the incident it reports, or to a new one."""
        copies = set()
        if document.cluster_id and document.cluster_id != document.id:
            copies = _incidents_of_cluster(session, document.cluster_id)
        used: set[int] = set()  # two incidents of one report are two victims
        for position, found in enumerate(report.record["incidents"]):
            fields = {k: v for k, v in found.items() if k != "evidence"}
            best, best_decision = None, None
            for incident in repo.linkable_incidents(session, set(fields["victim_nationalities"])):
                if incident.id in used:
                    continue
                decision = decide(fields, incident.fields, same_text=incident.id in copies)
                if decision.linked and (best_decision is None or decision.score > best_decision.score):
                    best, best_decision = incident, decision
            if best is None:
                incident = repo.create_incident(session, fields, repo.incident_search_text(fields))
                repo.add_mention(session, report, position, incident, 1.0, "new incident")
                self.stats.incidents_created += 1
            else:
                # Lock the row (PostgreSQL) and read it afresh, so an analyst's correction made meanwhile is kept.
                session.refresh(best, with_for_update=True)
                merged = merge_fields(best.fields, fields)
                repo.update_incident(
                    session, best, merged, repo.incident_search_text(merged), actor="machine", action="linked",
                    detail={"report_id": report.id, "score": best_decision.score, "why": best_decision.explain()},
                )
                repo.add_mention(session, report, position, best, best_decision.score, best_decision.explain())
                incident = best
                self.stats.incidents_linked += 1
            used.add(incident.id)


def _incidents_of_cluster(session: Session, cluster_id: int) -> set[int]:
    rows = session.scalars(
        select(Mention.incident_id)
        .join(Report, Mention.report_id == Report.id)
        .join(Document, Report.document_id == Document.id)
        .where(Document.cluster_id == cluster_id)
    )
    return set(rows)


def _batches(items: Iterable[SourceItem], size: int) -> Iterator[list[SourceItem]]:
    batch: list[SourceItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
