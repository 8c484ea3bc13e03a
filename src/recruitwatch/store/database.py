"""Engines, sessions and migrations: SQLite tuned for a laptop (WAL, foreign keys), or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import RecruitWatchError
from ..security.files import create_private
from ..settings import database_url, sqlite_path

T = TypeVar("T")


class StoreError(RecruitWatchError):
    exit_code = 6


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    path = sqlite_path(url)
    if path is not None and "?" not in str(path):
        create_private(path)  # before SQLite makes it under the umask: the -wal and -shm files copy its mode
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across crashes of the process in WAL mode
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def sessions(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url or database_url()), expire_on_commit=False)


@contextmanager
def transaction(url: str | None = None):
    """A session that commits at the end of the block, or rolls back on any error."""
    with sessions(url)() as session, session.begin():
        yield session


def retried_transaction(make_session: sessionmaker[Session], work: Callable[[Session], T], *,
                        undo: Callable[[], None] | None = None, attempts: int = 5) -> T:
    """`work(session)` in one transaction, run again when another writer got there first.

    Two runs storing the same documents at once: the later one's INSERT meets the earlier
    one's row (a unique violation, once that commits). Its transaction is rolled back, `undo`
    puts back what `work` changed outside the database, and `work` runs again; it then finds
    those rows stored and leaves them.
    """
    for attempt in range(attempts):
        try:
            with make_session() as session, session.begin():
                return work(session)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            if undo is not None:
                undo()
    raise AssertionError("unreachable: the last attempt returns or raises")


def alembic_config(url: str | None = None):
    from alembic.config import Config

    config = Config()
    script_location = Path(str(resources.files("recruitwatch.store").joinpath("migrations")))
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database schema to `revision` (creating the database if it is new).

    Every command that opens the store starts here, so first the key ring is checked
    against what the store holds (KeyRingError if it cannot open it): before any
    change, and before a migration that seals with the key (0008, the audit log).
    """
    from alembic import command

    from .encrypted import check_key_ring

    with sessions(url)() as session:
        check_key_ring(session, older_schema=True)
    config = alembic_config(url)
    with engine_for(url or database_url()).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine_for(url or database_url()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
