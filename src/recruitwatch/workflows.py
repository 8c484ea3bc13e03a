"""What the commands do, as library functions: ingest, watch, reprocess, list, back up and restore."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .ingest import EXTRACTOR_VERSION, Ingestor, IngestStats
from .security.files import create_private
from .settings import database_url, sqlite_path
from .sources import reader_for
from .sources.detect import detect_kind
from .sources.fetch import Fetcher, fetcher_for
from .store import repository as repo
from .store.database import StoreError, engine_for, sessions, upgrade
from .store.models import Document, Report
from .store.queries import IncidentQuery, count_incidents, list_incidents

logger = logging.getLogger(__name__)


def ingest(
    source: str,
    *,
    kind: str | None = None,
    allow_private: bool = False,
    url: str | None = None,
    progress: Callable[[int], None] | None = None,
    watched: bool = False,
    fetcher: Fetcher | None = None,
    proxy: str | None = None,
    migrate: bool = True,
) -> IngestStats:
    """Read one source and store what is new in it; web sources go through `fetcher` when given
    (else through one of our own, with `allow_private` and `proxy`).

    `migrate=False` skips the schema check, for a caller that has just made it (`watch`, each round).
    """
    if migrate:
        upgrade(url)
    kind = kind or detect_kind(source)
    if kind not in ("feed", "page"):
        return _ingest_items(source, kind, {}, url, progress, watched)
    with fetcher_for(fetcher, allow_private=allow_private, proxy=proxy) as client:
        return _ingest_items(source, kind, {"fetcher": client}, url, progress, watched)


def _ingest_items(source: str, kind: str, options: dict, url: str | None,
                  progress: Callable[[int], None] | None, watched: bool) -> IngestStats:
    state = None
    if kind == "feed":
        from .sources.feeds import FeedState

        state = FeedState()
        with sessions(url)() as session, session.begin():
            row = repo.source(session, kind, source, watched=watched)
            options.update(etag=row.etag, last_modified=row.last_modified, state=state)
    items = reader_for(kind)(source, **options)
    stats = Ingestor(url, source_kind=kind, source_locator=source).run(items, progress)
    with sessions(url)() as session, session.begin():
        row = repo.source(session, kind, source, watched=watched)
        row.last_polled_at = dt.datetime.now(dt.UTC)
        # Kept only after every item was stored: the next poll asks "changed since?" with them.
        if state is not None and not state.not_modified:
            row.etag, row.last_modified = state.etag, state.last_modified
    return stats


def watch(*, url: str | None = None, interval: float = 900, once: bool = False, allow_private: bool = False,
          report: Callable[[str, IngestStats], None] | None = None, fetcher: Fetcher | None = None,
          proxy: str | None = None) -> None:
    """Poll every watched source, forever (or once), every `interval` seconds.

    One `Fetcher` serves the whole run (the caller's, or one of our own), so the
    per-host interval holds across the sources of one site. A database that is
    away when a round starts (a restart) costs that round, not the watcher. The
    schema is brought up to date once, not once per source and round: each
    Alembic run also left one more statement in the engine's compiled cache.
    """
    upgrade(url)
    with fetcher_for(fetcher, allow_private=allow_private, proxy=proxy) as client:
        while True:
            try:
                with sessions(url)() as session:
                    watched = [(s.kind, s.locator) for s in repo.watched_sources(session)]
            except SQLAlchemyError as exc:
                if once:
                    raise
                logger.warning("cannot list the watched sources (%s); trying again in %.0f s", str(exc), interval)
                watched = []
            for kind, locator in watched:
                try:
                    stats = ingest(locator, kind=kind, allow_private=allow_private, url=url, watched=True,
                                   fetcher=client, migrate=False)
                except Exception as exc:  # one broken source must not stop the others
                    # The message, not the exception: a record holding it holds its traceback's frames and
                    # the half-read response in them (MBs of a gzip bomb), for as long as a handler keeps records.
                    logger.warning("%s: %s", locator, str(exc))
                    continue
                if report:
                    report(locator, stats)
            if once:
                return
            time.sleep(interval)


def reprocess(*, url: str | None = None, force: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Extract again every screened document whose report is from another extractor version."""
    from .extract.pipeline import candidate_names, extract_text

    upgrade(url)
    ingestor = Ingestor(url)
    done = 0
    with sessions(url)() as session:
        ids = list(session.scalars(select(Document.id).where(Document.screened.is_(True)).order_by(Document.id)))
    for document_id in ids:
        with sessions(url)() as session, session.begin():
            document = session.get(Document, document_id)
            current = session.scalar(
                select(Report).where(Report.document_id == document_id, Report.current.is_(True))
            )
            if current is not None and current.extractor_version == EXTRACTOR_VERSION and not force:
                continue
            record = extract_text(document.text, source=document.locator, published=document.published)
            earlier = repo.document_incidents(session, document_id)  # read before --force drops the links
            if current is not None and current.extractor_version == EXTRACTOR_VERSION:
                report = repo.replace_report(session, current, record)  # --force with the same version
            else:
                report = repo.add_report(session, document, record, EXTRACTOR_VERSION)
            if record["relevant"]:
                ingestor.link_report(session, report, document, earlier)
            if not record["incidents"]:
                candidates = candidate_names(document.text, document.language)
                if candidates.names:
                    ingestor.link_candidate(session, report, candidates)
            done += 1
        if progress:
            progress(1)
    if done:
        with sessions(url)() as session, session.begin():
            repo.tidy_incident_search(session)
    return done


def incidents_with_documents(query: IncidentQuery, url: str | None = None) -> list[dict]:
    """Incidents as contract records, each with the URL (or path) and date of every document."""
    with sessions(url)() as session:
        found = list_incidents(session, query)
        documents = repo.incident_documents(session, [i.id for i in found])
        out = []
        for incident in found:
            out.append(
                {
                    "id": incident.id,
                    "review_state": incident.review_state,
                    **incident.fields,
                    "date_precision": incident.date_precision,
                    "place_precision": incident.place_precision,
                    "documents": [
                        {
                            "url": d.url or d.locator,
                            "published": d.published.isoformat() if d.published else None,
                            "language": d.language,
                            "link": m.link_reason,
                            "score": m.link_score,
                        }
                        for d, m in documents[incident.id]
                    ],
                }
            )
        return out


PAGE = 500  # incidents read per query when every match is wanted


def every_incident_with_documents(query: IncidentQuery, url: str | None = None) -> Iterator[dict]:
    """incidents_with_documents for every match, page by page (memory stays one page's)."""
    offset = 0
    while True:
        page = incidents_with_documents(dataclasses.replace(query, limit=PAGE, offset=offset), url)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def matching_incidents(query: IncidentQuery, url: str | None = None) -> int:
    with sessions(url)() as session:
        return count_incidents(session, query)


def backup(target: Path, url: str | None = None) -> Path:
    """A consistent copy while the system runs: SQLite's online backup, or pg_dump.

    The copy is readable by its owner only (0600, an existing file it replaces too), and
    folders missing on the way to it are made with mode 0700: `backup backups/rw.db` works
    on a fresh machine and shows the database to no other account.
    """
    url = url or database_url()
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise StoreError(f"{path}: no database to back up yet")
    if path is None and shutil.which("pg_dump") is None:
        raise StoreError("pg_dump is not installed: install the PostgreSQL client tools to back up PostgreSQL")
    if target.is_dir():
        raise StoreError(f"{target} is a folder; give the backup's file name, e.g. {target / 'rw.db'}")
    try:
        if not create_private(target):
            os.chmod(target, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot write the backup to {target} ({exc.strerror or exc}); check the path") from None
    if path is not None:
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return target
    pg_url, password = _client_url(url)
    _run_client(["pg_dump", "--format=custom", f"--file={target}", pg_url], password,
                "pg_dump could not back up the database")
    return target


def restore(backup_file: Path, url: str | None = None) -> None:
    """Bring a backup back (stop other writers first); a file that is not a backup changes nothing."""
    url = url or database_url()
    if not backup_file.is_file():
        raise StoreError(f"{backup_file}: no such backup")
    path = sqlite_path(url)
    if path is not None:
        source = _open_sqlite_backup(backup_file)
        with closing(source):
            engine_for(url).dispose()
            create_private(path)
            with closing(sqlite3.connect(path)) as target:
                source.backup(target)
        return
    if shutil.which("pg_restore") is None:
        raise StoreError("pg_restore is not installed: install the PostgreSQL client tools to restore PostgreSQL")
    _run_client(["pg_restore", "--list", str(backup_file)], None,
                f"{backup_file} is not a PostgreSQL backup made by `recruitwatch backup`; the database was not changed")
    pg_url, password = _client_url(url)
    engine_for(url).dispose()
    _run_client(["pg_restore", "--clean", "--if-exists", f"--dbname={pg_url}", str(backup_file)], password,
                "pg_restore could not restore the backup")


def _open_sqlite_backup(backup_file: Path) -> sqlite3.Connection:
    """The backup, opened read-only once it proved to be an intact RecruitWatch database."""
    connection = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(f"damaged: {problems[0]}")
        connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise StoreError(
            f"{backup_file} is not a RecruitWatch backup ({exc}); the database was not changed"
        ) from None
    return connection


def _client_url(url: str) -> tuple[str, str | None]:
    """The URL for pg_dump and pg_restore, and apart from it the password (their command line is public)."""
    engine_url = engine_for(url).url.set(drivername="postgresql")
    return engine_url._replace(password=None).render_as_string(hide_password=False), engine_url.password


def _run_client(command: list[str], password: str | None, failure: str) -> None:
    """Run a PostgreSQL client tool; its failure is one line naming its own last word on it."""
    env = {**os.environ, "PGPASSWORD": password} if password else None
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode:
        lines = result.stderr.strip().splitlines()
        raise StoreError(f"{failure} ({lines[-1] if lines else f'exit code {result.returncode}'})")
