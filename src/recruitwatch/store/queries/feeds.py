"""What leaves the store in bulk: the changes feed for mirrors and the rows of an export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from ..models import (
    Document,
    IncidentChange,
    Mention,
    Report,
)
from .filters import IncidentQuery
from .pages import incident_page

# -- the changes feed

FEED_KINDS = ("created", "edited", "merged", "deleted", "restored")
_ACTION_KINDS = {"created": "created", "rejected": "deleted", "reopened": "restored"}


def _iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite gives back naive datetimes, which the store writes in UTC)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def feed_kind(action: str, detail: dict) -> str:
    """What a mirror must do for one history entry: created, edited, merged, deleted or restored."""
    if action == "merged" and detail.get("merged_into"):
        return "merged"  # the merged-away incident; the one kept gets "edited"
    if action == "confirmed" and (detail.get("review_state") or {}).get("before") == "rejected":
        return "restored"
    return _ACTION_KINDS.get(action, "edited")


def changes_since(session: Session, since: int, limit: int = 500) -> list[dict]:
    """History entries after change id `since` (exclusive), oldest first, as mirrors need them.

    Each is {"id", "incident_id", "kind", "at", "merged_into"}; pass the last id as the next `since`.
    """
    rows = session.execute(
        select(IncidentChange.id, IncidentChange.incident_id, IncidentChange.action, IncidentChange.at, IncidentChange.detail)
        .where(IncidentChange.id > since)
        .order_by(IncidentChange.id)
        .limit(max(1, limit))
    )
    out = []
    for change_id, incident_id, action, at, detail in rows:
        detail = detail or {}
        kind = feed_kind(action, detail)
        merged_into = detail.get("merged_into") if kind == "merged" else None
        out.append({"id": change_id, "incident_id": incident_id, "kind": kind, "at": _iso(at), "merged_into": merged_into})
    return out


# -- exports

EXPORT_BATCH = 500


def export_rows(session: Session, q: IncidentQuery) -> Iterator[dict]:
    """Every incident matching q (no limit; q's sort), read in batches of 500, each with its documents.

    Rows are JSON-ready: times and dates as ISO strings.
    """
    page = replace(q, limit=EXPORT_BATCH, offset=0, after=None)
    while True:
        rows, cursor = incident_page(session, page)
        documents = _document_summaries(session, [i.id for i in rows])
        for incident in rows:
            yield {
                "id": incident.id,
                "fields": dict(incident.fields),
                "review_state": incident.review_state,
                "date_precision": incident.date_precision,
                "place_precision": incident.place_precision,
                "first_seen": _iso(incident.first_seen),
                "updated_at": _iso(incident.updated_at),
                "documents": documents.get(incident.id, []),
            }
        if cursor is None:
            return
        page = replace(page, after=cursor)


def _document_summaries(session: Session, incident_ids: list[int]) -> dict[int, list[dict]]:
    """For each incident, its documents (current reports, oldest first) without their texts."""
    from ..review import outlet_of

    if not incident_ids:
        return {}
    rows = session.execute(
        select(Mention.incident_id, Document.id, Document.url, Document.locator, Document.title, Document.published,
               Document.language)
        .join(Report, Mention.report_id == Report.id)
        .join(Document, Report.document_id == Document.id)
        .where(Mention.incident_id.in_(incident_ids), Report.current.is_(True))
        .order_by(Document.published, Document.id)
    )
    out: dict[int, list[dict]] = {}
    seen: set[tuple[int, int]] = set()
    for incident_id, document_id, url, locator, title, published, language in rows:
        if (incident_id, document_id) in seen:  # one text reporting it twice (after a merge)
            continue
        seen.add((incident_id, document_id))
        out.setdefault(incident_id, []).append({
            "url": url, "locator": locator, "title": title, "published": published.isoformat() if published else None,
            "language": language, "outlet": outlet_of(url, locator),
        })
    return out


# -- one incident, one document

EVIDENCE_KEYS = ("field", "value", "start", "end", "quote")


def _evidence(found: dict | None) -> list[dict]:
    """The evidence entries of what a document says of an incident (quotes are text[start:end])."""
    return [{k: e.get(k) for k in EVIDENCE_KEYS} for e in (found or {}).get("evidence") or []]


