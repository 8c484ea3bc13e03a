"""Which columns hold encrypted personal data, and re-encrypting them all under the current key.

Rotation: `security.crypto.add_current_key` puts a new key first in the key
file; `rotate` then re-seals every value still under an older key, batch by
batch (each batch committed, so an interrupted run resumes where it stopped),
and rebuilds the blind-index keys of victims' names, which depend on the
current key. Only after it finishes may the old keys leave the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..security.crypto import key_ring
from . import repository as repo
from .models import NAMES_CONTEXT, Case, CaseEvent, CaseFile, Incident, User


@dataclass(frozen=True)
class EncryptedColumn:
    model: type
    attribute: str
    context: str


ENCRYPTED_COLUMNS = (
    EncryptedColumn(Incident, "victim_names_enc", NAMES_CONTEXT),
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
    counts["incidents.names_indexed"] = _reindex_names(sessions)
    return counts


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
