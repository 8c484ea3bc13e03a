"""What an alert may say of each incident: what the public page shows, to owners who may see the incident.

Alerts leave the application (mail servers, feed readers, webhook receivers
hold them), so they never carry names, quotes or a day more exact than the
public's, whoever the owner is; an owner sees in an alert only incidents their
role may open, checked again each time an alert is built, so an incident
unpublished or rejected since it matched drops out of every later message.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from ..publish.redact import public_fields
from ..store import queries
from ..store.models import SavedSearch, User
from ..store.queries import IncidentQuery
from ..web.deps import Viewer
from ..web.filters import parse_filters
from ..web.views import heading, policy

MAX_LISTED = 50  # incidents one message lists; the rest are counted and linked


@dataclass(frozen=True)
class Item:
    incident_id: int
    kind: str  # new | verified
    heading: str
    review_state: str
    fields: dict  # public fields
    url: str


def owner_view(user: User) -> Viewer:
    """The owner as the web app would see them, so filters and visibility follow their role."""
    return Viewer(user=user, language=user.language or "en")


def query_of(search: SavedSearch) -> IncidentQuery:
    """The saved parameters parsed as the list page parses them for its owner (their role's limits apply)."""
    pairs = [(name, v) for name, value in (search.params or {}).items()
             for v in (value if isinstance(value, list) else [value])]
    query, _clean = parse_filters(QueryParams(pairs), owner_view(search.user))
    return query


def page_url(base_url: str, search: SavedSearch) -> str:
    return f"{base_url.rstrip('/')}/searches/{search.id}"


def items(session: Session, search: SavedSearch, events: list[dict], base_url: str) -> list[Item]:
    """The events' incidents as the owner may be told of them, in the events' order; those the owner
    may no longer see (rejected, merged away, unpublished for a role that sees published ones only) left out."""
    who = owner_view(search.user)
    kinds = {e["incident_id"]: e["kind"] for e in events}
    found = []
    for incident in queries.listed_incidents(session, list(kinds)):
        if incident.merged_into is not None or incident.review_state == "rejected":
            continue
        if who.visible_states is not None and incident.review_state not in who.visible_states:
            continue
        fields = public_fields(incident.fields, policy())
        found.append(Item(incident.id, kinds[incident.id], heading(fields, who.language) or f"#{incident.id}",
                          incident.review_state, fields, f"{base_url.rstrip('/')}/incidents/{incident.id}"))
    return found
