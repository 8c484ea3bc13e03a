"""The one input shape of the publish package: an incident as the store hands it over.

The web layer builds these from the database; everything in `publish` reads
only this, so exports, statistics and maps never touch a session.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..vocab import INCIDENT_FIELDS

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PRECISION_BY_LENGTH = {10: "day", 7: "month", 4: "year"}


@dataclass(frozen=True)
class DocumentRef:
    """A report an incident was found in: enough to cite it, nothing of its text."""

    url: str | None
    locator: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD, or coarser (YYYY-MM, YYYY) in what the public receives
    language: str | None = None
    outlet: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentRef:
        return cls(
            url=data.get("url") or None,
            locator=str(data.get("locator") or data.get("url") or ""),
            title=data.get("title") or None,
            published=_as_date_text(data.get("published")),
            language=data.get("language") or None,
            outlet=data.get("outlet") or None,
        )


@dataclass(frozen=True)
class IncidentRow:
    """An incident with its contract fields, review state, precisions and sources.

    `fields` holds the extraction contract's incident fields (docs in
    shared/spec/extraction.md); treat it as read-only.
    """

    id: int
    fields: Mapping[str, Any]
    review_state: str = "machine"
    date_precision: str | None = None
    place_precision: str | None = None
    first_seen: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    documents: tuple[DocumentRef, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IncidentRow:
        """Build from plain data (a JSON object, a dict made from a database row).

        Dates and datetimes may be objects or ISO strings; documents may be
        DocumentRef objects or dicts.
        """
        documents = tuple(
            d if isinstance(d, DocumentRef) else DocumentRef.from_dict(d)
            for d in data.get("documents") or ()
        )
        return cls(
            id=int(data["id"]),
            fields=dict(data.get("fields") or {}),
            review_state=str(data.get("review_state") or "machine"),
            date_precision=data.get("date_precision") or None,
            place_precision=data.get("place_precision") or None,
            first_seen=_as_datetime(data.get("first_seen")),
            updated_at=_as_datetime(data.get("updated_at")),
            documents=documents,
        )

    def values(self, name: str) -> list:
        """A list field's values (an empty list when absent), never None."""
        return list(self.fields.get(name) or ())

    def value(self, name: str) -> Any:
        """A scalar field's value, None when absent."""
        return self.fields.get(name)

    @property
    def date(self) -> str | None:
        """The incident date when it is well-formed (YYYY, YYYY-MM or YYYY-MM-DD), else None."""
        date = self.fields.get("date")
        return date if isinstance(date, str) and DATE_RE.match(date) else None

    @property
    def time_precision(self) -> str | None:
        """day | month | year: the stored precision, else what the date's form says."""
        if self.date is None:
            return None
        return self.date_precision or _PRECISION_BY_LENGTH.get(len(self.date))

    @property
    def geo_precision(self) -> str | None:
        """city | region | country: the stored precision, else what the location fields say."""
        if self.place_precision:
            return self.place_precision
        if self.values("location_regions"):
            return "region"
        return "country" if self.value("location_country") else None


def contract_fields(row: IncidentRow, *, redact_names: bool) -> dict[str, Any]:
    """The contract's incident fields in contract order, and only those.

    A whitelist on purpose: anything else the store keeps beside them (say,
    evidence quotes, which can name people) never reaches an export.
    """
    out: dict[str, Any] = {}
    for name, is_list in INCIDENT_FIELDS.items():
        if name == "victim_names" and redact_names:
            continue
        out[name] = row.values(name) if is_list else row.value(name)
    return out


def _as_date_text(value: Any) -> str | None:
    """A date as YYYY-MM-DD, YYYY-MM or YYYY text (a date object, an ISO date or datetime string)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if DATE_RE.match(text):
        return text
    return dt.date.fromisoformat(text[:10]).isoformat()


def _as_datetime(value: Any) -> dt.datetime | None:
    """Aware datetimes; a naive one (SQLite drops the zone) is taken as UTC, as stored."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    else:
        parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
