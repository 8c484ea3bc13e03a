"""Admins' pages: accounts (add, disable, enable, reset a password or two-step sign-in) and the audit log.

The same rules as `recruitwatch users …` (security.accounts); a one-time
password is shown once, on the page that made it, never stored in clear.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ...security import accounts as account_rules
from ...security import two_step
from ...security.roles import ADMINS, ROLES
from ...store import accounts, audit
from ..deps import Allow, Viewer, checked_form, db
from ..filters import record_number
from ..i18n import LANGUAGES, N_
from ..render import render

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100
ACTIONS = ("disable", "enable", "reset_password", "reset_two_step")


def _users_page(request: Request, who: Viewer, session: Session, *, status_code: int = 200, problem: str | None = None,
                one_time: tuple[str, str] | None = None, typed: dict | None = None) -> Response:
    return render(request, "admin_users.html", who, status_code=status_code, users=accounts.all_users(session), roles=ROLES,
                  languages=LANGUAGES, problem=problem, one_time=one_time, typed=typed or {})


@router.get("/admin/users")
def users(request: Request, who: Viewer = Depends(Allow(*ADMINS)), session: Session = Depends(db)) -> Response:
    return _users_page(request, who, session)


@router.post("/admin/users")
async def add_user(request: Request, who: Viewer = Depends(Allow(*ADMINS)), session: Session = Depends(db)) -> Response:
    form = await checked_form(request, who)
    username, role = (form.get("username") or "").strip().lower()[:64], form.get("role", "")
    language = form.get("language") if form.get("language") in LANGUAGES else "en"
    try:
        account = account_rules.create_user(session, username, role, language=language)
        audit.record(session, actor=who.user.username, action=audit.CREATE, object_type="user", object_id=account.user.username,
                     detail={"role": role})
        session.commit()
    except account_rules.AccountError as exc:
        session.rollback()
        return _users_page(request, who, session, status_code=400, problem=str(exc), typed={"username": username, "role": role})
    return _users_page(request, who, session, one_time=(account.user.username, account.one_time_password))


@router.post("/admin/users/{username}")
async def change_user(username: str, request: Request, who: Viewer = Depends(Allow(*ADMINS)), session: Session = Depends(db)) -> Response:
    """Disable, enable, or reset the password or two-step sign-in of an account (not one's own: the account page does that)."""
    form = await checked_form(request, who)
    action = form.get("action", "")
    one_time = None
    try:
        if action not in ACTIONS:
            raise account_rules.AccountError(N_("choose what to do with the account"))
        if username.strip().lower() == who.user.username:
            raise account_rules.AccountError(N_("not your own account here: another admin, or the command line, can do that"))
        if action in ("disable", "enable"):
            user = account_rules.set_disabled(session, username, action == "disable")
        elif action == "reset_password":
            one_time = (username.strip().lower(), account_rules.reset_password(session, username))
            user = accounts.user_by_name(session, username.strip().lower())
        else:
            user = two_step.reset(session, username)
        audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="user", object_id=user.username,
                     detail={"action": action})
        session.commit()
    except account_rules.AccountError as exc:
        session.rollback()
        return _users_page(request, who, session, status_code=400, problem=str(exc))
    if one_time:
        return _users_page(request, who, session, one_time=one_time)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit")
def audit_log(request: Request, who: Viewer = Depends(Allow(*ADMINS)), session: Session = Depends(db)) -> Response:
    """The newest entries first, a page at a time, filtered by actor, action or kind of object; reading it is audited too."""
    params = request.query_params
    chosen = {name: (params.get(name) or "").strip()[:64] for name in ("actor", "action", "object_type")}
    before = record_number(params.get("before"))
    entries = audit.page(session, before=before, limit=AUDIT_PAGE, **chosen)
    audit.record(session, actor=who.user.username, action=audit.READ, object_type="audit_log",
                 detail={"filters": sorted(k for k, v in chosen.items() if v), "entries": len(entries)})
    session.commit()
    older = entries[-1].id if len(entries) == AUDIT_PAGE else None
    return render(request, "admin_audit.html", who, entries=entries, chosen=chosen, older=older)
