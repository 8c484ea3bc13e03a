"""Analysts' review of incidents: confirm, reject, reopen, correct a field, decide suggestions, merge, split; outlet grades.

Each action works in the caller's session (the caller commits) and writes an
IncidentChange naming who did it and why, so the history answers "who
changed this, when, and on what grounds". Corrected fields are added to
`reviewed_fields`, which linking and reprocessing never overwrite. Values
from outside the incident's reports (a linked appeal's answers) wait as
suggestions until an analyst accepts one (applied as a correction) or
dismisses it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from ..errors import RecruitWatchError
from ..extract.data_files import extract_data
from ..link.incidents import merge_fields
from ..vocab import (
    INCIDENT_FIELDS,
    METHODS,
    OUTCOMES,
    PERPETRATORS,
    VICTIM_STATUSES,
    contract_fields,
    empty_incident,
)
from . import repository as repo
from .models import (
    Document,
    DocumentGrade,
    Incident,
    Mention,
    OutletGrade,
    PossibleDuplicate,
    Report,
    Suggestion,
    utcnow,
)

# The source-reliability half of the Admiralty (NATO) scale, as used by HURIDOCS-style tools
# and intelligence analysis; the information-credibility half (1-6) is not graded here.
RELIABILITY_GRADES = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}

# The Admiralty code's second dimension: how credible what one document says is (its outlet's
# reliability is the first). Names as in NATO's AJP-2.1 and HURIDOCS' guides.
CREDIBILITY_GRADES = {
    "1": "Confirmed by other sources",
    "2": "Probably true",
    "3": "Possibly true",
    "4": "Doubtful",
    "5": "Improbable",
    "6": "Truth cannot be judged",
}

MAX_NAME = 200
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CLOSED = {"perpetrators": PERPETRATORS, "methods": METHODS, "outcomes": OUTCOMES}


class ReviewError(RecruitWatchError):
    """A review action that cannot be done as asked; the message says what to do instead."""

    exit_code = 2


# -- reading the incident acted on


def _live(session: Session, incident_id: int) -> Incident:
    """The incident, locked for this transaction on PostgreSQL; refused if unknown or merged away."""
    incident = session.get(Incident, incident_id, with_for_update=True)
    if incident is None:
        raise ReviewError(f"no incident {incident_id}")
    if incident.merged_into is not None:
        raise ReviewError(
            f"incident {incident_id} was merged into incident {incident.merged_into}; act on incident {incident.merged_into}"
        )
    return incident


def _actor(actor: str) -> str:
    if not actor or not actor.strip():
        raise ReviewError("a review action needs the username of who does it")
    return actor.strip()


def _reason(reason: str | None, action: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ReviewError(f"say why you {action} it: the reason is kept in the incident's history")
    return reason


# -- review state


def _set_state(session: Session, incident_id: int, state: str, action: str, actor: str, reason: str) -> Incident:
    incident = _live(session, incident_id)
    before = incident.review_state
    if before == state:
        raise ReviewError(f"incident {incident_id} is already {state}")
    incident.review_state = state
    repo.record_change(
        session, incident, actor=_actor(actor), action=action,
        detail={"reason": reason, "review_state": {"before": before, "after": state}},
    )
    return incident


def confirm(session: Session, incident_id: int, *, actor: str, reason: str = "") -> Incident:
    """An analyst checked the incident against its sources: it may be published."""
    return _set_state(session, incident_id, "verified", "confirmed", actor, _reason(reason, "confirm", required=False))


def reject(session: Session, incident_id: int, *, actor: str, reason: str) -> Incident:
    """Not a real incident (misread, out of scope): hidden from the public and from linking."""
    return _set_state(session, incident_id, "rejected", "rejected", actor, _reason(reason, "reject", required=True))


def reopen(session: Session, incident_id: int, *, actor: str, reason: str = "") -> Incident:
    """Back to unreviewed, e.g. after a wrong rejection or when new sources contradict a confirmation."""
    return _set_state(session, incident_id, "machine", "reopened", actor, _reason(reason, "reopen", required=False))


# -- correcting a field


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c["code"] for c in extract_data("countries.yaml")["countries"])


@cache
def region_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in extract_data("regions.yaml")["regions"])


def clean_value(field: str, value):
    """The value as the contract stores it, or ReviewError saying what is wrong with it."""
    if field not in INCIDENT_FIELDS:
        raise ReviewError(f"unknown field {field!r}; fields are: {', '.join(INCIDENT_FIELDS)}")
    if INCIDENT_FIELDS[field]:
        return _clean_list(field, value)
    if field == "victim_count":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ReviewError(f"victim_count must be a whole number 0 or more, or empty if unknown (got {value!r})")
        return value
    if value is not None and not isinstance(value, str):
        raise ReviewError(f"{field} takes one value, not {type(value).__name__}")
    value = (value or "").strip() or None
    if field == "victim_status":
        value = value or "unknown"
        if value not in VICTIM_STATUSES:
            raise ReviewError(f"unknown victim_status {value!r}; choose one of: {', '.join(VICTIM_STATUSES)}")
        return value
    if field == "location_country":
        if value is not None:
            value = value.upper()
            if value not in country_codes():
                raise ReviewError(f"unknown country {value!r}: give an ISO 3166-1 alpha-2 code such as RU, UA or UZ")
        return value
    return _clean_date(value)


def _clean_list(field: str, value) -> list:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ReviewError(f"{field} takes a list of values (an empty list if unknown), not {value!r}")
    if not all(isinstance(v, str) for v in value):
        raise ReviewError(f"every value of {field} must be text")
    items = [v.strip() for v in value if v.strip()]
    if field == "victim_names":
        too_long = [v for v in items if len(v) > MAX_NAME]
        if too_long:
            raise ReviewError(f"a victim name is at most {MAX_NAME} characters: {too_long[0][:40]!r}… is longer")
        return list(dict.fromkeys(items))
    items = [v.upper() for v in items] if field in ("victim_nationalities", "location_regions") else items
    allowed = {"victim_nationalities": country_codes(), "location_regions": region_codes()}.get(field) or _CLOSED[field]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        hint = {
            "victim_nationalities": "ISO 3166-1 alpha-2 codes such as UZ or TJ",
            "location_regions": "ISO 3166-2 codes of Russia or Ukraine such as RU-MOW or UA-14",
        }.get(field) or "one of: " + ", ".join(_CLOSED[field])
        raise ReviewError(f"unknown {field} value(s) {', '.join(unknown)}; use {hint}")
    return sorted(set(items))


def _clean_date(value: str | None) -> str | None:
    if value is None:
        return None
    match = _DATE.match(value)
    if not match:
        raise ReviewError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD (got {value!r})")
    year, month, day = (int(p) if p else 1 for p in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        raise ReviewError(f"{value} is not a real date") from None
    return value


def correct(session: Session, incident_id: int, field: str, value, *, actor: str, reason: str = "") -> Incident:
    """Set one field to an analyst's value; it is then kept when linking or reprocessing changes the incident."""
    actor = _actor(actor)
    clean = clean_value(field, value)
    incident = _live(session, incident_id)
    incident.reviewed_fields = sorted({*(incident.reviewed_fields or ()), field})
    repo.refresh_incident(
        session, incident, {**incident.fields, field: clean}, actor=actor, action="corrected",
        detail={"reason": _reason(reason, "correct", required=False), "field": field},
    )
    return incident


