"""Tables of the domain model (architecture.md): Source, Document, Report, Incident and their links.

Documents are immutable and identified by the SHA-256 of their raw bytes;
Reports are what one extractor version found in one document; Incidents are
the canonical events that many reports mention, with their review state and
the history of every change.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..security.crypto import key_ring

NAMES_CONTEXT = "incident.victim_names"
CANDIDATE_CONTEXT = "candidate_victim.name"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class Source(Base):
    """A place documents come from: a feed, a site, a channel export, an archive, a file."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("kind", "locator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    locator: Mapped[str] = mapped_column(String(2048))
    name: Mapped[str | None] = mapped_column(String(256))
    watched: Mapped[bool] = mapped_column(Boolean, default=False)  # polled by `recruitwatch watch`
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Document(Base):
    """One text as received. Never changed after it is stored."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_id_language", "id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # of the raw bytes: the identity
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    kind: Mapped[str] = mapped_column(String(16))
    locator: Mapped[str] = mapped_column(String(2048))
    url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(512))
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    media_type: Mapped[str] = mapped_column(String(128), default="text/plain")
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed bytes exactly as received
    text: Mapped[str] = mapped_column(Text)  # what the extractor analysed (offsets point here)
    search_text: Mapped[str] = mapped_column(Text, default="")  # word keys, for inflection-proof search
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    encoding: Mapped[str | None] = mapped_column(String(32))
    screened: Mapped[bool] = mapped_column(Boolean, default=False)  # passed the fast screen
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)  # near-duplicates share one
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)  # signature, for relevant documents only
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    reports: Mapped[list[Report]] = relationship(back_populates="document")


class Report(Base):
    """What one extractor version found in one document: the contract's record."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("document_id", "extractor_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    extractor_version: Mapped[str] = mapped_column(String(32))
    current: Mapped[bool] = mapped_column(Boolean, default=True)  # the latest version's report
    relevant: Mapped[bool] = mapped_column(Boolean, index=True)
    relevance_score: Mapped[float] = mapped_column(Float)
    record: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="reports")
    mentions: Mapped[list[Mention]] = relationship(back_populates="report")


class Incident(Base):
    """The canonical event: contract fields merged from every report that mentions it."""

    __tablename__ = "incidents"
    __table_args__ = (  # the list's sorts (store/queries/pages.py _sort_keys; migration 0007)
        Index("ix_incidents_date_down", text("coalesce(date, '0000')"), "id", "merged_into"),
        Index("ix_incidents_date_up", text("coalesce(date, '9999')"), "id", "merged_into"),
        Index("ix_incidents_updated_id", "updated_at", "id", "merged_into"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stored_fields: Mapped[dict] = mapped_column("fields", JSON)  # contract fields, names left out (see `fields`)
    review_state: Mapped[str] = mapped_column(String(16), default="machine", index=True)  # machine|verified|rejected
    reviewed_fields: Mapped[list] = mapped_column(JSON, default=list)  # fields an analyst set: kept on reprocess
    location_country: Mapped[str | None] = mapped_column(String(2), index=True)
    date: Mapped[str | None] = mapped_column(String(10), index=True)  # YYYY, YYYY-MM or YYYY-MM-DD
    date_precision: Mapped[str | None] = mapped_column(String(8))  # ACLED-style: day | month | year
    place_precision: Mapped[str | None] = mapped_column(String(8))  # city | region | country
    search_text: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    victim_names_enc: Mapped[str | None] = mapped_column(Text)  # the names, encrypted; fields hold none

    mentions: Mapped[list[Mention]] = relationship(back_populates="incident")
    changes: Mapped[list[IncidentChange]] = relationship(back_populates="incident", order_by="IncidentChange.id")

    @property
    def fields(self) -> dict:
        """The contract's incident fields (without evidence); victims' names decrypted from `victim_names_enc`."""
        return fields_with_names(self.stored_fields, self.victim_names_enc)

    @fields.setter
    def fields(self, value: dict) -> None:
        value = dict(value)
        names = list(value.get("victim_names") or [])
        value["victim_names"] = []  # kept in place, so the contract's field order stays
        self.stored_fields = value
        self.victim_names_enc = key_ring().encrypt(json.dumps(names, ensure_ascii=False), NAMES_CONTEXT) if names else None


def fields_with_names(stored: dict | None, names_enc: str | None) -> dict:
    fields = dict(stored or {})
    if names_enc:
        fields["victim_names"] = json.loads(key_ring().decrypt_text(names_enc, NAMES_CONTEXT))
    return fields


@dataclass(frozen=True, slots=True)
class ListedIncident:
    """An incident as lists, pages and exports read it: its columns without the ORM's bookkeeping
    (building 50 tracked instances took a third of an API page's time)."""

    id: int
    stored_fields: dict
    review_state: str
    reviewed_fields: list
    date: str | None
    date_precision: str | None
    place_precision: str | None
    first_seen: dt.datetime
    updated_at: dt.datetime
    merged_into: int | None
    victim_names_enc: str | None

    COLUMNS = ("id", "stored_fields", "review_state", "reviewed_fields", "date", "date_precision", "place_precision",
               "first_seen", "updated_at", "merged_into", "victim_names_enc")

    @property
    def fields(self) -> dict:
        return fields_with_names(self.stored_fields, self.victim_names_enc)


def mention_said(entered: dict | None, report_record: dict, position: int) -> dict | None:
    """What a document says of an incident: the analyst's entry, or the report's incident at its
    position (None for a report joined by name alone, which has none)."""
    if entered is not None:
        return entered
    incidents = report_record.get("incidents") or []
    return incidents[position] if 0 <= position < len(incidents) else None


class Mention(Base):
    """One incident of one report, linked to the canonical Incident, with why it was linked."""

    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("report_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # index of the incident in the report's record
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    link_score: Mapped[float] = mapped_column(Float, default=1.0)
    link_reason: Mapped[str] = mapped_column(Text, default="new incident")
    comparisons: Mapped[dict | None] = mapped_column(JSON)  # the weighed comparisons that linked it (link/incidents.py)
    # An incident an analyst entered by hand from this document: its record (contract fields and the evidence
    # of the quote that supports them), at a negative position, outside the machine's record.
    entered: Mapped[dict | None] = mapped_column(JSON)

    @property
    def record(self) -> dict | None:
        """What this document says of the incident (mention_said)."""
        return mention_said(self.entered, self.report.record, self.position)

    report: Mapped[Report] = relationship(back_populates="mentions")
    incident: Mapped[Incident] = relationship(back_populates="mentions")


class CandidateVictim(Base):
    """The main victim of a report that gave no incident, kept so it can join a known incident
    (link/identity.py): one row per blocking key of the name, the name itself sealed."""

    __tablename__ = "candidate_victims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), index=True)  # blind index of a pair of name-word skeletons
    name_enc: Mapped[str] = mapped_column(Text)
    main: Mapped[bool] = mapped_column(Boolean, default=False)  # the report's main victim, not a mere word pair


class IncidentChange(Base):
    """The history of an incident: who changed what, when and why. Append only."""

    __tablename__ = "incident_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128), default="machine")
    action: Mapped[str] = mapped_column(String(32))  # created | linked | updated | reviewed | merged | split | rejected
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    incident: Mapped[Incident] = relationship(back_populates="changes")


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256), unique=True)


class DocumentOrganisation(Base):
    __tablename__ = "document_organisations"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True, index=True)


