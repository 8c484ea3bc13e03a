"""Which columns hold encrypted personal data, whether the key ring opens them, and re-encrypting them.

Opening a store: `check_key_ring` makes the key file only for a store that
holds nothing sealed yet, and stops with what to do when the store holds
sealed values (or an audit log keyed with the ring) and the key file is
missing or lacks their key.

Rotation: `security.crypto.add_current_key` puts a new key first in the key
file; `rotate` then re-seals every value still under an older key, batch by
batch (each batch committed, so an interrupted run resumes where it stopped),
and rebuilds the blind-index keys of victims' and candidate victims' names,
which depend on the current key. Only after it finishes may the old keys leave the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from ..security.crypto import (
    PREFIX,
    KeyRing,
    KeyRingError,
    key_file_path,
    key_origin,
    key_ring,
    load_key_ring,
)
from . import repository as repo
from .models import (
    CANDIDATE_CONTEXT,
    NAMES_CONTEXT,
    AuditEntry,
    CandidateVictim,
    Case,
    CaseEvent,
    CaseFile,
    Incident,
    User,
)


@dataclass(frozen=True)
class EncryptedColumn:
    model: type
    attribute: str
    context: str


ENCRYPTED_COLUMNS = (
    EncryptedColumn(Incident, "victim_names_enc", NAMES_CONTEXT),
    EncryptedColumn(CandidateVictim, "name_enc", CANDIDATE_CONTEXT),
    EncryptedColumn(User, "totp_secret_enc", "user.totp"),
    EncryptedColumn(Case, "name_enc", "case.name"),
    EncryptedColumn(Case, "contact_enc", "case.contact"),
    EncryptedColumn(Case, "story_enc", "case.story"),
    EncryptedColumn(Case, "referral_to_enc", "case.referral_to"),
    EncryptedColumn(CaseEvent, "text_enc", "case_event.text"),
    EncryptedColumn(CaseFile, "filename_enc", "case_file.name"),
    EncryptedColumn(CaseFile, "content_enc", "case_file.content"),
)
BATCH = 200
KEY_ID_HEAD = 100  # characters of a sealed value read to learn its key id
# What the start-up check reads: the encrypted columns, and the key ids of the audit log's MACs.
_MODEL_COLUMNS = {f"{c.model.__tablename__}.{c.attribute}" for c in ENCRYPTED_COLUMNS} | {"audit_log.key_id"}


def sealed_key_ids(session: Session, *, older_schema: bool = False) -> dict[str, set[str]]:
    """What the store holds under which keys: per encrypted column that holds values, the key ids
    of its oldest and newest value; for the audit log, the key of its newest entry's MAC (which
    vouches for every entry before it, so older entries may be under keys since dropped).

    Two LIMIT 1 queries per column along its primary key, reading only each value's head: a
    sample cheap enough for every start, not a proof that every value opens. With `older_schema`
    (a store not migrated yet) the columns it lacks are skipped.
    """
    present = _present_columns(session) if older_schema else _MODEL_COLUMNS
    found: dict[str, set[str]] = {}
    for column in ENCRYPTED_COLUMNS:
        name = f"{column.model.__tablename__}.{column.attribute}"
        if name not in present:
            continue
        attribute = getattr(column.model, column.attribute)
        ids = set()
        for order in (column.model.id.asc(), column.model.id.desc()):
            head = session.scalar(
                select(func.substr(attribute, 1, KEY_ID_HEAD)).where(attribute.is_not(None)).order_by(order).limit(1)
            )
            prefix, _, rest = _as_token(head or "").partition(":")
            if prefix == PREFIX and ":" in rest:
                ids.add(rest.split(":", 1)[0])
        if ids:
            found[name] = ids
    if "audit_log.key_id" in present:
        newest = session.scalar(
            select(AuditEntry.key_id).where(AuditEntry.key_id.is_not(None)).order_by(AuditEntry.id.desc()).limit(1)
        )
        if newest:
            found["audit_log.mac"] = {newest}
    return found


def _present_columns(session: Session) -> set[str]:
    """Those of the columns sealed_key_ids reads that the database has (asked of it: ~10 ms on PostgreSQL)."""
    inspector = inspect(session.connection())
    tables = {name.split(".")[0] for name in _MODEL_COLUMNS}
    have = {f"{table}.{c['name']}" for table in tables if inspector.has_table(table) for c in inspector.get_columns(table)}
    return _MODEL_COLUMNS & have


def check_key_ring(session: Session, *, older_schema: bool = False) -> KeyRing:
    """The key ring, checked against the store before anything is done with it.

    A store with nothing sealed yet (a fresh install) gets a new key file if it has none.
    A store with sealed values (or a keyed audit log) needs the key ring that sealed them:
    a missing key file, or one without their key, stops here with what to do. (A new key
    would leave the stored data unreadable and seal new data under a key not backed up.)
    """
    sealed = sealed_key_ids(session, older_schema=older_schema)
    if not sealed:
        load_key_ring(create=True)
        return key_ring()
    columns = ", ".join(sorted(sealed))
    try:
        ring = key_ring()
    except KeyRingError as exc:
        if key_origin() != "RECRUITWATCH_KEY" and not key_file_path().exists():
            raise KeyRingError(
                f"the store holds data sealed with its key ({columns}) but there is no key file at {key_file_path()}: "
                "restore the key file from your backup to that place, or set RECRUITWATCH_KEY_FILE to where it is. "
                "No new key was made: a new key would not open what the store holds"
            ) from None
        raise KeyRingError(f"the store holds data sealed with its key ({columns}) but the keys cannot be read: {exc}") from None
    missing = sorted({key_id for ids in sealed.values() for key_id in ids if not ring.has(key_id)})
    if missing:
        where = ", ".join(sorted(name for name, ids in sealed.items() if ids & set(missing)))
        raise KeyRingError(
            f"the key ring in {key_origin()} lacks key {', '.join(missing)}, which sealed stored {where}: "
            "it is not the key file that encrypted this store. Restore that key file from your backup "
            "(a key file holds one key per line, the current first: keep every key the store still uses)"
        )
    return ring


def _as_token(value: str | bytes) -> str:
    return value.decode("ascii") if isinstance(value, bytes | bytearray) else value


def rotate(sessions: Callable[[], Session]) -> dict[str, int]:
    """Re-encrypt every value not under the current key; returns how many values per column."""
    ring = key_ring()
    counts: dict[str, int] = {}
    for column in ENCRYPTED_COLUMNS:
        name = f"{column.model.__tablename__}.{column.attribute}"
        attribute = getattr(column.model, column.attribute)
        counts[name] = 0
        last_id = 0
        while True:
            with sessions() as session, session.begin():
                rows = list(session.scalars(
                    select(column.model).where(attribute.is_not(None), column.model.id > last_id)
                    .order_by(column.model.id).limit(BATCH)
                ))
                if not rows:
                    break
                for row in rows:
                    stored = getattr(row, column.attribute)
                    token = _as_token(stored)
                    if ring.needs_rotation(token):
                        plain = ring.decrypt(token, column.context)
                        sealed = ring.encrypt(plain, column.context)
                        setattr(row, column.attribute, sealed.encode("ascii") if isinstance(stored, bytes | bytearray) else sealed)
                        counts[name] += 1
                last_id = rows[-1].id
    counts.update(reindex_names(sessions))
    return counts


def reindex_names(sessions: Callable[[], Session]) -> dict[str, int]:
    """Names' blind-index keys made again under the current key: after a rotation, or an upgrade that
    changes how names are keyed (link/identity.pair_keys)."""
    return {"incidents.names_indexed": _reindex_names(sessions), "candidate_victims.reindexed": _reindex_candidates(sessions)}


def _reindex_candidates(sessions: Callable[[], Session]) -> int:
    """Candidate victims' blocking keys under the current key (a report's rows made again from its name)."""
    done, last_report = 0, 0
    while True:
        with sessions() as session, session.begin():
            report_ids = list(session.scalars(
                select(CandidateVictim.report_id).where(CandidateVictim.report_id > last_report)
                .group_by(CandidateVictim.report_id).order_by(CandidateVictim.report_id).limit(BATCH)
            ))
            if not report_ids:
                return done
            for report_id in report_ids:
                repo.rekey_candidate_victim(session, report_id)
                done += 1
            last_report = report_ids[-1]


def _reindex_names(sessions: Callable[[], Session]) -> int:
    """Names' blind-index keys under the current key; names still in clear (older databases) get encrypted."""
    done, last_id = 0, 0
    while True:
        with sessions() as session, session.begin():
            rows = list(session.scalars(select(Incident).where(Incident.id > last_id).order_by(Incident.id).limit(BATCH)))
            if not rows:
                return done
            for incident in rows:
                if incident.victim_names_enc or (incident.stored_fields or {}).get("victim_names"):
                    incident.fields = incident.fields  # seals names left in clear by older versions
                    repo.reindex_values(session, incident)
                    done += 1
            last_id = rows[-1].id
