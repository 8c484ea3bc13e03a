"""What of an incident a viewer may see: staff see everything; the public sees no names."""

from __future__ import annotations

from functools import cache

from ..publish.redact import Policy, public_fields, redact_text, suppress
from ..store.models import Incident
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


def visible_title(title: str | None, names: list[str], who: Viewer) -> str | None:
    return title if who.sees_personal_data else redact_text(title, names)


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
        ", ".join(label("location_regions", r, lang) for r in fields.get("location_regions") or ()),
    ]
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
