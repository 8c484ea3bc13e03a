"""What of an incident a viewer may see: staff see everything; the public sees no names."""

from __future__ import annotations

from ..store.models import Incident
from .deps import Viewer

PERSONAL_FIELDS = ("victim_names",)


def visible_fields(fields: dict, who: Viewer) -> dict:
    if who.sees_personal_data:
        return dict(fields)
    return {k: ([] if k in PERSONAL_FIELDS else v) for k, v in fields.items()}


def incident_view(incident: Incident, who: Viewer) -> dict:
    return {
        "id": incident.id,
        "fields": visible_fields(incident.fields, who),
        "review_state": incident.review_state,
        "reviewed_fields": list(incident.reviewed_fields or ()),
        "date": incident.date,
        "date_precision": incident.date_precision,
        "place_precision": incident.place_precision,
        "first_seen": incident.first_seen,
        "updated_at": incident.updated_at,
        "merged_into": incident.merged_into,
    }