# -- incidents entered by hand: what the machine missed in a document, with the passage that says it

ENTERED_REASON = "entered by an analyst from this document"
MAX_QUOTE = 5000  # characters of the supporting passage


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where a passage an analyst copied stands in the document: exactly, else with its spaces and line
    breaks as the document has them (a copy from a browser joins lines); None if it is not there.
    Both are compared with every run of white space made one space, in one pass each (no pattern is
    built from the quote, so no quote can make the search slow)."""
    quote = " ".join(quote.split())
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    collapsed, starts = [], []  # the text with its white-space runs made one space; where each character was
    in_space = False
    for i, char in enumerate(text):
        if char.isspace():
            if not in_space:
                collapsed.append(" ")
                starts.append(i)
            in_space = True
            continue
        in_space = False
        collapsed.append(char)
        starts.append(i)
    at = "".join(collapsed).find(quote)
    if at < 0:
        return None
    return starts[at], starts[at + len(quote) - 1] + 1


def enter_incident(session: Session, report: Report, values: dict, quote: tuple[int, int], *, actor: str,
                   reason: str = "", quotes: dict[str, tuple[int, int]] | None = None) -> Incident:
    """An incident an analyst found in a document (the report is the document's current one): each value
    checked as a correction is, each supported by the quoted passage (`quotes`: another passage for a
    field's values, where one passage does not say everything); verified, since a person vouches for
    it, and every entered field kept as reviewed when later reports link to it."""
    actor = _actor(actor)
    text = report.document.text
    passages = {field: _passage(text, span) for field, span in (quotes or {}).items()}
    start, end = _passage(text, quote)
    fields = {field: clean_value(field, value) for field, value in values.items()}
    record = {**empty_incident(), **fields}
    shown = [(f, v) for f, value in fields.items() for v in (value if isinstance(value, list) else [value])
             if v not in (None, "", "unknown")]
    if not shown:
        raise ReviewError("enter at least one value of the incident")
    record["evidence"] = [
        {"field": f, "value": v, "start": a, "end": b, "quote": text[a:b]}
        for f, v in shown for a, b in [passages.get(f, (start, end))]
    ]
    kept = contract_fields(record)
    incident = repo.create_incident(session, kept, repo.incident_search_text(kept), actor=actor)
    incident.review_state = "verified"
    incident.reviewed_fields = sorted({f for f, _ in shown})
    position = min(0, session.scalar(select(func.min(Mention.position)).where(Mention.report_id == report.id)) or 0) - 1
    session.add(Mention(report_id=report.id, position=position, incident_id=incident.id, link_score=1.0,
                        link_reason=ENTERED_REASON, entered=record))
    repo.record_change(session, incident, actor=actor, action="entered",
                    detail={"reason": _reason(reason, "enter", required=False), "document_id": report.document_id,
                            "review_state": {"before": None, "after": "verified"}})
    session.flush()
    return incident


def _passage(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    if not (0 <= start < end <= len(text)) or end - start > MAX_QUOTE:
        raise ReviewError(f"quote a passage of the document of at most {MAX_QUOTE} characters")
    return start, end


# -- suggestions: values proposed from outside the incident's reports (a linked appeal), decided here


def suggested_result(field: str, current, suggested):
    """The field's value once a suggestion is accepted: a list gains the suggested values, one value replaces."""
    if INCIDENT_FIELDS.get(field):
        return sorted({*(current or ()), *(suggested or ())})
    return suggested


def pending_suggestions(session: Session, incident: Incident) -> list[dict]:
    """The incident's undecided suggestions, oldest first, each with the field's current value and its source.

    [{"id", "field", "current", "suggested", "result", "case_id", "reported_month", "created_by", "created_at"}]
    """
    rows = session.scalars(
        select(Suggestion).where(Suggestion.incident_id == incident.id, Suggestion.state == "pending").order_by(Suggestion.id)
    )
    fields = incident.fields
    return [
        {"id": s.id, "field": s.field, "current": fields.get(s.field), "suggested": s.value,
         "result": suggested_result(s.field, fields.get(s.field), s.value), "case_id": s.case_id,
         "reported_month": s.reported_month, "created_by": s.created_by, "created_at": s.created_at}
        for s in rows
    ]


def _pending(session: Session, incident: Incident, suggestion_id: int) -> Suggestion:
    """The suggestion, if it is one of this incident's and still undecided (the incident's lock guards it)."""
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.incident_id != incident.id:
        raise ReviewError(f"incident {incident.id} has no suggestion {suggestion_id}")
    if suggestion.state != "pending":
        raise ReviewError(f"suggestion {suggestion_id} was already {suggestion.state} by {suggestion.decided_by}")
    return suggestion


def _decide(suggestion: Suggestion, state: str, actor: str) -> dict:
    suggestion.state, suggestion.decided_by, suggestion.decided_at = state, actor, utcnow()
    return {"field": suggestion.field, "suggestion_id": suggestion.id, "case_id": suggestion.case_id}


def accept_suggestion(session: Session, incident_id: int, suggestion_id: int, *, actor: str, reason: str = "") -> Incident:
    """Apply a suggested value as an analyst's correction: the field is then reviewed, the history names the source."""
    actor = _actor(actor)
    incident = _live(session, incident_id)
    suggestion = _pending(session, incident, suggestion_id)
    field = suggestion.field
    value = clean_value(field, suggestion.value)
    value = suggested_result(field, incident.fields.get(field), value)
    source = _decide(suggestion, "accepted", actor)
    incident.reviewed_fields = sorted({*(incident.reviewed_fields or ()), field})
    repo.refresh_incident(
        session, incident, {**incident.fields, field: value}, actor=actor, action="accepted",
        detail={"reason": _reason(reason, "accept", required=False), **source},
    )
    return incident


def dismiss_suggestion(session: Session, incident_id: int, suggestion_id: int, *, actor: str, reason: str = "") -> Incident:
    """Decline a suggested value: the incident's fields stay as they are; the history says who and why."""
    actor = _actor(actor)
    incident = _live(session, incident_id)
    source = _decide(_pending(session, incident, suggestion_id), "dismissed", actor)
    repo.record_change(
        session, incident, actor=actor, action="dismissed",
        detail={"reason": _reason(reason, "dismiss", required=False), **source},
    )
    return incident


# -- merging and splitting


def _with_reviewed(fields: dict, *incidents: Incident) -> dict:
    """Fields with each incident's analyst-set values laid over them (later incidents win)."""
    out = dict(fields)
    for incident in incidents:
        for field in incident.reviewed_fields or ():
            out[field] = incident.fields.get(field)
    return out


def merge(session: Session, keep_id: int, other_id: int, *, actor: str, reason: str) -> Incident:
    """`other` is the same incident as `keep`: its sources move to `keep`, and `other` points there."""
    actor, reason = _actor(actor), _reason(reason, "merge", required=True)
    keep, other = _mergeable(session, keep_id, other_id)
    moved = list(session.scalars(select(Mention).where(Mention.incident_id == other.id).order_by(Mention.id)))
    for mention in moved:
        mention.incident_id = keep.id
        mention.link_reason = f"merged from incident {other.id} by {actor}: {mention.link_reason}"
    session.execute(update(Incident).where(Incident.merged_into == other.id).values(merged_into=keep.id))
    session.execute(  # undecided suggestions follow, to be decided on the incident that stays
        update(Suggestion).where(Suggestion.incident_id == other.id, Suggestion.state == "pending").values(incident_id=keep.id)
    )
    fields = _merged(keep, other)
    keep.reviewed_fields = sorted({*(keep.reviewed_fields or ()), *(other.reviewed_fields or ())})
    mention_ids = [m.id for m in moved]
    repo.refresh_incident(
        session, keep, fields, actor=actor, action="merged",
        detail={"reason": reason, "merged_from": other.id, "mention_ids": mention_ids},
    )
    other.merged_into = keep.id
    repo.record_change(
        session, other, actor=actor, action="merged",
        detail={"reason": reason, "merged_into": keep.id, "mention_ids": mention_ids},
    )
    session.flush()
    session.expire(keep, ["mentions"])
    session.expire(other, ["mentions"])
    return keep


def counted_victims(fields: dict, *incidents: Incident) -> dict:
    """Two incidents merged by an analyst that each named a different victim are two victims: the
    count is at least the number of people named (merge_fields keeps one name per person), unless
    an analyst set the count on one of them."""
    names, count = fields.get("victim_names") or [], fields.get("victim_count")
    if any("victim_count" in (i.reviewed_fields or ()) for i in incidents):
        return fields
    if isinstance(count, int) and len(names) > count:
        return {**fields, "victim_count": len(names)}
    return fields


def merge_preview(session: Session, keep_id: int, other_id: int) -> dict:
    """What merging `other` into `keep` would make, before anyone commits to it: both incidents
    and the merged fields. Refused as merge() would refuse it."""
    keep, other = _mergeable(session, keep_id, other_id)
    return {"keep": keep, "other": other, "merged": _merged(keep, other)}


def _mergeable(session: Session, keep_id: int, other_id: int) -> tuple[Incident, Incident]:
    """The two incidents, locked in id order (two merges cannot deadlock); refused when one is the
    other, unknown, merged away or rejected."""
    if keep_id == other_id:
        raise ReviewError(f"cannot merge incident {keep_id} into itself; give the number of another incident")
    first, second = sorted((keep_id, other_id))
    locked = {first: _live(session, first), second: _live(session, second)}
    for incident in locked.values():
        if incident.review_state == "rejected":
            raise ReviewError(f"incident {incident.id} is rejected; reopen it first if it is a real incident")
    return locked[keep_id], locked[other_id]


def _merged(keep: Incident, other: Incident) -> dict:
    """The fields of `other` merged into `keep`: analysts' values kept, named victims counted."""
    return counted_victims(_with_reviewed(merge_fields(keep.fields, other.fields), other, keep), keep, other)


def mention_fields(mention: Mention) -> dict:
    """The contract fields one report gave for this incident (its record, without the evidence)."""
    found = mention.record
    return contract_fields(found) if found is not None else {}  # a report not judged relevant, joined by name


def fields_from_mentions(mentions: list[Mention]) -> dict:
    """The fields linking would have built from these reports, merged in the order they were linked."""
    fields: dict | None = None
    for mention in sorted(mentions, key=lambda m: m.id):
        record = mention_fields(mention)
        fields = record if fields is None else merge_fields(fields, record)
    return fields or {}


def split(session: Session, incident_id: int, mention_ids: list[int], *, actor: str, reason: str) -> Incident:
    """Some sources report another incident: they move to a new one, and both are rebuilt from their reports."""
    actor, reason = _actor(actor), _reason(reason, "split", required=True)
    incident = _live(session, incident_id)
    wanted = set(mention_ids)
    if not wanted:
        raise ReviewError("choose at least one source to move to a new incident")
    mentions = list(session.scalars(select(Mention).where(Mention.incident_id == incident.id).order_by(Mention.id)))
    foreign = sorted(wanted - {m.id for m in mentions})
    if foreign:
        raise ReviewError(f"mention(s) {', '.join(map(str, foreign))} are not sources of incident {incident.id}")
    remaining = [m for m in mentions if m.id not in wanted and m.report.current]
    if not remaining:
        raise ReviewError(
            f"cannot move every source of incident {incident.id}: leave at least one, or reject the incident instead"
        )
    moving = [m for m in mentions if m.id in wanted]
    new_fields = fields_from_mentions(moving)
    new = repo.create_incident(session, new_fields, repo.incident_search_text(new_fields), actor=actor)
    for mention in moving:
        mention.incident_id = new.id
        mention.link_reason = f"split off from incident {incident.id} by {actor}"
    moved_ids = sorted(wanted)
    repo.record_change(
        session, new, actor=actor, action="split",
        detail={"reason": reason, "split_from": incident.id, "mention_ids": moved_ids},
    )
    repo.refresh_incident(
        session, incident, _with_reviewed(fields_from_mentions(remaining), incident), actor=actor, action="split",
        detail={"reason": reason, "split_into": new.id, "mention_ids": moved_ids},
    )
    session.flush()
    session.expire(incident, ["mentions"])
    return new


def current_mentions(session: Session, incident_id: int) -> list[Mention]:
    """The incident's links from current reports, oldest first: what the UI lists as its sources."""
    return list(
        session.scalars(
            select(Mention)
            .join(Report, Mention.report_id == Report.id)
            .where(Mention.incident_id == incident_id, Report.current.is_(True))
            .order_by(Mention.id)
        )
    )


# -- outlets and their reliability


def outlet_of(url: str | None, locator: str) -> str:
    """The outlet a document came from, the key of its reliability grade.

    A web address gives its host (lower-cased, without "www."); a t.me link gives
    "telegram:<channel>"; a Telegram export (…/result.json#id) gives "telegram:<folder>";
    any other file gives its file name.
    """
    for candidate in (url, locator):
        if candidate and candidate.lower().startswith(("http://", "https://")):
            outlet = _web_outlet(candidate)
            if outlet:
                return outlet
    path = PurePosixPath((locator or "").split("#", 1)[0].replace("\\", "/"))
    if path.name == "result.json" and path.parent.name:
        return f"telegram:{path.parent.name}"
    return path.name or "unknown"


def _web_outlet(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    host = host.removeprefix("www.")
    if host in ("t.me", "telegram.me"):
        segments = [s for s in parts.path.split("/") if s and s != "s"]
        return f"telegram:{segments[0].lower()}" if segments else host
    return host or None


def set_outlet_grade(session: Session, outlet: str, grade: str, *, actor: str, note: str | None = None) -> OutletGrade:
    """An analyst's judgement of how far an outlet's reports can be trusted (A-F); replaces an earlier one."""
    outlet, grade, actor = (outlet or "").strip(), (grade or "").strip().upper(), _actor(actor)
    if not outlet or len(outlet) > 256:
        raise ReviewError("give the outlet to grade (a web host such as example.org, or telegram:channel)")
    if grade not in RELIABILITY_GRADES:
        raise ReviewError(
            "grade must be one of " + "; ".join(f"{code} ({meaning})" for code, meaning in RELIABILITY_GRADES.items())
        )
    row = session.get(OutletGrade, outlet, with_for_update=True)
    if row is None:
        row = OutletGrade(outlet=outlet, grade=grade, set_by=actor)
        session.add(row)
    row.grade, row.set_by, row.set_at = grade, actor, utcnow()
    row.note = (note or "").strip() or None
    session.flush()
    return row


def set_document_credibility(session: Session, document_id: int, credibility: str, *, actor: str,
                             note: str | None = None) -> DocumentGrade:
    """Grade how credible what one document says is (1-6); grading it again replaces the grade."""
    actor = _actor(actor)
    if credibility not in CREDIBILITY_GRADES:
        raise ReviewError("credibility must be one of " + "; ".join(f"{c} ({m})" for c, m in CREDIBILITY_GRADES.items()))
    if session.get(Document, document_id) is None:
        raise ReviewError(f"there is no document {document_id}")
    row = session.get(DocumentGrade, document_id, with_for_update=True)
    if row is None:
        row = DocumentGrade(document_id=document_id, credibility=credibility, set_by=actor)
        session.add(row)
    row.credibility, row.set_by, row.set_at = credibility, actor, utcnow()
    row.note = (note or "").strip()[:2000] or None
    session.flush()
    return row


def document_credibility(session: Session, document_ids) -> dict[int, DocumentGrade]:
    """The credibility grades of these documents, by id (ungraded ones are absent)."""
    ids = sorted(set(document_ids))
    if not ids:
        return {}
    return {g.document_id: g for g in session.scalars(select(DocumentGrade).where(DocumentGrade.document_id.in_(ids)))}


def outlet_grades(session: Session, outlets) -> dict[str, OutletGrade]:
    """The grades set for these outlets; ungraded ones are absent."""
    names = sorted({o for o in outlets if o})
    found: dict[str, OutletGrade] = {}
    for i in range(0, len(names), 500):
        found.update((g.outlet, g) for g in session.scalars(select(OutletGrade).where(OutletGrade.outlet.in_(names[i : i + 500]))))
    return found


# -- possible duplicates: pairs the linker could not call, decided by an analyst

DUPLICATE_DECISIONS = {"merge": "merged", "apart": "apart"}


def open_duplicates(session: Session, limit: int = 50) -> tuple[list[tuple[PossibleDuplicate, Incident, Incident]], int]:
    """Undecided pairs whose incidents are both still live (neither rejected nor merged away),
    the most likely first, with how many there are in all."""
    later, earlier = aliased(Incident), aliased(Incident)
    live = (
        select(PossibleDuplicate, later, earlier)
        .join(later, later.id == PossibleDuplicate.incident_id)
        .join(earlier, earlier.id == PossibleDuplicate.other_id)
        .where(
            PossibleDuplicate.state == "open",
            later.merged_into.is_(None), earlier.merged_into.is_(None),
            later.review_state != "rejected", earlier.review_state != "rejected",
        )
    )
    total = session.scalar(select(func.count()).select_from(live.subquery()))
    rows = session.execute(live.order_by(PossibleDuplicate.score.desc(), PossibleDuplicate.id).limit(limit))
    return [tuple(row) for row in rows], total or 0


def decide_duplicate(session: Session, pair_id: int, decision: str, *, actor: str, reason: str = "") -> Incident:
    """An analyst's verdict on a possible duplicate: `merge` (the later incident joins the earlier)
    or `apart` (two incidents, which linking will never join). Returns the incident to show."""
    actor = _actor(actor)
    if decision not in DUPLICATE_DECISIONS:
        raise ReviewError(f"decide a possible duplicate with one of: {', '.join(DUPLICATE_DECISIONS)}")
    pair = session.get(PossibleDuplicate, pair_id)
    if pair is None:
        raise ReviewError(f"there is no possible duplicate {pair_id}")
    if pair.state != "open":
        raise ReviewError(f"possible duplicate {pair_id} was decided already ({pair.state}, by {pair.decided_by})")
    if decision == "merge":
        kept = merge(session, pair.other_id, pair.incident_id, actor=actor,
                     reason=reason or f"possible duplicate {pair_id}: the same incident")
    else:
        reason = _reason(reason, "keep apart", required=False)
        for incident_id, other_id in ((pair.incident_id, pair.other_id), (pair.other_id, pair.incident_id)):
            repo.record_change(session, _live(session, incident_id), actor=actor, action="kept apart",
                               detail={"reason": reason, "other": other_id, "possible_duplicate": pair_id})
        kept = _live(session, pair.other_id)
    pair.state, pair.decided_by, pair.decided_at = DUPLICATE_DECISIONS[decision], actor, utcnow()
    session.flush()
    return kept
