"""What of an incident a viewer may see: staff see everything; the public sees no names.

Every public field of an incident (pages, API, exports) goes through these
functions, which apply publish.redact's one policy; the incident's names are
read before they are dropped, so titles and addresses can be cleaned of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy.orm import Session

from ..publish.redact import Policy, public_fields, public_source, suppress
from ..store import audit
from ..store.models import Incident
from ..vocab import INCIDENT_FIELDS
from .deps import Viewer
from .i18n import label


@cache
def policy() -> Policy:
    return Policy.from_environment()


def visible_fields(fields: dict, who: Viewer) -> dict:
    """Staff see the record; everyone else sees it without names and with a coarser date."""
    if who.sees_personal_data:
        return dict(fields)
    return public_fields(fields, policy())


def visible_source(source: dict, names: list[str], who: Viewer) -> dict:
    """One source of an incident; for the public without paths, names, notes or the exact day."""
    return source if who.sees_personal_data else public_source(source, names, policy())


def visible_record(row: dict, who: Viewer) -> dict:
    """An export row (store.queries.export_rows) as the viewer may see it, sources included."""
    if who.sees_personal_data:
        return row
    names = row["fields"].get("victim_names") or []
    fields = visible_fields(row["fields"], who)
    return {**row, "fields": fields, "date_precision": precision_of(fields.get("date")),
            "documents": [visible_source(d, names, who) for d in row.get("documents", [])]}


def visible_total(count: int, who: Viewer) -> int | None:
    """A count of incidents; for the public None when it is small enough to point at a person."""
    return count if who.sees_personal_data else suppress(count, policy())


def visible_counts(pairs: list[tuple[str, int]], who: Viewer) -> list[tuple[str, int | None]]:
    """Facet counts; for the public, counts small enough to point at a person become None ("fewer than N")."""
    if who.sees_personal_data:
        return pairs
    return [(value, suppress(count, policy())) for value, count in pairs]


def precision_of(date: str | None) -> str | None:
    return {10: "day", 7: "month", 4: "year"}.get(len(date or ""))


def heading(fields: dict, lang: str) -> str:
    """'Uzbekistan · Migrant worker · Moscow': who and where, in the viewer's language."""
    status = fields.get("victim_status")
    parts = [
        ", ".join(label("victim_nationalities", c, lang) for c in fields.get("victim_nationalities") or ()),
        label("victim_status", status, lang) if status not in (None, "unknown") else "",
        ", ".join(label("location_regions", r, lang) for r in fields.get("location_regions") or ())
        or (label("location_country", fields["location_country"], lang) if fields.get("location_country") else ""),
    ]
    if not any(parts):  # never a bare number: what happened, at least ("#67 · Signed a contract")
        parts = [label(kind, values[0], lang) for kind in ("methods", "outcomes", "perpetrators")
                 if (values := fields.get(kind) or [])]
    return " · ".join(p for p in parts if p)


def incident_view(incident: Incident, who: Viewer) -> dict:
    visible = visible_fields(incident.fields, who)
    return {
        "heading": heading(visible, who.language),
        "id": incident.id,
        "fields": visible,
        "review_state": incident.review_state,
        "reviewed_fields": list(incident.reviewed_fields or ()),
        "date": visible.get("date"),
        "date_precision": precision_of(visible.get("date")),
        "place_precision": incident.place_precision,
        "first_seen": incident.first_seen,
        "updated_at": incident.updated_at,
        "merged_into": incident.merged_into,
    }


def marked_spans(spans) -> dict[tuple[int, int], int]:
    """Where each (start, end) evidence span is marked in its document's text: spans are marked in
    order and one inside (or across) an earlier mark shares that mark, so its link goes there."""
    anchors: dict[tuple[int, int], int] = {}
    at, last = 0, None
    for start, end in sorted(set(spans)):
        if last is not None and start < at:
            anchors[(start, end)] = last
            continue
        anchors[(start, end)] = last = start
        at = end
    return anchors


def evidence_by_value(documents: list[dict], fields: dict) -> dict[str, list[dict]]:
    """Per field, each current value with the quotes that support it, once each (the same sentence
    from two reports of one document, or twice in one, counts once), each quote linked to its mark
    in the document. Quotes for a value no longer in the field (an analyst corrected it) are left
    out: they support nothing shown. [{"value", "quotes": [entry + "anchor"]}] in the field's order."""
    anchors = {d["id"]: marked_spans((e["start"], e["end"]) for e in d["evidence"]) for d in documents}
    grouped: dict[str, dict[str, list[dict]]] = {}
    seen: set[tuple] = set()
    for document in documents:
        for entry in document["evidence"]:
            value = entry.get("value")
            key = (entry["field"], str(value), entry.get("document_id"), " ".join(str(entry.get("quote") or "").split()))
            if key in seen:
                continue
            seen.add(key)
            anchor = anchors[document["id"]].get((entry["start"], entry["end"]), entry["start"])
            grouped.setdefault(entry["field"], {}).setdefault(str(value), []).append({**entry, "anchor": anchor})
    out: dict[str, list[dict]] = {}
    for field, by_value in grouped.items():
        current = fields.get(field)
        values = [str(v) for v in current] if isinstance(current, list) else [str(current)] if current is not None else []
        out[field] = [{"value": v, "quotes": by_value[v]} for v in values if v in by_value]
    return out


def conflicting_fields(a: dict, b: dict) -> set[str]:
    """Contract fields where both records say something and share nothing (a gap on one side is
    no conflict, nor is one region more on one side): what an analyst must look at before merging."""
    empty = (None, "", "unknown", [])
    found = set()
    for field in INCIDENT_FIELDS:
        x, y = a.get(field), b.get(field)
        if x in empty or y in empty:
            continue
        if (not set(x) & set(y)) if isinstance(x, list) else x != y:
            found.add(field)
    return found


def audit_read(session: Session, who: Viewer, *, object_type: str, ids: Iterable[int], via: str) -> None:
    """One audit entry for a staff request that returned personal data (names, document texts):
    which records, and through what (a list page, the API, a search). Nothing for the public."""
    ids = sorted(set(ids))
    if not who.sees_personal_data or not ids:
        return
    audit.record(session, actor=who.user.username, action=audit.READ, object_type=object_type,
                 detail={"via": via, "ids": ids})
    session.commit()


def named_ids(incidents: Iterable) -> list[int]:
    """The incidents whose records carry victims' names (what makes reading them personal data)."""
    return [i.id for i in incidents if i.victim_names_enc]
