"""Saved searches and their alerts: the SQL behind naming a filter, watching it, and telling of new matches.

What counts as a match and what a message may say is decided above (alerts/);
this module keeps who was told of what, so that an incident is told of once as
new and once as verified, whatever the number of runs or channels.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from ..security.crypto import key_ring
from ..security.secrets import derived_token, new_token, token_digest
from .models import AlertBatch, AlertDelivery, AlertMatch, SavedSearch, User

SECRET_CONTEXT = "saved_search.secret"
EMAIL_CONTEXT = "saved_search.email"
WEBHOOK_CONTEXT = "saved_search.webhook_url"
FEED, UNSUBSCRIBE, WEBHOOK = "feed", "unsubscribe", "webhook"  # what each derived token is for
CHANNELS = ("email", "webhook")


def _seal(value: str | None, context: str) -> str | None:
    return key_ring().encrypt(value, context) if value else None


def _open(value: str | None, context: str) -> str | None:
    return key_ring().decrypt_text(value, context) if value else None


def _set_secret(search: SavedSearch) -> None:
    secret = new_token()
    search.secret_enc = key_ring().encrypt(secret, SECRET_CONTEXT)
    search.feed_key = token_digest(derived_token(secret, FEED))
    search.unsubscribe_key = token_digest(derived_token(secret, UNSUBSCRIBE))


def token(search: SavedSearch, purpose: str) -> str:
    """The search's token for a purpose (FEED, UNSUBSCRIBE, WEBHOOK), for its owner's eyes and its messages."""
    return derived_token(key_ring().decrypt_text(search.secret_enc, SECRET_CONTEXT), purpose)


def email_of(search: SavedSearch) -> str | None:
    return _open(search.email_enc, EMAIL_CONTEXT)


def webhook_url_of(search: SavedSearch) -> str | None:
    return _open(search.webhook_url_enc, WEBHOOK_CONTEXT)


def create(session: Session, user: User, name: str, params: dict) -> SavedSearch:
    search = SavedSearch(user_id=user.id, name=name, params=params, watched=False)
    _set_secret(search)
    session.add(search)
    session.flush()
    return search


def owned_by(session: Session, user_id: int) -> list[SavedSearch]:
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.name, SavedSearch.id)))


def owned(session: Session, user_id: int, search_id: int) -> SavedSearch | None:
    """The search if this user owns it; another's search is as absent as a missing one."""
    search = session.get(SavedSearch, search_id)
    return search if search is not None and search.user_id == user_id else None


def by_token(session: Session, purpose: str, presented: str) -> SavedSearch | None:
    column = {FEED: SavedSearch.feed_key, UNSUBSCRIBE: SavedSearch.unsubscribe_key}[purpose]
    return session.scalar(select(SavedSearch).options(joinedload(SavedSearch.user)).where(column == token_digest(presented)))


def remove(session: Session, search: SavedSearch) -> None:
    batches = select(AlertBatch.id).where(AlertBatch.saved_search_id == search.id)
    session.execute(delete(AlertDelivery).where(AlertDelivery.batch_id.in_(batches)))
    session.execute(delete(AlertBatch).where(AlertBatch.saved_search_id == search.id))
    session.execute(delete(AlertMatch).where(AlertMatch.saved_search_id == search.id))
    session.delete(search)


def renew_tokens(search: SavedSearch) -> None:
    """New feed address, unsubscribe link and webhook key; the old ones stop working at once."""
    _set_secret(search)


def set_channels(search: SavedSearch, *, email: str | None, webhook_url: str | None) -> None:
    search.email_enc = _seal(email, EMAIL_CONTEXT)
    search.webhook_url_enc = _seal(webhook_url, WEBHOOK_CONTEXT)


