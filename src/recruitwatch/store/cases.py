"""Appeals and cases: the SQL, with every piece of personal data sealed before it reaches a row.

Names, contacts, stories, referral addressees, notes, file names and file
contents are encrypted with the key ring (security.crypto), each bound to its
own column's context, so a database copy without the key file holds none of
them in clear. What stays in clear is what the workflow needs to sort and
count: status, dates, the assigned caseworker, the closed questionnaire
answers, file types, sizes and hashes.

Every action writes a CaseEvent (the case's timeline) and works in the
caller's session: the caller commits, as in store.review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..cases import codes
from ..cases.anonymise import anonymised_fields, clean_answers
from ..cases.files import DEFAULT_MAX_FILE_BYTES, check_file, clean_name
from ..cases.workflow import REFERRAL_KINDS, STATUSES, CaseError, check_transition
from ..security.crypto import key_ring
from ..security.roles import CASE_STAFF, PUBLISHED_STATES
from ..vocab import INCIDENT_FIELDS
from . import repository as repo
from .models import Case, CaseEvent, CaseFile, Incident, Suggestion, User, utcnow

MAX_STORY = 10_000
MAX_SHORT = 200  # a name or a contact
MAX_NOTE = 10_000
MAX_REFERRAL = 1_000
PUBLIC_ACTOR = "public"
# The one refusal for whoever may not see unpublished incidents: it tells nothing of which exist.
NO_PUBLISHED_INCIDENT = "no published incident with this number"
CONTEXTS = {  # one context per column: a value copied into another column does not open there
    "name": "case.name",
    "contact": "case.contact",
    "story": "case.story",
    "referral_to": "case.referral_to",
    "event": "case_event.text",
    "file_name": "case_file.name",
    "file_content": "case_file.content",
}


def _seal(text: str | None, what: str) -> str | None:
    return None if text is None else key_ring().encrypt(text, CONTEXTS[what])


def _open(token: str | None, what: str) -> str | None:
    return None if token is None else key_ring().decrypt_text(token, CONTEXTS[what])


def _text(value: str | None, field: str, limit: int, *, required: bool = False) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise CaseError(f"the {field} is required", key=f"{field}_required")
    if len(value) > limit:
        raise CaseError(f"the {field} is longer than {limit} characters", key=f"{field}_too_long")
    return value or None


def _actor(actor: str) -> str:
    if not actor or not actor.strip():
        raise CaseError("a case action needs the username of who does it")
    return actor.strip()


def _event(session: Session, case: Case, kind: str, actor: str, *, text: str | None = None, detail: dict | None = None) -> CaseEvent:
    """One line of the case's timeline; the case is marked as changed. `detail` never holds personal data."""
    case.updated_at = utcnow()
    event = CaseEvent(case_id=case.id, actor=actor, kind=kind, text_enc=_seal(text, "event"), detail=detail or {})
    session.add(event)
    return event


# -- intake


@dataclass
class NewCase:
    case: Case
    code: str
    secret: str  # shown to the submitter once, never stored


def create_case(
    session: Session, *, story: str, name: str | None = None, contact: str | None = None, answers: dict | None = None,
    language: str = "en", consent: bool = False, actor: str = PUBLIC_ACTOR,
) -> NewCase:
    """A new appeal: status new, a fresh code and secret, personal data sealed; consent recorded if given."""
    story = _text(story, "story", MAX_STORY, required=True)
    name, contact = _text(name, "name", MAX_SHORT), _text(contact, "contact", MAX_SHORT)
    clean = clean_answers(answers or {})
    code, secret = _free_code(session), codes.new_secret()
    case = Case(
        code=code, secret_hash=codes.secret_digest(secret), status="new", language=(language or "en")[:8],
        anonymous=name is None and contact is None, name_enc=_seal(name, "name"), contact_enc=_seal(contact, "contact"),
        story_enc=_seal(story, "story"), answers=clean, consent_to_link=False,
    )
    session.add(case)
    session.flush()
    _event(session, case, "created", actor, detail={"status": "new", "answers": sorted(clean)})
    if consent:
        record_consent(session, case, by="appeal form", actor=actor)
    return NewCase(case, code, secret)


def _free_code(session: Session) -> str:
    for _ in range(20):
        code = codes.new_code()
        if session.scalar(select(Case.id).where(Case.code == code)) is None:
            return code
    raise CaseError("could not find a free case code; try again")  # 31^8 codes: practically never


