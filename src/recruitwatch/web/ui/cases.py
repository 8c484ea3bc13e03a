"""Caseworkers' pages: the list of cases, one case with its personal data opened, its files and its timeline.

Only case staff (caseworkers and admins) reach these routes; analysts and
viewers never do. A caseworker never sees an unpublished incident: not in
the link form's refusals, not on a case page. Every form posts with the
session's CSRF token, and every action goes through store.cases, which
writes the timeline.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable, Iterator

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from ...cases.files import download_name
from ...cases.workflow import REFERRAL_KINDS, STATUSES, CaseError, next_statuses
from ...security.roles import CASE_STAFF
from ...store import audit, cases, tipline
from ...store.models import Case
from ..appeal_text import translator
from ..deps import MAX_RECORD_NUMBER, Allow, Viewer, checked_form, db
from ..filters import record_number
from ..i18n import N_
from ..render import render

router = APIRouter(include_in_schema=False)
CASE_ONLY = Allow(*CASE_STAFF)
CaseId = Path(ge=1, le=MAX_RECORD_NUMBER)
FileId = Path(ge=1, le=MAX_RECORD_NUMBER)

# Words the store writes and these pages show with _(word).
STATUS_NAMES = {"new": N_("new"), "triaged": N_("triaged"), "in_progress": N_("in progress"),
                "referred": N_("referred"), "closed": N_("closed")}
REFERRAL_NAMES = {"consulate": N_("consulate"), "ngo": N_("NGO"), "lawyer": N_("lawyer"), "un_body": N_("UN body")}
EVENT_NAMES = {
    "created": N_("appeal received"), "status": N_("status changed"), "assigned": N_("assigned"), "note": N_("note"),
    "deadline": N_("deadline set"), "referred": N_("referred"), "consent": N_("consent recorded"),
    "linked": N_("linked to an incident"), "file": N_("file received"),
    "to_appellant": N_("message to the appellant"), "from_appellant": N_("answer from the appellant"),
}


def _not_found(request: Request, who: Viewer) -> Response:
    return render(request, "error.html", who, status_code=404, title=N_("Not found"), message=N_("There is no such case."))


def _flag(value: str | None) -> bool:
    return value in ("1", "true", "on", "yes")


@router.get("/cases")
def case_list(request: Request, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db),
              status: str | None = None, mine: str | None = None, overdue: str | None = None) -> Response:
    today = dt.date.today()
    status = status or None
    if status is not None and status not in STATUSES:
        return render(request, "error.html", who, status_code=400, title=N_("Invalid request"),
                      message=N_("Unknown case status."))
    items = cases.list_cases(session, status=status, assigned_to=who.user.id if _flag(mine) else None,
                             overdue=_flag(overdue), today=today)
    return render(
        request, "cases/list.html", who, cases=items, counts=cases.case_counts(session, user_id=who.user.id, today=today),
        names=cases.usernames(session, (c.assigned_to for c in items)), filters={"status": status, "mine": _flag(mine),
        "overdue": _flag(overdue)}, statuses=STATUSES, status_names=STATUS_NAMES, today=today, t=translator(who.language),
    )


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db)) -> Response:
    case = cases.get_case(session, case_id)
    if case is None:
        return _not_found(request, who)
    audit.record(session, actor=who.user.username, action=audit.READ, object_type="case", object_id=case_id)
    session.commit()
    response = render(
        request, "cases/case.html", who, case=case, details=cases.details(case), files=cases.files_of(session, case),
        timeline=cases.timeline(session, case), staff=cases.case_staff(session),
        linked=cases.linked_incident(session, case, who.visible_states), via_tipline=tipline.has_chat(session, case),
        assigned=cases.usernames(session, [case.assigned_to]).get(case.assigned_to), next_statuses=next_statuses(case.status),
        status_names=STATUS_NAMES, referral_kinds=REFERRAL_KINDS, referral_names=REFERRAL_NAMES, event_names=EVENT_NAMES,
        today=dt.date.today(), t=translator(who.language), done=request.query_params.get("done") == "1",
    )
    return response


def _chunks(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def content_disposition(name: str) -> str:
    """attachment, with an ASCII fallback name and the real one in RFC 5987 form."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


