"""A round of alerts: check every watched search for news, then send what is due.

Each search and each delivery is its own transaction: one broken search, a
refused mail or a dead webhook receiver never holds up the others. A failed
delivery is tried again after 1, 2, 4 … minutes (at most six hours apart) and
given up after MAX_ATTEMPTS; every sending, failed or not, is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from ..settings import base_url
from ..store import audit, queries
from ..store import saved_searches as saved
from ..store.models import AlertBatch, AlertDelivery, SavedSearch, utcnow
from . import channels, items, messages

logger = logging.getLogger(__name__)

ACTOR = "alerts"
OVERLAP = dt.timedelta(minutes=5)  # a change committed late with an earlier time is still seen; told-once keeps it single
RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_LONGEST = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8
def retry_after(attempts: int) -> dt.timedelta | None:
    """The wait after the `attempts`-th failure, doubling each time; None: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_LONGEST)


@dataclass
class RoundReport:
    searches: int = 0
    batches: int = 0
    sent: int = 0
    failed: int = 0  # attempts that failed (retried later or given up)
    problems: list[str] = field(default_factory=list)


def check(make_session: sessionmaker[Session], now: dt.datetime, report: RoundReport) -> None:
    """For each watched search, what newly matches (or was newly verified) since its last check, as one batch."""
    with make_session() as session:
        ids = [s.id for s in saved.watched(session)]
    for search_id in ids:
        report.searches += 1
        with make_session() as session:
            try:
                search = session.get(SavedSearch, search_id)
                matches = queries.matching_states(session, items.query_of(search),
                                                  changed_since=(search.checked_until or now) - OVERLAP)
                events = saved.news(session, search, matches)
                if events:
                    batch = saved.add_batch(session, search, events, now)
                    audit.record(session, actor=ACTOR, action=audit.ALERT, object_type="saved_search", object_id=search.id,
                                 detail={"batch": batch.id, "incidents": [e["incident_id"] for e in events]})
                    report.batches += 1
                search.checked_until = now
                session.commit()
            except Exception as exc:  # one broken search must not stop the others
                session.rollback()
                logger.exception("saved search %s could not be checked", search_id)
                report.problems.append(f"saved search {search_id}: {type(exc).__name__}: {exc}")


def batch_message(session: Session, search: SavedSearch, batch: AlertBatch, base: str) -> messages.Batch:
    return messages.Batch(
        batch_id=batch.id, search_id=search.id, search_name=search.name, created_at=batch.created_at,
        items=items.items(session, search, batch.events, base), search_url=items.page_url(base, search),
        unsubscribe_url=f"{base}/alerts/unsubscribe/{saved.token(search, saved.UNSUBSCRIBE)}",
    )


def _send(delivery: AlertDelivery, message: messages.Batch, search: SavedSearch, *, smtp: channels.SmtpSettings | None,
          allow_private: bool) -> None:
    if delivery.channel == "email":
        if smtp is None:
            raise channels.DeliveryError("no SMTP server is configured (RECRUITWATCH_SMTP_HOST)")
        lang = search.user.language or "en"
        channels.send_email(smtp, messages.email(message, lang, sender=smtp.sender, to=saved.email_of(search)))
    elif delivery.channel == "webhook":
        channels.post_webhook(saved.webhook_url_of(search), saved.token(search, saved.WEBHOOK),
                              messages.webhook_body(message), delivery.id, allow_private=allow_private)
    else:
        raise channels.DeliveryError(f"unknown channel {delivery.channel!r}")


def deliver(make_session: sessionmaker[Session], now: dt.datetime, report: RoundReport, *, base: str,
            smtp: channels.SmtpSettings | None, allow_private: bool = False) -> None:
    """Send every pending delivery whose time has come."""
    with make_session() as session:
        due = saved.due(session, now)
    for delivery_id in due:
        with make_session() as session:
            delivery = session.get(AlertDelivery, delivery_id)
            batch = session.get(AlertBatch, delivery.batch_id)
            search = session.get(SavedSearch, batch.saved_search_id)
            detail = {"batch": batch.id, "delivery": delivery.id, "channel": delivery.channel}
            try:
                if not search.watched or search.user.disabled:
                    delivery.state, delivery.last_error = "dropped", "no longer watched"
                    session.commit()
                    continue
                message = batch_message(session, search, batch, base)
                if not message.items:
                    delivery.state, delivery.last_error = "dropped", "nothing in it the owner may still see"
                    session.commit()
                    continue
                _send(delivery, message, search, smtp=smtp, allow_private=allow_private)
                saved.sent(delivery, now)
                audit.record(session, actor=ACTOR, action=audit.ALERT_SENT, object_type="saved_search", object_id=search.id,
                             detail={**detail, "incidents": [i.incident_id for i in message.items]})
                report.sent += 1
            except Exception as exc:  # a refusal, or a bug: this delivery waits and retries, the others go on
                if not isinstance(exc, channels.DeliveryError):
                    session.rollback()
                    logger.exception("alert delivery %s failed unexpectedly", delivery_id)
                    delivery = session.get(AlertDelivery, delivery_id)
                    exc = channels.DeliveryError(f"{type(exc).__name__} (see the sender's log)")
                wait = retry_after(delivery.attempts + 1)
                saved.failed(delivery, str(exc), now, retry_in=wait)
                audit.record(session, actor=ACTOR, action=audit.ALERT_FAILED, object_type="saved_search", object_id=search.id,
                             detail={**detail, "attempt": delivery.attempts, "given_up": wait is None})
                logger.warning("alert delivery %s (%s) failed: %s", delivery.id, delivery.channel, exc)
                report.failed += 1
            session.commit()


def run_round(make_session: sessionmaker[Session], *, base: str | None = None, smtp: channels.SmtpSettings | None = None,
              allow_private: bool = False, now: dt.datetime | None = None) -> RoundReport:
    now = now or utcnow()
    report = RoundReport()
    check(make_session, now, report)
    deliver(make_session, now, report, base=base or base_url(), smtp=smtp, allow_private=allow_private)
    return report


def run(make_session: sessionmaker[Session], *, interval: float, once: bool, allow_private: bool = False,
        on_round: Callable[[RoundReport], None] | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
    """Rounds every `interval` seconds until stopped (or one round with `once`)."""
    smtp = channels.SmtpSettings.from_environment()
    while True:
        started = time.monotonic()
        try:
            report = run_round(make_session, smtp=smtp, allow_private=allow_private)
        except Exception as exc:  # the store down a moment, say: the sender keeps going
            logger.exception("alert round failed")
            report = RoundReport(problems=[f"round failed: {type(exc).__name__}"])
        if on_round:
            on_round(report)
        if once:
            return
        sleep(max(0.0, interval - (time.monotonic() - started)))  # rounds start every `interval`, however long one took