def add_file(
    session: Session, case: Case, filename: str, declared_type: str | None, data: bytes, *,
    actor: str = PUBLIC_ACTOR, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> CaseFile:
    """A file of the case: type checked by its first bytes, SHA-256 of the original kept, name and bytes sealed."""
    media_type = check_file(filename, declared_type, data, max_bytes)
    sealed = key_ring().encrypt(data, CONTEXTS["file_content"]).encode("ascii")
    row = CaseFile(
        case_id=case.id, filename_enc=_seal(clean_name(filename), "file_name"), media_type=media_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), content_enc=sealed,
    )
    session.add(row)
    session.flush()
    _event(session, case, "file", actor, detail={"file_id": row.id, "media_type": media_type, "size": len(data)})
    return row


# -- the submitter's status check


def case_by_code(session: Session, code: str) -> Case | None:
    normal = codes.normalise_code(code)
    return None if normal is None else session.scalar(select(Case).where(Case.code == normal))


def verify_secret(session: Session, code: str, secret: str) -> Case | None:
    """The case if the secret is its own; the same work is done for an unknown code (no timing hint)."""
    case = case_by_code(session, code)
    return case if codes.secret_matches(secret, case.secret_hash if case else None) else None


# -- messages between caseworkers and the appellant

MAX_MESSAGE = 5_000
TO_APPELLANT, FROM_APPELLANT = "to_appellant", "from_appellant"


def message_appellant(session: Session, case: Case, text: str, *, actor: str) -> CaseEvent:
    """A caseworker's message: sealed like a note, read by the appellant on the status page with
    the code and secret, and sent nowhere else (no e-mail, no SMS: those could expose him)."""
    text = _text(text, "message", MAX_MESSAGE, required=True)
    return _event(session, case, TO_APPELLANT, _actor(actor), text=text)


def appellant_reply(session: Session, case: Case, text: str) -> CaseEvent:
    """The appellant's answer, written on the status page after the code and secret were checked."""
    text = _text(text, "message", MAX_MESSAGE, required=True)
    return _event(session, case, FROM_APPELLANT, PUBLIC_ACTOR, text=text)


def conversation(session: Session, case: Case) -> list[dict]:
    """The messages both ways, oldest first, as the appellant sees them: no caseworker's name."""
    events = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind.in_((TO_APPELLANT, FROM_APPELLANT)))
        .order_by(CaseEvent.id)
    )
    return [
        {"at": e.at, "from": "caseworker" if e.kind == TO_APPELLANT else "appellant", "text": _open(e.text_enc, "event")}
        for e in events
    ]


def public_timeline(session: Session, case: Case) -> list[dict]:
    """What the submitter sees: when the case came in and each status it took; no notes, no names."""
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind.in_(("created", "status"))).order_by(CaseEvent.id)
    )
    return [{"at": e.at, "status": e.detail.get("status") or e.detail.get("to")} for e in events]


# -- caseworkers' views


def get_case(session: Session, case_id: int, *, for_update: bool = False) -> Case | None:
    """The case; locked for this transaction on PostgreSQL when it is about to change."""
    return session.get(Case, case_id, with_for_update=for_update)


def _overdue(today: dt.date):
    return (Case.deadline < today) & (Case.status != "closed")


