"""The audit log: who read personal data or changed something, chained by SHA-256 and sealed with a key.

Each entry's hash covers the previous entry's hash and its own content, so it
commits to everything before it; ids are given without gaps, so a missing id
is a deleted entry. That much anyone can recompute, so each entry also carries
a MAC: an HMAC-SHA256 of its id and hash under a key kept outside the
database, derived from the key ring's current key (`key_id` names it). With the
database alone one can no longer edit an entry and recompute the hashes,
delete and renumber, or append: the MACs stop matching. A MAC covers the chain,
so one entry checked with its key vouches for every entry before it: entries
sealed with a key later dropped from the key file stay verifiable once a later
entry is sealed with a kept key (`keys rotate` writes one at once).

Entries from before the log was keyed (migration 0008) have no MAC: the
migration sealed them with an entry of its own, so they cannot change unseen
since, but nothing proves they were not altered before; `audit verify` says so.
The database refuses UPDATE, DELETE, SQLite's INSERT OR REPLACE, PostgreSQL's
TRUNCATE and ids below 1 (migrations 0004 and 0008); the MACs catch whoever
removes those guards with direct access to the database. No chain can show
that its newest entries were cut off: keep the head `audit verify` prints
(N:HASH) elsewhere and pass it back with `--expect-head`.

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
import hmac
import json
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from ..errors import RecruitWatchError
from ..security.crypto import key_ring, load_key_ring
from .accounts import user_by_name
from .models import AuditEntry, utcnow

GENESIS = "0" * 64  # the previous hash of the first entry
# Key of the PostgreSQL advisory lock that serialises writers of the chain ("RWAUDIT" in ASCII).
ADVISORY_LOCK = 0x52574155444954
FREE_TEXT_FILTERS = ("q",)  # search text may name a person
MAC_PURPOSE = "audit-log"  # what the MAC key derived from a key of the key ring is for

# What an entry records (its `action`): one word each, so the log can be filtered.
CREATE, READ, UPDATE, DELETE, EXPORT = "create", "read", "update", "delete", "export"
SIGN_IN, SIGN_IN_FAILED = "sign_in", "sign_in_failed"
ALERT, ALERT_SENT, ALERT_FAILED, FEED_READ = "alert", "alert_sent", "alert_failed", "feed_read"  # saved searches' alerts


class AuditError(RecruitWatchError):
    """The audit log was altered: an entry edited, forged or deleted, or its expected head gone."""

    exit_code = 7


@dataclass(frozen=True)
class Head:
    """An entry as `audit verify` names the newest one, to look for it again later: its id (if given) and hash."""

    id: int | None
    hash: str

    def __str__(self) -> str:
        return self.hash if self.id is None else f"{self.id}:{self.hash}"


def parse_head(text: str) -> Head:
    """`N:HASH` as `audit verify` prints it, or the hash alone."""
    number, _, digest = text.strip().rpartition(":")
    digest = digest.lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest) or (number and not number.isdigit()):
        raise ValueError(f"{text!r} is not a head as `audit verify` prints it: N:HASH, the hash 64 hex digits")
    return Head(int(number) if number else None, digest)


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    problems: list[str] = field(default_factory=list)
    head: Head = Head(0, GENESIS)  # the newest entry
    legacy: int = 0  # entries from before the log was keyed, all at its start
    notes: list[str] = field(default_factory=list)  # what an intact log's reader should still know
    unchecked: str | None = None  # why the newest entries' MACs could not be checked (their key is not in the ring)


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


def entry_mac(key: bytes, entry_id: int, hash_: str) -> str:
    """An entry's seal: only a holder of the key can make it, and it covers the entry's place and the chain up to it."""
    return hmac.new(key, f"{entry_id}:{hash_}".encode("ascii"), hashlib.sha256).hexdigest()


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
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).where(AuditEntry.id >= 1).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entry = AuditEntry(**_next_entry(last, actor=actor, action=action, object_type=object_type,
                                     object_id=object_id, detail=detail))
    session.add(entry)
    session.flush()
    return entry


def _next_entry(last, *, actor: str, action: str, object_type: str, object_id: str | int | None,
                detail: dict | None) -> dict:
    """The columns of the entry that follows `last` (None: the first), hashed and sealed with the current key."""
    prev_id, prev_hash = (last.id, last.hash) if last else (0, GENESIS)
    values = {
        "id": prev_id + 1,  # given here, under the lock: no gaps, unlike a sequence after a rollback
        "at": utcnow(), "actor": (actor or "unknown")[:64], "action": action[:32], "object_type": object_type[:32],
        "object_id": None if object_id is None else str(object_id)[:64], "detail": dict(detail or {}),
        "prev_hash": prev_hash,
    }
    values["hash"] = entry_hash(prev_hash, values["at"], values["actor"], values["action"], values["object_type"],
                                values["object_id"], values["detail"])
    ring = key_ring()
    values["key_id"] = ring.current_id
    values["mac"] = entry_mac(ring.mac_key(ring.current_id, MAC_PURPOSE), values["id"], values["hash"])
    return values


# The columns as migration 0008 knows them: sealing must not depend on columns added later.
_AUDIT_LOG_0008 = sa.table(
    "audit_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String),
    sa.column("action", sa.String), sa.column("object_type", sa.String), sa.column("object_id", sa.String),
    sa.column("detail", sa.JSON), sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
    sa.column("key_id", sa.String), sa.column("mac", sa.String),
)


def seal_legacy(connection: Connection) -> int:
    """Append a sealed entry after entries from before the log was keyed (migration 0008), so none can change unseen.

    Returns how many entries it sealed (0 when the log is empty or already ends with a sealed entry).
    """
    last = connection.execute(text("SELECT id, hash, key_id FROM audit_log WHERE id >= 1 ORDER BY id DESC LIMIT 1")).first()
    if last is None or last.key_id is not None:
        return 0
    legacy = connection.execute(text("SELECT count(*) FROM audit_log WHERE id >= 1")).scalar_one()
    connection.execute(_AUDIT_LOG_0008.insert(), _next_entry(
        last, actor="migration", action=UPDATE, object_type="audit_log", object_id=None,
        detail={"action": "seal_legacy_entries", "entries": legacy},
    ))
    return legacy


def record_failed_sign_in(session: Session, typed_username: str, reason: str) -> AuditEntry:
    """A failed sign-in, naming the account only if it exists: what was typed as a username is sometimes a password."""
    user = user_by_name(session, (typed_username or "").strip().lower()[:64])
    name = user.username if user else None
    return record(session, actor=name or "public", action=SIGN_IN_FAILED, object_type="user", object_id=name,
                  detail={"reason": reason})


def without_free_text(params: dict[str, str]) -> dict[str, str]:
    """Filters fit for `detail`: free search text is replaced by a marker, since it may be someone's name."""
    return {k: ("(withheld)" if k in FREE_TEXT_FILTERS else v) for k, v in params.items()}


