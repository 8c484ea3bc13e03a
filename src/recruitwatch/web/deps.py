"""Who is asking and may they: the request's database session, viewer, role check and CSRF check.

Every route takes exactly one `Allow(...)` dependency naming the roles it
serves (or `PUBLIC`), so the set of routes and their roles can be read off the
app: the authorisation tests enumerate them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as FastAPIPath
from sqlalchemy.orm import Session

from ..security import two_step
from ..security.roles import CASE_STAFF, INCIDENT_STAFF, PUBLISHED_STATES, REVIEWERS, ROLES
from ..security.secrets import same
from ..store import accounts
from ..store.models import User, WebSession
from .i18n import LANGUAGES, pick_language

MAX_RECORD_NUMBER = 2_147_483_647  # the databases' integer range
# A record number in a path: positive and within the databases' integer range (never a 500 on a huge number).
RecordId = Annotated[int, FastAPIPath(ge=1, le=MAX_RECORD_NUMBER)]

SESSION_COOKIE = "rw_session"
LANGUAGE_COOKIE = "rw_lang"
SESSION_LIFETIME = dt.timedelta(hours=12)
PASSWORD_PAGE = "/account/password"
TWO_STEP_PAGE = "/account/two-step"  # where accounts that must use a second factor set it up


def secure_cookies(request: Request) -> bool:
    """Whether cookies are sent over HTTPS only: the request came by HTTPS, or the app sits behind a
    TLS proxy and sees plain http (`serve --secure-cookies`). Every cookie the app sets asks this."""
    return request.url.scheme == "https" or bool(getattr(request.app.state, "secure_cookies", False))


def set_session_cookie(response, request: Request, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), httponly=True,
                        samesite="lax", secure=secure_cookies(request))


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str, who: Viewer | None = None) -> None:
        super().__init__(message)
        self.who = who  # who was refused: the error page still shows them signed in


class MustChangePassword(Exception):
    pass


class MustEnrolTwoStep(Exception):
    pass


class BadCsrf(Exception):
    pass


@dataclass
class Viewer:
    user: User | None = None
    web_session: WebSession | None = None
    via_token: bool = False
    language: str = "en"

    @property
    def role(self) -> str | None:
        return self.user.role if self.user else None

    @property
    def is_staff(self) -> bool:
        """Incident staff: unpublished incidents, names, documents. A caseworker is not (see roles.py)."""
        return self.role in INCIDENT_STAFF

    @property
    def sees_cases(self) -> bool:
        return self.role in CASE_STAFF

    @property
    def can_review(self) -> bool:
        return self.role in REVIEWERS

    @property
    def sees_personal_data(self) -> bool:
        """Names and quotes: staff only; the public sees published, redacted records."""
        return self.is_staff

    @property
    def visible_states(self) -> tuple[str, ...] | None:
        """Review states this viewer may see (None: all)."""
        return None if self.is_staff else PUBLISHED_STATES

    @property
    def csrf_token(self) -> str:
        return self.web_session.csrf_token if self.web_session else ""


async def db(request: Request) -> AsyncIterator[Session]:
    """A session for the request. Async only to spare a trip to the thread pool: making a
    session touches no database (its first query does, in the route's thread)."""
    with request.app.state.sessions() as session:
        yield session


def viewer(request: Request, session: Session = Depends(db)) -> Viewer:
    """Who is asking, in which language: ?lang= (remembered for the account), the account's, the cookie's, the browser's."""
    who = _identify(request, session)
    requested = request.query_params.get("lang")
    if who.user is not None and requested in LANGUAGES and requested != who.user.language:
        who.user.language = requested
        session.commit()
    who.language = pick_language(
        requested,
        who.user.language if who.user else request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )
    return who


def bearer_token(request: Request) -> str | None:
    """The API token the request presents, if any (then it is used or refused, never ignored)."""
    authorization = request.headers.get("authorization", "")
    return authorization[7:].strip() if authorization.lower().startswith("bearer ") else None


def _identify(request: Request, session: Session) -> Viewer:
    token = bearer_token(request)
    if token is not None:
        user = accounts.user_for_api_token(session, token)
        if user is None:
            raise NotSignedIn("invalid or revoked API token")
        if user.must_change_password:  # reset by an admin: nothing until the owner chose a new password
            raise NotSignedIn("API token refused: its account must first change its one-time password, then make a new token")
        if session.dirty:  # last_used_at moved on
            session.commit()
        return Viewer(user=user, via_token=True)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        row = accounts.session_for_token(session, token)
        if row is not None:
            return Viewer(user=row.user, web_session=row)
    return Viewer()


class Allow:
    """A route's declaration of who may use it: roles, or the public."""

    def __init__(self, *roles: str, public: bool = False) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {unknown}")
        self.roles = tuple(roles)
        self.public = public

    def __repr__(self) -> str:
        return "Allow(public)" if self.public else f"Allow({', '.join(self.roles)})"

    async def __call__(self, request: Request, who: Viewer = Depends(viewer)) -> Viewer:
        """Checks on the account already loaded (no I/O): async, so no trip to the thread pool."""
        if (
            who.user is not None
            and who.user.must_change_password  # (a token of such an account was refused already)
            and request.url.path not in (PASSWORD_PAGE, "/logout")
        ):
            raise MustChangePassword()
        if (
            who.user is not None
            and not who.via_token
            and not who.user.must_change_password  # that comes first
            and not request.url.path.startswith((TWO_STEP_PAGE, "/logout"))
            and two_step.is_required(who.user)
        ):
            raise MustEnrolTwoStep()
        if self.public:
            return who
        if who.user is None:
            raise NotSignedIn("sign in to see this page")
        if who.user.role not in self.roles:
            raise Forbidden(f"the {who.user.role} role may not do this", who)
        return who


PUBLIC = Allow(public=True)


async def checked_form(request: Request, who: Viewer) -> dict[str, str]:
    """The posted form, after its CSRF token is compared with the session's (token clients are exempt)."""
    form = await request.form()
    if who.via_token:
        return {k: v for k, v in form.items() if isinstance(v, str)}
    sent = form.get("csrf_token")
    expected = who.csrf_token or request.cookies.get("rw_csrf", "")
    if not isinstance(sent, str) or not expected or not same(sent, expected):
        raise BadCsrf()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def api_routes(app) -> list:
    """Every APIRoute of the app, also those of included routers (newer FastAPI keeps them nested)."""
    from fastapi.routing import APIRoute

    found, stack = [], list(app.routes)
    while stack:
        route = stack.pop(0)
        if isinstance(route, APIRoute):
            found.append(route)
        elif getattr(route, "original_router", None) is not None:  # our routers are included without a prefix
            stack.extend(route.original_router.routes)
    return found


def allow_of(route) -> Allow | None:
    """The Allow declaration of a route, if it has one (for the authorisation tests and docs)."""
    for dependency in getattr(route, "dependant", None).dependencies if hasattr(route, "dependant") else ():
        if isinstance(dependency.call, Allow):
            return dependency.call
    return None
