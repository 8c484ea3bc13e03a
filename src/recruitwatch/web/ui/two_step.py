"""Two-step sign-in pages: setting it up, turning it off, and the code asked for after the password."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ...security import two_step
from ...security.accounts import AccountError, Throttled
from ...security.roles import STAFF
from ...store import accounts, audit
from ...store.models import User
from ..deps import (
    PASSWORD_PAGE,
    SESSION_LIFETIME,
    TWO_STEP_PAGE,
    Allow,
    Viewer,
    checked_form,
    db,
    set_session_cookie,
)
from ..i18n import N_
from ..render import render

router = APIRouter(include_in_schema=False)


def ask_for_code(request: Request, who: Viewer, user: User, target: str) -> Response:
    """After a right password: the code form, carrying a sealed token instead of a session."""
    return render(request, "login_code.html", who, pending=two_step.pending_sign_in(user), next=target, error=None)


def start_session(request: Request, session: Session, user: User, target: str) -> Response:
    """Sign the account in: a new session, the audit entry, and the cookie (the caller checked every factor)."""
    token, _ = accounts.start_session(session, user, SESSION_LIFETIME)
    accounts.purge_expired_sessions(session)
    audit.record(session, actor=user.username, action=audit.SIGN_IN, object_type="user", object_id=user.username,
                 detail={"two_step": two_step.is_enabled(user)})
    session.commit()
    response = RedirectResponse(PASSWORD_PAGE if user.must_change_password else target, status_code=303)
    set_session_cookie(response, request, token)
    return response


def second_step(request: Request, who: Viewer, session: Session, form: dict[str, str], target: str) -> Response:
    """POST /login with the sealed token and a code: the session starts only if the code is right."""
    pending = form.get("pending", "")[:2048]
    try:
        user, failed_for = two_step.finish_sign_in(session, pending, form.get("code", "")[:16])
    except Throttled as exc:
        session.rollback()
        return render(request, "login_code.html", who, status_code=429, pending=pending, next=target, error=str(exc))
    except AccountError as exc:
        session.rollback()
        return render(request, "login.html", who, status_code=400, next=target, error=str(exc))
    if user is None:
        audit.record_failed_sign_in(session, failed_for, "code")
        session.commit()
        return render(request, "login_code.html", who, status_code=401, pending=pending, next=target,
                      error=N_("That code is not right. Type the code your app shows now."))
    return start_session(request, session, user, target)


@router.get(TWO_STEP_PAGE)
def enrol_page(request: Request, who: Viewer = Depends(Allow(*STAFF))) -> Response:
    if two_step.is_enabled(who.user):
        return RedirectResponse("/account", status_code=303)
    return _enrol_form(request, who, two_step.start_enrolment(who.user), error=None)


def _enrol_form(request: Request, who: Viewer, enrolment: two_step.Enrolment, error: str | None, status_code: int = 200) -> Response:
    grouped = " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
    return render(request, "two_step.html", who, status_code=status_code, enrolment=enrolment, secret=grouped,
                  required=two_step.is_required(who.user), error=error)


@router.post(TWO_STEP_PAGE + "/confirm")
async def confirm(request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    form = await checked_form(request, who)
    token = form.get("enrolment", "")[:2048]
    try:
        two_step.confirm_enrolment(who.user, token, form.get("code", "")[:16])
    except AccountError as exc:
        session.rollback()
        try:
            enrolment = two_step.resume_enrolment(who.user, token)
        except AccountError:
            enrolment = two_step.start_enrolment(who.user)
        return _enrol_form(request, who, enrolment, error=str(exc), status_code=400)
    audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="user", object_id=who.user.username,
                 detail={"action": "two_step_on"})
    session.commit()
    return RedirectResponse("/account", status_code=303)


@router.post(TWO_STEP_PAGE + "/disable")
async def disable(request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    form = await checked_form(request, who)
    try:
        two_step.disable(session, who.user, form.get("code", "")[:16])
    except AccountError as exc:
        session.commit()  # the failure counts
        return render(request, "account.html", who, status_code=400, tokens=accounts.api_tokens_of(session, who.user),
                      new_token=None, message=None, two_step_error=str(exc))
    audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="user", object_id=who.user.username,
                 detail={"action": "two_step_off"})
    session.commit()
    return RedirectResponse("/account", status_code=303)