def list_cases(
    session: Session, *, status: str | None = None, assigned_to: int | None = None, overdue: bool = False,
    today: dt.date | None = None, limit: int = 500,
) -> list[Case]:
    """Cases newest first, filtered; `overdue`: a deadline before today and not closed."""
    query = select(Case).order_by(Case.id.desc()).limit(limit)
    if status:
        if status not in STATUSES:
            raise CaseError(f"unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
        query = query.where(Case.status == status)
    if assigned_to is not None:
        query = query.where(Case.assigned_to == assigned_to)
    if overdue:
        query = query.where(_overdue(today or dt.date.today()))
    return list(session.scalars(query))


def case_counts(session: Session, *, user_id: int | None = None, today: dt.date | None = None) -> dict[str, int]:
    """How many cases in each status, and how many are overdue, assigned to `user_id`, and in all."""
    counts = {status: 0 for status in STATUSES}
    counts.update(dict(session.execute(select(Case.status, func.count()).group_by(Case.status)).all()))
    counts["all"] = sum(counts[s] for s in STATUSES)
    counts["overdue"] = session.scalar(select(func.count()).select_from(Case).where(_overdue(today or dt.date.today()))) or 0
    counts["mine"] = 0
    if user_id is not None:
        counts["mine"] = session.scalar(select(func.count()).select_from(Case).where(Case.assigned_to == user_id)) or 0
    return counts


def details(case: Case) -> dict:
    """The case's personal data, opened for a caseworker."""
    return {
        "name": _open(case.name_enc, "name"),
        "contact": _open(case.contact_enc, "contact"),
        "story": _open(case.story_enc, "story"),
        "referral_to": _open(case.referral_to_enc, "referral_to"),
    }


def files_of(session: Session, case: Case) -> list[dict]:
    rows = session.scalars(select(CaseFile).where(CaseFile.case_id == case.id).order_by(CaseFile.id))
    return [
        {"id": f.id, "name": _open(f.filename_enc, "file_name"), "media_type": f.media_type, "size": f.size,
         "sha256": f.sha256, "created_at": f.created_at}
        for f in rows
    ]


def file_content(session: Session, case_id: int, file_id: int) -> tuple[str, str, bytes] | None:
    """(name, media type, original bytes) of one file of one case; None if that case has no such file."""
    row = session.scalar(select(CaseFile).where(CaseFile.id == file_id, CaseFile.case_id == case_id))
    if row is None:
        return None
    data = key_ring().decrypt(row.content_enc.decode("ascii"), CONTEXTS["file_content"])
    return _open(row.filename_enc, "file_name"), row.media_type, data


def timeline(session: Session, case: Case) -> list[dict]:
    """Every event of the case, oldest first, notes and referral texts opened (for caseworkers only)."""
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    return [
        {"at": e.at, "actor": e.actor, "kind": e.kind, "detail": e.detail, "text": _open(e.text_enc, "event")}
        for e in events
    ]


def case_staff(session: Session) -> list[User]:
    """Accounts a case may be assigned to: caseworkers and admins that are not disabled."""
    return list(session.scalars(
        select(User).where(User.role.in_(CASE_STAFF), User.disabled.is_(False)).order_by(User.username)
    ))


def usernames(session: Session, user_ids) -> dict[int, str]:
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


# -- caseworkers' actions


def change_status(session: Session, case: Case, status: str, *, actor: str, reason: str | None = None) -> Case:
    """Move the case along the workflow (cases.workflow says which moves are allowed); a reason is kept sealed."""
    actor = _actor(actor)
    check_transition(case.status, status)
    before, case.status = case.status, status
    _event(session, case, "status", actor, text=_text(reason, "note", MAX_NOTE), detail={"from": before, "to": status})
    return case


def assign(session: Session, case: Case, user_id: int | None, *, actor: str) -> Case:
    """Give the case to a caseworker or an admin (None: to nobody)."""
    actor = _actor(actor)
    username = None
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or user.disabled or user.role not in CASE_STAFF:
            raise CaseError("a case can be assigned only to an active caseworker or admin")
        username = user.username
    if case.assigned_to == user_id:
        raise CaseError(f"the case is already assigned to {username or 'nobody'}")
    case.assigned_to = user_id
    _event(session, case, "assigned", actor, detail={"to": username})
    return case


def add_note(session: Session, case: Case, text: str, *, actor: str) -> CaseEvent:
    """A caseworker's note: sealed, seen by case staff only, never by the submitter."""
    return _event(session, case, "note", _actor(actor), text=_text(text, "note", MAX_NOTE, required=True))


def set_deadline(session: Session, case: Case, deadline: dt.date | None, *, actor: str) -> Case:
    """When the next step is due (None removes it); a case past it and not closed is overdue."""
    actor = _actor(actor)
    if case.deadline == deadline:
        raise CaseError("the deadline is already " + (deadline.isoformat() if deadline else "unset"))
    case.deadline = deadline
    _event(session, case, "deadline", actor, detail={"deadline": deadline.isoformat() if deadline else None})
    return case


def refer(session: Session, case: Case, kind: str, to_text: str, *, actor: str) -> Case:
    """Refer the case to a consulate, an NGO, a lawyer or a UN body; the addressee is sealed. Moves it to referred."""
    actor = _actor(actor)
    if kind not in REFERRAL_KINDS:
        raise CaseError(f"unknown referral kind {kind!r}; choose one of: {', '.join(REFERRAL_KINDS)}")
    if case.status == "closed":
        raise CaseError("the case is closed: reopen it (in_progress) before referring it")
    to_text = _text(to_text, "referral", MAX_REFERRAL, required=True)
    case.referral_kind, case.referral_to_enc = kind, _seal(to_text, "referral_to")
    _event(session, case, "referred", actor, text=to_text, detail={"kind": kind})
    if case.status != "referred":
        change_status(session, case, "referred", actor=actor)
    return case


def record_consent(session: Session, case: Case, *, by: str, at: dt.datetime | None = None, actor: str | None = None) -> Case:
    """The person agreed that the case's anonymised facts may be used in statistics: who recorded it, and when."""
    by = _actor(by)
    if case.consent_to_link:
        raise CaseError(f"consent was already recorded by {case.consent_recorded_by}")
    at = at or utcnow()
    case.consent_to_link, case.consent_recorded_by, case.consent_recorded_at = True, by[:64], at
    _event(session, case, "consent", _actor(actor or by), detail={"by": by[:64], "at": at.isoformat()})
    return case


def link_incident(
    session: Session, case: Case, incident_id: int, *, actor: str, visible_states: tuple[str, ...] | None = PUBLISHED_STATES,
) -> dict:
    """Link the case to an incident, only with consent. The incident's fields do not change: the case's
    `anonymised_fields` become suggestions, one per field with the case as their source, for an analyst to
    accept or dismiss (store.review).

    `visible_states`: the review states the linker may see (None: every one, for incident staff). To anyone
    else, every incident they may not see is refused with the same words, so a refusal tells nothing of
    which incidents exist. Returns what was suggested (with the month the appeal came in).
    """
    actor = _actor(actor)
    if not case.consent_to_link:
        raise CaseError("no consent recorded: a case is linked to an incident only when the person agreed")
    if case.incident_id is not None:
        raise CaseError("the case is already linked to an incident")
    incident = _linkable(session, incident_id, visible_states)
    anonymised = anonymised_fields(case)
    suggested = {field: value for field, value in anonymised.items() if field in INCIDENT_FIELDS}
    session.add_all(
        Suggestion(incident_id=incident.id, case_id=case.id, field=field, value=value,
                   reported_month=anonymised.get("reported_month"), state="pending", created_by=actor)
        for field, value in suggested.items()
    )
    repo.record_change(
        session, incident, actor=actor, action="linked",
        detail={"reason": "an appeal, with consent: its anonymised answers await an analyst's review",
                "case_id": case.id, "suggested": sorted(suggested)},
    )
    case.incident_id = incident.id
    _event(session, case, "linked", actor, detail={"incident_id": incident.id, "fields": anonymised})
    session.flush()
    return anonymised


def _linkable(session: Session, incident_id: int, visible_states: tuple[str, ...] | None) -> Incident:
    """The incident a case may be linked to, locked as review actions lock it; refused otherwise."""
    incident = session.get(Incident, incident_id, with_for_update=True)
    if visible_states is not None:
        if incident is None or incident.merged_into is not None or incident.review_state not in visible_states:
            raise CaseError(NO_PUBLISHED_INCIDENT)
        return incident
    if incident is None:
        raise CaseError(f"no incident {incident_id}")
    if incident.merged_into is not None:
        raise CaseError(f"incident {incident_id} was merged into incident {incident.merged_into}; link to that one")
    if incident.review_state == "rejected":
        raise CaseError(f"incident {incident_id} is rejected; link the case to a real incident")
    return incident


def linked_incident(session: Session, case: Case, visible_states: tuple[str, ...] | None) -> int | None:
    """The number of the incident the case is linked to as this viewer may see it: where it was merged to,
    or None if they may not see it (a caseworker is shown nothing of an unpublished incident)."""
    incident = session.get(Incident, case.incident_id) if case.incident_id is not None else None
    if incident is not None and incident.merged_into is not None:
        if visible_states is not None and incident.review_state not in visible_states:
            return None
        incident = session.get(Incident, incident.merged_into)
    if incident is None or (visible_states is not None and incident.review_state not in visible_states):
        return None
    return incident.id
