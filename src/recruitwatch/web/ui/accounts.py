"""Signing in and out, changing one's password and language, API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ...security import accounts as account_rules
from ...security import two_step
from ...security.roles import STAFF
from ...store import accounts, audit
from ..deps import (
    PASSWORD_PAGE,
    PUBLIC,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    Allow,
    RecordId,
    Viewer,
    checked_form,
    db,
    set_session_cookie,
)
from ..i18n import LANGUAGES, N_
from ..render import local_path, render
from .two_step import ask_for_code, second_step

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only paths on this site: never an open redirect to somebody else's."""
    return local_path(target)


@router.get("/login")
def login_page(request: Request, who: Viewer = Depends(PUBLIC), next: str | None = None) -> Response:
    return render(request, "login.html", who, next=_safe_next(next), error=None)


@router.post("/login")
async def login(request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    form = await checked_form(request, who)
    target = _safe_next(form.get("next"))
    if "pending" in form:  # the code after a right password (two-step sign-in)
        return second_step(request, who, session, form, target)
    username = form.get("username", "")[:64]
    try:
        user = account_rules.authenticate(session, username, form.get("password", "")[:1024])
    except account_rules.Throttled as exc:
        session.commit()
        return render(request, "login.html", who, status_code=429, next=target, error=str(exc), username=username)
    if user is None:
        audit.record_failed_sign_in(session, username, "password")
        session.commit()
        return render(request, "login.html", who, status_code=401, next=target,
                      error=N_("Wrong username or password."), username=username)
    if two_step.is_enabled(user):  # no session until the code is right too
        session.commit()
        return ask_for_code(request, who, user, target)
    token, _ = accounts.start_session(session, user, SESSION_LIFETIME)
    accounts.purge_expired_sessions(session)
    audit.record(session, actor=user.username, action=audit.SIGN_IN, object_type="user", object_id=user.username)
    session.commit()
    response = RedirectResponse(PASSWORD_PAGE if user.must_change_password else target, status_code=303)
    set_session_cookie(response, request, token)
    return response


@router.post("/logout")
async def logout(request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    await checked_form(request, who)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(session, token)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account")
def account_page(request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db), new_token: str | None = None) -> Response:
    return render(request, "account.html", who, tokens=accounts.api_tokens_of(session, who.user), new_token=None, message=None)


@router.post("/account/tokens")
async def add_token(request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    form = await checked_form(request, who)
    name = (form.get("name") or "script").strip()[:128] or "script"
    token = accounts.add_api_token(session, who.user, name)
    session.commit()
    return render(request, "account.html", who, tokens=accounts.api_tokens_of(session, who.user), new_token=token, message=None)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(token_id: RecordId, request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    await checked_form(request, who)
    accounts.revoke_api_token(session, who.user, token_id)
    session.commit()
    return RedirectResponse("/account", status_code=303)


@router.post("/account/language")
async def set_language(request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    form = await checked_form(request, who)
    if form.get("language") in LANGUAGES:
        who.user.language = form["language"]
        session.commit()
    return RedirectResponse("/account", status_code=303)


@router.get(PASSWORD_PAGE)
def password_page(request: Request, who: Viewer = Depends(Allow(*STAFF))) -> Response:
    return render(request, "password.html", who, error=None)


@router.post(PASSWORD_PAGE)
async def change_password(request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    form = await checked_form(request, who)
    current, new, again = form.get("current", ""), form.get("new", ""), form.get("again", "")
    from ...security.secrets import verify_password

    error = None
    if not verify_password(who.user.password_hash, current[:1024]):
        error = N_("The current password is wrong.")
    elif new != again:
        error = N_("The two new passwords differ.")
    else:
        try:
            account_rules.change_password(session, who.user, new)
        except account_rules.AccountError as exc:
            error = str(exc)
    if error:
        session.rollback()
        return render(request, "password.html", who, status_code=400, error=error)
    token, _ = accounts.start_session(session, who.user, SESSION_LIFETIME)  # the old sessions ended
    session.commit()
    response = RedirectResponse("/incidents", status_code=303)
    set_session_cookie(response, request, token)
    return response