def verify(session: Session, expect: Head | None = None, batch: int = 1000) -> VerifyResult:
    """Walk the log in id order and report every edited, forged, deleted or missing entry.

    `expect` is a head printed by an earlier run: the log must still hold it, or its newest entries were cut off.
    """
    result = VerifyResult(ok=True, entries=0)
    found: list[tuple[str, int, str]] = []  # (kind, entry id, line), in id order
    columns = AuditEntry.__table__.c
    for (entry_id,) in session.execute(select(columns.id).where(columns.id < 1).order_by(columns.id)):
        result.entries += 1
        found.append(("id", entry_id, f"entry {entry_id}: an id below 1, which RecruitWatch never gives (forged)"))
    keys: dict[str, bytes] | None = None  # read when the first sealed entry needs them
    prev_id, prev_hash = 0, GENESIS
    sealed = False  # a sealed entry came: every entry from there on must be sealed too
    unvouched: tuple[int, set[str]] | None = None  # entries since the last checked MAC whose key is not in the ring
    expect_seen = expect is not None and expect.hash == GENESIS and expect.id in (0, None)
    while True:
        rows = session.execute(select(AuditEntry.__table__).where(columns.id > prev_id).order_by(columns.id).limit(batch)).all()
        for row in rows:
            result.entries += 1
            if row.id != prev_id + 1:
                missing = f"entry {prev_id + 1} is" if row.id == prev_id + 2 else f"entries {prev_id + 1}–{row.id - 1} are"
                found.append(("gap", row.id, f"entry {row.id}: {missing} missing before it (deleted)"))
            if row.prev_hash != prev_hash:
                before = f"entry {prev_id}" if prev_id else "the start of the log"
                found.append(("link", row.id, f"entry {row.id}: the chain is broken: it does not follow {before} "
                                              "(an entry between them was deleted or replaced)"))
            expected = entry_hash(row.prev_hash, row.at, row.actor, row.action, row.object_type, row.object_id, row.detail)
            if expected != row.hash:
                found.append(("content", row.id, f"entry {row.id}: its content does not match its hash (edited)"))
            if row.key_id is None:
                if sealed:
                    found.append(("unsealed", row.id, f"entry {row.id}: it has no MAC, yet follows sealed entries (forged)"))
                else:
                    result.legacy += 1
            else:
                sealed = True
                keys = _mac_keys() if keys is None else keys
                key = keys.get(row.key_id)
                if key is None:
                    unvouched = unvouched or (row.id, set())
                    unvouched[1].add(row.key_id)
                elif row.mac is not None and hmac.compare_digest(row.mac, entry_mac(key, row.id, row.hash)):
                    unvouched = None  # this MAC vouches for the whole chain before it
                else:
                    found.append(("mac", row.id, ""))
            if expect is not None and row.hash == expect.hash and expect.id in (None, row.id):
                expect_seen = True
            prev_id, prev_hash = row.id, row.hash
        if len(rows) < batch:
            break
    result.head = Head(prev_id, prev_hash)
    if result.legacy and not sealed:
        found.append(("legacy", prev_id, f"{_span(1, prev_id)}: no MAC, and no sealed entry follows: since the log "
                                         "was keyed its sealed entries were removed, or the log rewritten"))
    elif result.legacy:
        result.notes.append(f"{_span(1, result.legacy)} date from before the log was keyed: they chain by SHA-256 alone, "
                            f"so nothing proves they were not altered before entry {result.legacy + 1} sealed them")
    if expect is not None and not expect_seen:
        found.append(("head", prev_id, _head_missing(expect, prev_id)))
    elif expect is not None:
        result.notes.append(f"the expected head {expect} is still in the chain")
    if unvouched is not None:
        first, key_ids = unvouched
        result.unchecked = (f"{_span(first, prev_id)}: sealed with key {', '.join(sorted(key_ids))}, which is not in the "
                            "key ring: restore the key file that holds it to verify them")
    result.problems = _lines(found)
    result.ok = not result.problems and result.unchecked is None
    return result