class IncidentValue(Base):
    """One row per (incident, field, value): what every facet and filter of the UI queries."""

    __tablename__ = "incident_values"
    __table_args__ = (
        Index("ix_incident_values_field_value", "field", "value"),
        Index("ix_incident_values_field_incident", "field", "incident_id"),
        Index("ix_incident_values_field_value_incident", "field", "value", "incident_id"),
    )

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128), primary_key=True)


class StoreState(Base):
    """One row: the database's random epoch and a version its triggers bump on every change
    to incidents, their values, reports or mentions (migration 0006; store/figures_cache.py)."""

    __tablename__ = "store_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(BigInteger)


class User(Base):
    """A staff account. Roles: admin, analyst, viewer (caseworker comes with cases)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))  # Argon2id, with its parameters and salt
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="en")  # the interface language they chose
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)  # one-time passwords
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    totp_secret_enc: Mapped[str | None] = mapped_column(Text)  # encrypted; set once the account confirmed a code
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # of the last code accepted: none is accepted twice


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A token for scripts using the API (`Authorization: Bearer …`); only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """Failed sign-ins, kept in the database so throttling holds across workers and restarts."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class DocumentGrade(Base):
    """An analyst's credibility grade (1-6) for what one document says: the Admiralty code's second
    dimension, beside its outlet's reliability (OutletGrade), so a source reads "B2"."""

    __tablename__ = "document_grades"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    credibility: Mapped[str] = mapped_column(String(1))  # see store.review.CREDIBILITY_GRADES
    note: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutletGrade(Base):
    """An analyst's reliability grade for an outlet (a web host or a channel), as in HURIDOCS' formats."""

    __tablename__ = "outlet_grades"

    outlet: Mapped[str] = mapped_column(String(256), primary_key=True)
    grade: Mapped[str] = mapped_column(String(16))  # see store.review.RELIABILITY_GRADES
    note: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One line of the append-only audit log: every read of personal data and every change.

    Each entry's hash covers its content and the previous entry's hash, and its
    MAC, made with a key kept outside the database, covers its id and hash, so
    an edited, forged or deleted entry shows (`recruitwatch audit verify`).
    """

    __tablename__ = "audit_log"
    __table_args__ = (CheckConstraint("id >= 1", name="ck_audit_log_id_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # a username, "public", or "machine"
    action: Mapped[str] = mapped_column(String(32))  # read | create | update | delete | export | sign_in …
    object_type: Mapped[str] = mapped_column(String(32))  # case | incident | user | key …
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # never personal data itself
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str | None] = mapped_column(String(64))  # the key ring's key the MAC key derives from; None: legacy
    mac: Mapped[str | None] = mapped_column(String(64))  # HMAC-SHA256 of id and hash (store/audit.py); None: legacy


class Case(Base):
    """An appeal from a victim or relative, and its handling. Personal data is encrypted (columns *_enc)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # given to the submitter: RW-XXXX-XXXX
    secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the status-check secret
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)  # new|triaged|in_progress|referred|closed
    language: Mapped[str] = mapped_column(String(8), default="en")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    name_enc: Mapped[str | None] = mapped_column(Text)
    contact_enc: Mapped[str | None] = mapped_column(Text)
    story_enc: Mapped[str] = mapped_column(Text)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # the questionnaire's closed answers (no free text)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    referral_kind: Mapped[str | None] = mapped_column(String(16))  # consulate | ngo | lawyer | un_body
    referral_to_enc: Mapped[str | None] = mapped_column(Text)
    consent_to_link: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_by: Mapped[str | None] = mapped_column(String(64))
    consent_recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Suggestion(Base):
    """A value proposed for one field of an incident from outside its reports (today: a linked appeal), until an
    analyst accepts or dismisses it. Only closed-list values, a month and ids: never personal data."""

    __tablename__ = "incident_suggestions"
    __table_args__ = (Index("ix_incident_suggestions_incident_state", "incident_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)  # the source
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[object] = mapped_column(JSON)  # the contract's value: a list or one code
    reported_month: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM the appeal came in
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | accepted | dismissed
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PossibleDuplicate(Base):
    """Two incidents the linker could not call one or two (a score between review_at and link_at):
    an analyst merges them or keeps them apart, and linking respects that decision afterwards.
    `incident_id` is the later incident. Only ids, a score and closed-list levels: no personal data."""

    __tablename__ = "possible_duplicates"
    __table_args__ = (
        UniqueConstraint("incident_id", "other_id", name="uq_possible_duplicates_pair"),
        Index("ix_possible_duplicates_state", "state", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    comparisons: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | merged | apart
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class CaseFile(Base):
    """A file sent with an appeal: encrypted bytes, with the SHA-256 of the original kept in clear."""

    __tablename__ = "case_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename_enc: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseEvent(Base):
    """The timeline of a case: status changes, assignment, notes (encrypted), deadlines, referrals, links."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # created | status | assigned | note | deadline | referred | linked | file
    text_enc: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # never personal data


class SavedSearch(Base):
    """A staff member's named incident filter (the list's cleaned parameters), with its own URL;
    when watched, new matches are told by feed, e-mail and webhook (alerts/).

    One random secret per search, sealed with the key ring, gives its feed, unsubscribe and
    webhook-signing tokens (alerts.tokens); only SHA-256 digests of the first two are kept in
    clear, for lookup. The e-mail address and webhook URL are sealed too."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    params: Mapped[dict] = mapped_column(JSON)  # web.filters' cleaned parameters: {name: value or [values]}
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    watched: Mapped[bool] = mapped_column(Boolean, default=False)
    watched_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    checked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # incidents changed before were looked at
    secret_enc: Mapped[str] = mapped_column(Text)
    feed_key: Mapped[str] = mapped_column(String(64), unique=True)
    unsubscribe_key: Mapped[str] = mapped_column(String(64), unique=True)
    email_enc: Mapped[str | None] = mapped_column(Text)
    webhook_url_enc: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()


class AlertMatch(Base):
    """An incident a watched search has already told of (or that matched when watching began),
    and whether it was verified then: an incident is told of once as new and once as verified."""

    __tablename__ = "alert_matches"

    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)


class AlertBatch(Base):
    """What one check found for one watched search: one message, however many incidents.
    `events`: [{"incident_id", "kind": new | verified}], ids only."""

    __tablename__ = "alert_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    events: Mapped[list] = mapped_column(JSON)


class AlertDelivery(Base):
    """One batch sent by one channel (email | webhook), retried with back-off until sent or given up."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("alert_batches.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(512))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TiplineChat(Base):
    """A Telegram chat an appeal came from, so a caseworker's messages reach it. The chat id is kept
    sealed (to send) and as a keyed hash (to find the chat's appeal when it writes again); no phone
    number, user name or display name is ever stored."""

    __tablename__ = "tipline_chats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    chat_enc: Mapped[str] = mapped_column(Text)
    chat_key: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(8))
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)  # caseworkers' messages up to here were sent
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TiplineConversation(Base):
    """A tipline conversation in progress (its step and answers so far), sealed, so that it survives a
    restart of the tipline; deleted when it ends and after a day untouched (store.tipline.purge_idle)."""

    __tablename__ = "tipline_conversations"

    chat_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # keyed hash of the chat id
    state_enc: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class TiplinePendingFile(Base):
    """A file sent during a conversation, before the appeal is sent: sealed, deleted with the conversation."""

    __tablename__ = "tipline_pending_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(64), index=True)
    name_enc: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(64))
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