@router.get("/cases/{case_id}/files/{file_id}")
def download(request: Request, case_id: int = CaseId, file_id: int = FileId, who: Viewer = Depends(CASE_ONLY),
             session: Session = Depends(db)) -> Response:
    """The file as it was sent, decrypted: always a download, never shown inline, its type not guessed."""
    found = cases.file_content(session, case_id, file_id)
    if found is None:
        return _not_found(request, who)
    audit.record(session, actor=who.user.username, action=audit.READ, object_type="case_file", object_id=file_id,
                 detail={"case_id": case_id})
    session.commit()
    name, media_type, data = found
    headers = {
        "Content-Disposition": content_disposition(download_name(name, media_type)),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "no-store",
        "Content-Length": str(len(data)),
    }
    return StreamingResponse(_chunks(data), media_type=media_type, headers=headers)


# -- actions


async def _act(request: Request, who: Viewer, session: Session, case_id: int, name: str,
               action: Callable[[Case, dict, str], object]) -> Response:
    """Check the form's token, lock the case, act, write the audit entry, commit; a refusal shows why."""
    form = await checked_form(request, who)
    case = cases.get_case(session, case_id, for_update=True)
    if case is None:
        return _not_found(request, who)
    try:
        action(case, form, who.user.username)
        detail = {"action": name} | ({"incident_id": case.incident_id} if name == "link" else {})
        audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="case", object_id=case_id, detail=detail)
        session.commit()
    except (CaseError, ValueError) as exc:
        session.rollback()
        return render(request, "error.html", who, status_code=400, title=N_("Not done"), message=str(exc))
    return RedirectResponse(f"/cases/{case_id}?done=1", status_code=303)


@router.post("/cases/{case_id}/status")
async def change_status(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, case_id, "status", lambda case, form, actor: cases.change_status(
        session, case, form.get("status", ""), actor=actor, reason=form.get("reason")))


@router.post("/cases/{case_id}/assign")
async def assign(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db)) -> Response:
    def action(case: Case, form: dict, actor: str) -> None:
        raw = form.get("user_id", "").strip()
        user_id = record_number(raw)
        if raw and user_id is None:
            raise ValueError("choose a caseworker from the list")
        cases.assign(session, case, user_id, actor=actor)

    return await _act(request, who, session, case_id, "assign", action)


@router.post("/cases/{case_id}/note")
async def add_note(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, case_id, "note", lambda case, form, actor: cases.add_note(
        session, case, form.get("text", ""), actor=actor))


@router.post("/cases/{case_id}/message")
async def message_appellant(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY),
                            session: Session = Depends(db)) -> Response:
    """A message the appellant reads on the status page with his code and secret (and nowhere else)."""
    return await _act(request, who, session, case_id, "message", lambda case, form, actor: cases.message_appellant(
        session, case, form.get("text", ""), actor=actor))


def _date(raw: str, what: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"the {what} must be a date written YYYY-MM-DD (got {raw[:20]!r})") from None


@router.post("/cases/{case_id}/deadline")
async def set_deadline(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, case_id, "deadline", lambda case, form, actor: cases.set_deadline(
        session, case, _date(form.get("deadline", ""), "deadline"), actor=actor))


@router.post("/cases/{case_id}/refer")
async def refer(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, case_id, "refer", lambda case, form, actor: cases.refer(
        session, case, form.get("kind", ""), form.get("to", ""), actor=actor))


@router.post("/cases/{case_id}/consent")
async def record_consent(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db)) -> Response:
    def action(case: Case, form: dict, actor: str) -> None:
        given = _date(form.get("given_on", ""), "date of the consent") or dt.date.today()
        if given > dt.date.today():
            raise ValueError("the consent cannot have been given in the future")
        at = None if given == dt.date.today() else dt.datetime.combine(given, dt.time(12), tzinfo=dt.UTC)
        cases.record_consent(session, case, by=actor, at=at)

    return await _act(request, who, session, case_id, "consent", action)


def incident_number(raw: str) -> int:
    """The incident number typed in a form: digits (a leading # allowed) within the databases' integer range."""
    number = record_number((raw or "").strip().removeprefix("#"))
    if not number:
        raise ValueError("give the number of the incident, as on its page (/incidents/NUMBER)")
    return number


@router.post("/cases/{case_id}/link")
async def link_incident(request: Request, case_id: int = CaseId, who: Viewer = Depends(CASE_ONLY), session: Session = Depends(db)) -> Response:
    """Only to an incident this account may see: a caseworker, only published ones (one refusal for all others)."""
    return await _act(request, who, session, case_id, "link", lambda case, form, actor: cases.link_incident(
        session, case, incident_number(form.get("incident", "")), actor=actor, visible_states=who.visible_states))