def _mac_keys() -> dict[str, bytes]:
    """The MAC key of every key in the key ring, by key id (never a new key file: one made now would seal nothing)."""
    ring = load_key_ring(create=False)
    return {key_id: ring.mac_key(key_id, MAC_PURPOSE) for key_id, _ in ring.keys}


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first}–{last}"


def _head_missing(expect: Head, last_id: int) -> str:
    if expect.id is None:
        return f"no entry has the expected head {expect}: the log's newest entries were cut off, or it was rewritten"
    if expect.id > last_id:
        return f"the expected head {expect} is gone: the log ends at entry {last_id}, its newest entries were cut off"
    return f"entry {expect.id} is not the expected head {expect}: the log was rewritten up to it"


def _lines(found: list[tuple[str, int, str]]) -> list[str]:
    """The problems as lines, a run of entries whose MACs fail in one line (an edit rehashed breaks all after it)."""
    lines: list[str] = []
    run: list[int] = []

    def end_run() -> None:
        if run:
            lines.append(f"{_span(run[0], run[-1])}: {'its MAC does' if len(run) == 1 else 'their MACs do'} not match "
                         "(forged, or edited with the hashes recomputed)")
            run.clear()

    for kind, entry_id, line in found:
        if kind == "mac" and (not run or entry_id == run[-1] + 1):
            run.append(entry_id)
            continue
        end_run()
        if kind == "mac":
            run.append(entry_id)
        else:
            lines.append(line)
    end_run()
    return lines


def latest(session: Session, limit: int = 50) -> list[AuditEntry]:
    """The newest entries, oldest of them first (like a tail)."""
    rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
    return rows[::-1]


def page(session: Session, *, before: int | None = None, actor: str | None = None, action: str | None = None,
         object_type: str | None = None, limit: int = 100) -> list[AuditEntry]:
    """Entries newest first, older than `before` (an id), optionally of one actor, action or kind of object:
    the admins' audit-log viewer."""
    query = select(AuditEntry).where(AuditEntry.id >= 1)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    for column, value in ((AuditEntry.actor, actor), (AuditEntry.action, action), (AuditEntry.object_type, object_type)):
        if value:
            query = query.where(column == value)
    return list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))
