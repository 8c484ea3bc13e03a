"""The API's JSON shapes. Field names are the extraction contract's, so a record reads the same everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer, WithJsonSchema


def _utc(moment: dt.datetime) -> str:
    """ISO 8601 with its offset: SQLite gives back naive times, which the store writes in UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


# Every time the API gives carries its time zone (+00:00), as the exports' do.
UtcDateTime = Annotated[dt.datetime, PlainSerializer(_utc, return_type=str),
                        WithJsonSchema({"type": "string", "format": "date-time"})]


class IncidentOut(BaseModel):
    id: int
    review_state: str = Field(description="machine (not reviewed), verified or rejected")
    victim_nationalities: list[str] = []
    victim_status: str | None = None
    victim_count: int | None = None
    victim_names: list[str] = Field([], description="empty for viewers without rights to personal data")
    location_country: str | None = None
    location_regions: list[str] = []
    perpetrators: list[str] = []
    methods: list[str] = []
    outcomes: list[str] = []
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    date_precision: str | None = Field(None, description="ACLED-style: day, month or year")
    place_precision: str | None = Field(None, description="city, region or country")
    first_seen: UtcDateTime
    updated_at: UtcDateTime


SMALL_COUNT = "null where a count is too small to publish (RECRUITWATCH_PUBLIC_MIN_COUNT)"


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    total: int | None = Field(description="incidents matching the filters; " + SMALL_COUNT)
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page; null at the end")


class EvidenceOut(BaseModel):
    field: str
    value: str | int | None
    start: int
    end: int
    quote: str


class ComparisonOut(BaseModel):
    field: str = Field(description="what was compared: name, nationality, region, date, status, story, age, count, text")
    level: str = Field(description="how it came out, e.g. full_rare, agree, close, missing")
    weight: float = Field(description="its Fellegi-Sunter weight in bits: positive for one incident, negative for two")
    label: str = Field(description="the level in words (English)")


class LinkOut(BaseModel):
    score: float = Field(description="the sum of the weights, in bits")
    link_at: float = Field(description="the score from which two mentions are linked")
    review_at: float = Field(description="the score from which a pair goes to analysts as a possible duplicate")
    conflict: str | None = None
    comparisons: list[ComparisonOut]


class PossibleDuplicateOut(BaseModel):
    id: int = Field(description="the pair's number; decide it at /duplicates in the web application")
    incident_id: int = Field(description="the later incident")
    other_id: int = Field(description="the earlier incident it may be the same as")
    score: float = Field(description="the link score in bits, between review_at and link_at")
    link: LinkOut | None = Field(None, description="the weighed comparisons behind the score")
    created_at: UtcDateTime


class PossibleDuplicatePage(BaseModel):
    total: int = Field(description="undecided pairs of live incidents in all")
    items: list[PossibleDuplicateOut]


class SourceOut(BaseModel):
    document_id: int
    url: str | None
    title: str | None
    published: str | None = Field(description="YYYY-MM-DD; no finer than RECRUITWATCH_PUBLIC_DATE_PRECISION for the public")
    language: str | None
    outlet: str = Field(description="the outlet's host; for the public, 'unpublished source' for files and exports")
    reliability: str | None = Field(None, description="The outlet's reliability, A–F after the Admiralty scale, set by analysts")
    credibility: str | None = Field(None, description="This document's credibility, 1–6 after the Admiralty scale, set by analysts")
    link_score: float | None = None
    link_reason: str | None = None
    link_comparisons: LinkOut | None = Field(None, description="staff only: the weighed comparisons that linked this source")
    evidence: list[EvidenceOut] = []


class ProvisionOut(BaseModel):
    code: str
    jurisdiction: str
    title: str
    gist: str
    gist_language: str | None = None  # the reader's language, or the fallback the gist is written in
    gist_translation_checked: bool = Field(
        True, description="false when the gist is the project's translation, not yet checked by a lawyer who speaks the language")
    confidence: str
    verified: bool
    checked: str
    sources: list[str]


class ChangeOut(BaseModel):
    id: int = Field(description="the cursor: pass the last one seen as ?since=")
    incident_id: int
    kind: str = Field(description="created, edited, merged, deleted or restored")
    at: UtcDateTime
    merged_into: int | None = None


class HistoryOut(BaseModel):
    at: str
    actor: str
    action: str
    reason: str | None = None


class IncidentDetailOut(IncidentOut):
    sources: list[SourceOut]
    provisions: list[ProvisionOut]
    history: list[HistoryOut] = []


class ChangesOut(BaseModel):
    items: list[ChangeOut]
    next_since: int


class DocumentOut(BaseModel):
    id: int
    sha256: str
    url: str | None
    locator: str
    title: str | None
    published: dt.date | None
    language: str | None
    fetched_at: UtcDateTime
    outlet: str


class DocumentDetailOut(DocumentOut):
    text: str
    incident_ids: list[int]


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    next_cursor: str | None = None


class SearchOut(BaseModel):
    incidents: list[IncidentOut]
    documents: list[DocumentOut] = Field([], description="staff only")


class StatsOut(BaseModel):
    total: int | None = Field(description="incidents matching the filters; " + SMALL_COUNT)
    facets: dict[str, list[tuple[str, int | None]]] = Field(description="counts per value; " + SMALL_COUNT)
    months: list[tuple[str, int | None]]