def start_watching(session: Session, search: SavedSearch, matches: list[tuple[int, str]], now: dt.datetime) -> None:
    """Watch from now: what matches already is marked as told, so the first message holds only news."""
    session.execute(delete(AlertMatch).where(AlertMatch.saved_search_id == search.id))
    session.add_all(AlertMatch(saved_search_id=search.id, incident_id=i, verified=state == "verified") for i, state in matches)
    search.watched, search.watched_since, search.checked_until = True, now, now


def stop_watching(search: SavedSearch) -> None:
    search.watched = False


def watched(session: Session) -> list[SavedSearch]:
    """Watched searches of enabled accounts, oldest first."""
    query = (select(SavedSearch).join(User, SavedSearch.user_id == User.id).options(joinedload(SavedSearch.user))
             .where(SavedSearch.watched.is_(True), User.disabled.is_(False)).order_by(SavedSearch.id))
    return list(session.scalars(query))


def news(session: Session, search: SavedSearch, matches: list[tuple[int, str]]) -> list[dict]:
    """Of these (id, state) matches, the ones not yet told: new to the search, or newly verified.
    Marks them told (in the caller's transaction)."""
    if not matches:
        return []
    told: dict[int, AlertMatch] = {}
    ids = [i for i, _s in matches]
    for start in range(0, len(ids), 500):
        rows = session.scalars(select(AlertMatch).where(AlertMatch.saved_search_id == search.id,
                                                        AlertMatch.incident_id.in_(ids[start:start + 500])))
        told.update((row.incident_id, row) for row in rows)
    events = []
    for incident_id, state in matches:
        verified = state == "verified"
        row = told.get(incident_id)
        if row is None:
            session.add(AlertMatch(saved_search_id=search.id, incident_id=incident_id, verified=verified))
            events.append({"incident_id": incident_id, "kind": "verified" if verified else "new"})
        elif verified and not row.verified:
            row.verified = True
            events.append({"incident_id": incident_id, "kind": "verified"})
    return events


def add_batch(session: Session, search: SavedSearch, events: list[dict], now: dt.datetime) -> AlertBatch:
    """A batch and one pending delivery for each channel the search has."""
    batch = AlertBatch(saved_search_id=search.id, created_at=now, events=events)
    session.add(batch)
    session.flush()
    channels = [c for c, on in (("email", search.email_enc), ("webhook", search.webhook_url_enc)) if on]
    session.add_all(AlertDelivery(batch_id=batch.id, channel=c, state="pending", attempts=0, next_attempt_at=now) for c in channels)
    return batch


def batches(session: Session, search: SavedSearch, limit: int = 50) -> list[AlertBatch]:
    return list(session.scalars(select(AlertBatch).where(AlertBatch.saved_search_id == search.id)
                                .order_by(AlertBatch.id.desc()).limit(limit)))


def due(session: Session, now: dt.datetime) -> list[int]:
    """The ids of pending deliveries whose time has come, oldest first."""
    query = (select(AlertDelivery.id).where(AlertDelivery.state == "pending", AlertDelivery.next_attempt_at <= now)
             .order_by(AlertDelivery.id))
    return list(session.scalars(query))


def deliveries(session: Session, search: SavedSearch, limit: int = 20) -> list[tuple[AlertDelivery, AlertBatch]]:
    query = (select(AlertDelivery, AlertBatch).join(AlertBatch, AlertDelivery.batch_id == AlertBatch.id)
             .where(AlertBatch.saved_search_id == search.id).order_by(AlertDelivery.id.desc()).limit(limit))
    return [tuple(row) for row in session.execute(query)]


def sent(delivery: AlertDelivery, now: dt.datetime) -> None:
    delivery.state, delivery.sent_at, delivery.last_error = "sent", now, None
    delivery.attempts += 1


def failed(delivery: AlertDelivery, error: str, now: dt.datetime, *, retry_in: dt.timedelta | None) -> None:
    """A failed attempt: tried again after `retry_in`, or given up (None)."""
    delivery.attempts += 1
    delivery.last_error = error[:500]
    if retry_in is None:
        delivery.state = "failed"
    else:
        delivery.next_attempt_at = now + retry_in
