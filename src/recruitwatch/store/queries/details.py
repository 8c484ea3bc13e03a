"""One record in full: an incident with its history and sources, a document with its reports, and
the documents list."""

from __future__ import annotations

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session, defer

from .. import repository as repo
from ..models import (
    Document,
    Incident,
    IncidentChange,
    Report,
)
from .feeds import _evidence, _iso
from .filters import _matching_ids
from .pages import _decode_cursor, _encode_cursor


def current_report(session: Session, document_id: int) -> Report | None:
    """The document's report by the current extractor (None for a document the screen kept out)."""
    return session.scalar(select(Report).where(Report.document_id == document_id, Report.current.is_(True)))


def incident_detail(session: Session, incident_id: int) -> dict | None:
    """The incident, its history (oldest first) and each linked document with its grade, link and evidence.

    {"incident": Incident, "history": [{"id", "at", "actor", "action", "reason", "summary", "detail"}],
     "documents": [{"id", "url", "locator", "title", "published", "language", "outlet", "grade", "grade_note", "credibility", "credibility_note",
                    "mention_id", "score", "reason", "comparisons" (link/incidents.MatchDecision.as_dict, or None),
                    "evidence": [{"field", "value", "start", "end", "quote",
                    "document_id", "outlet"}]}]}
    A merged-away incident is returned too (its merged_into says where it went).
    """
    from ..review import document_credibility, outlet_grades, outlet_of

    incident = session.get(Incident, incident_id)
    if incident is None:
        return None
    pairs = repo.incident_documents(session, [incident.id])[incident.id]
    outlets = {document.id: outlet_of(document.url, document.locator) for document, _m in pairs}
    grades = outlet_grades(session, outlets.values())
    credibility = document_credibility(session, outlets)
    documents = []
    for document, mention in pairs:
        outlet = outlets[document.id]
        grade = grades.get(outlet)
        evidence = [{**e, "document_id": document.id, "outlet": outlet} for e in _evidence(mention.record)]
        documents.append({
            "id": document.id, "url": document.url, "locator": document.locator, "title": document.title,
            "published": document.published, "language": document.language, "outlet": outlet,
            "grade": grade.grade if grade else None, "grade_note": grade.note if grade else None,
            "credibility": credibility[document.id].credibility if document.id in credibility else None,
            "credibility_note": credibility[document.id].note if document.id in credibility else None,
            "mention_id": mention.id, "score": mention.link_score, "reason": mention.link_reason, "evidence": evidence,
            "comparisons": mention.comparisons,
        })
    changes = session.scalars(select(IncidentChange).where(IncidentChange.incident_id == incident.id).order_by(IncidentChange.id))
    return {"incident": incident, "history": [_history_entry(c) for c in changes], "documents": documents}


def _history_entry(change: IncidentChange) -> dict:
    detail = change.detail or {}
    return {
        "id": change.id, "at": _iso(change.at), "actor": change.actor, "action": change.action,
        "reason": detail.get("reason") or None, "summary": change_summary(change.action, detail), "detail": detail,
    }


def change_summary(action: str, detail: dict) -> str:
    """One line saying what a history entry changed, for people reading the history."""
    parts = []
    if detail.get("merged_into"):
        parts.append(f"merged into #{detail['merged_into']}")
    if detail.get("merged_from"):
        parts.append(f"#{detail['merged_from']} merged into this one")
    if detail.get("split_from"):
        parts.append(f"split off from #{detail['split_from']}")
    if detail.get("split_into"):
        parts.append(f"sources moved to #{detail['split_into']}")
    if action == "kept apart" and detail.get("other"):
        parts.append(f"kept apart from #{detail['other']} (possible duplicate {detail.get('possible_duplicate')})")
    state = detail.get("review_state")
    if isinstance(state, dict):
        parts.append(f"{state.get('before')} → {state.get('after')}")
    if action == "linked" and detail.get("report_id"):
        parts.append(f"report {detail['report_id']} linked: {detail.get('why', '')}".rstrip(": "))
    if action == "unlinked" and detail.get("report_id"):
        parts.append(f"report {detail['report_id']} unlinked: {detail.get('why', '')}".rstrip(": "))
    if action == "linked" and detail.get("case_id"):
        parts.append(f"case #{detail['case_id']} linked; suggested: {', '.join(detail.get('suggested') or ()) or 'nothing'}")
    if detail.get("suggestion_id"):
        parts.append(f"suggestion {detail['suggestion_id']} from case #{detail.get('case_id')} for {detail.get('field')}")
    changed = detail.get("changed") or {}
    if changed:
        parts.append("changed " + ", ".join(sorted(changed)))
    return "; ".join(parts)


def get_document(session: Session, document_id: int) -> Document | None:
    return session.get(Document, document_id)


def document_detail(session: Session, document_id: int) -> dict | None:
    """A document with the incidents its current report is linked to and every evidence span in it.

    {"document": Document, "outlet", "incident_ids": [...], "evidence": [{"field", "value", "start", "end",
     "quote", "position", "incident_id"}]} — offsets point into document.text.
    """
    from ..review import outlet_of

    document = session.get(Document, document_id)
    if document is None:
        return None
    report = current_report(session, document.id)
    linked: dict[int, int] = {}
    evidence: list[dict] = []
    if report is not None:
        mentions = {m.position: m for m in report.mentions}
        linked = {position: m.incident_id for position, m in mentions.items()}
        incidents = report.record.get("incidents") or []
        entered = sorted((p for p in mentions if p < 0), reverse=True)  # analysts' entries: -1, -2, ...
        for position in [*range(len(incidents)), *entered]:
            found = mentions[position].record if position in mentions else incidents[position]
            evidence.extend({**e, "position": position, "incident_id": linked.get(position)} for e in _evidence(found))
    return {
        "document": document, "outlet": outlet_of(document.url, document.locator),
        "incident_ids": sorted(set(linked.values())), "evidence": evidence,
    }


_LIGHT = (defer(Document.raw), defer(Document.text), defer(Document.search_text), defer(Document.minhash))


def document_page(session: Session, q_text: str | None, limit: int = 50, after: str | None = None) -> tuple[list[Document], str | None]:
    """Documents newest first (by id), optionally those matching a full-text query, with a keyset cursor.

    Texts and raw bytes are not loaded until asked for.
    """
    query = select(Document).options(*_LIGHT)
    if q_text and q_text.strip():
        hits = _matching_ids(session, "documents", q_text, ranked=False)
        if hits is None:
            return [], None
        query = query.where(Document.id.in_(select(hits.subquery().c.id)))
    if after:
        (last_id,) = _decode_cursor(after, "documents", [int])
        query = query.where(Document.id < last_id)
    limit = max(1, limit)
    rows = list(session.scalars(query.order_by(Document.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_encode_cursor("documents", [rows[-1].id]) if more else None)
