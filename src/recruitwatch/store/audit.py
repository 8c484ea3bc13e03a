"""The audit log: who read personal data or changed something, chained by SHA-256 so tampering shows.

Each entry's hash covers the previous entry's hash and its own content, so an
edited entry no longer matches its hash and a deleted one breaks the link to
the next; ids are given without gaps, so a missing id is a deleted entry too.
The database refuses UPDATE and DELETE on the table (migration 0004); the
chain catches whoever removes those triggers with direct access to the file.
A chain cannot show that its newest entries were cut off: keep the head hash
that `recruitwatch audit verify` prints somewhere else to check that.

`detail` must never hold personal data: callers pass ids, field names,
formats and actions, never names, contacts, stories or search text
(`without_free_text`). The log is append-only, so whatever is written here
can never be erased. Failed sign-ins name the account only if it exists;
refusals of a throttled account are not logged one by one (login_failures
holds them), so hammering the sign-in form cannot fill the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..errors import RecruitWatchError
from .accounts import user_by_name
from .models import AuditEntry, utcnow

GENESIS = "0" * 64  # the previous hash of the first entry
# Key of the PostgreSQL advisory lock that serialises writers of the chain ("RWAUDIT" in ASCII).
ADVISORY_LOCK = 0x52574155444954
FREE_TEXT_FILTERS = ("q",)  # search text may name a person

# What an entry records (its `action`): one word each, so the log can be filtered.
CREATE, READ, UPDATE, DELETE, EXPORT = "create", "read", "update", "delete", "export"
SIGN_IN, SIGN_IN_FAILED = "sign_in", "sign_in_failed"


class AuditError(RecruitWatchError):
    """The audit log was altered: an entry edited or deleted."""

    exit_code = 7


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    problems: list[str] = field(default_factory=list)
    head: str = GENESIS  # the newest entry's hash


def _iso(at: dt.datetime) -> str:
    """One spelling of a time whatever the database hands back (SQLite: naive UTC; PostgreSQL: any zone)."""
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, at: dt.datetime, actor: str, action: str, object_type: str,
               object_id: str | None, detail: dict | None) -> str:
    canonical = json.dumps(
        [_iso(at), actor, action, object_type, object_id, detail or {}],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _take_write_lock(session: Session) -> None:
    """Make sure no other transaction can add an entry until this one ends, so two never share a predecessor."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
    elif connection.dialect.name == "sqlite":
        # A statement that writes (nothing) takes SQLite's one write lock now, waiting for it if needed;
        # it is held to the commit. The triggers fire per row, so they stay silent.
        connection.execute(text("DELETE FROM audit_log WHERE 0"))


def record(session: Session, *, actor: str, action: str, object_type: str,
           object_id: str | int | None = None, detail: dict | None = None) -> AuditEntry:
    """Append an entry in the caller's transaction (it becomes part of the log when the caller commits).

    `detail` holds ids, field names and actions only, never personal data.
    """
    _take_write_lock(session)
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev_id, prev_hash = (last.id, last.hash) if last else (0, GENESIS)
    entry = AuditEntry(
        id=prev_id + 1,  # given here, under the lock: no gaps, unlike a sequence after a rollback
        at=utcnow(),
        actor=(actor or "unknown")[:64], action=action[:32], object_type=object_type[:32],
        object_id=None if object_id is None else str(object_id)[:64], detail=dict(detail or {}), prev_hash=prev_hash,
    )
    entry.hash = entry_hash(prev_hash, entry.at, entry.actor, entry.action, entry.object_type, entry.object_id, entry.detail)
    session.add(entry)
    session.flush()
    return entry


def record_failed_sign_in(session: Session, typed_username: str, reason: str) -> AuditEntry:
    """A failed sign-in, naming the account only if it exists: what was typed as a username is sometimes a password."""
    user = user_by_name(session, (typed_username or "").strip().lower()[:64])
    name = user.username if user else None
    return record(session, actor=name or "public", action=SIGN_IN_FAILED, object_type="user", object_id=name,
                  detail={"reason": reason})


def without_free_text(params: dict[str, str]) -> dict[str, str]:
    """Filters fit for `detail`: free search text is replaced by a marker, since it may be someone's name."""
    return {k: ("(withheld)" if k in FREE_TEXT_FILTERS else v) for k, v in params.items()}


def verify(session: Session, batch: int = 1000) -> VerifyResult:
    """Walk the log in id order and report every edited entry, broken link and missing id."""
    result = VerifyResult(ok=True, entries=0)
    prev_id, prev_hash = 0, GENESIS
    columns = AuditEntry.__table__.c
    while True:
        rows = session.execute(select(AuditEntry.__table__).where(columns.id > prev_id).order_by(columns.id).limit(batch)).all()
        for row in rows:
            result.entries += 1
            if row.id != prev_id + 1:
                missing = f"entry {prev_id + 1} is" if row.id == prev_id + 2 else f"entries {prev_id + 1}–{row.id - 1} are"
                result.problems.append(f"entry {row.id}: {missing} missing before it (deleted)")
            if row.prev_hash != prev_hash:
                before = f"entry {prev_id}" if prev_id else "the start of the log"
                result.problems.append(f"entry {row.id}: the chain is broken: it does not follow {before} "
                                       "(an entry between them was deleted or replaced)")
            expected = entry_hash(row.prev_hash, row.at, row.actor, row.action, row.object_type, row.object_id, row.detail)
            if expected != row.hash:
                result.problems.append(f"entry {row.id}: its content does not match its hash (edited)")
            prev_id, prev_hash = row.id, row.hash
        if len(rows) < batch:
            break
    result.ok = not result.problems
    result.head = prev_hash
    return result


def latest(session: Session, limit: int = 50) -> list[AuditEntry]:
    """The newest entries, oldest of them first (like a tail)."""
    rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
    return rows[::-1]
