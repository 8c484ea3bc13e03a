"""The FastAPI application: routers, static files, security headers and error pages."""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
import fastapi_offline
from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..security.crypto import KeyRingError
from ..settings import database_url, web_threads
from ..store.database import sessions
from .deps import (
    PUBLIC,
    TWO_STEP_PAGE,
    BadCsrf,
    Forbidden,
    MustChangePassword,
    MustEnrolTwoStep,
    NotSignedIn,
    Viewer,
    bearer_token,
)
from .headers import SecurityHeaders
from .i18n import N_, pick_language

logger = logging.getLogger(__name__)

@asynccontextmanager
async def _lifespan(app: FastAPI):
    """Fewer threads than anyio's 40 for the synchronous routes: pages take milliseconds of CPU
    under one GIL, and dozens of threads taking turns at it serve fewer requests, not more.

    The app does not start when the key ring cannot open what the store holds."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = web_threads()
    await anyio.to_thread.run_sync(_check_key_ring, app)
    yield


def _check_key_ring(app: FastAPI) -> None:
    from ..store.encrypted import check_key_ring

    with app.state.sessions() as session:
        try:
            check_key_ring(session)
        except KeyRingError as exc:
            logger.error("RecruitWatch cannot start: %s", exc)
            raise


def create_app(url: str | None = None, *, secure_cookies: bool = False) -> FastAPI:
    from .api import v1
    from .ui import (
        accounts,
        admin,
        appeals,
        cases,
        dashboard,
        duplicates,
        enter_incident,
        exports,
        incidents,
        new_document,
        searches,
        two_step,
    )
    from .ui import help as help_pages

    app = FastAPI(
        lifespan=_lifespan,
        title="RecruitWatch API",
        version=__version__,
        description="Incidents of coerced recruitment into Russia's war, with their sources and evidence.",
        docs_url=None,  # served below from packaged files: no CDN
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.database_url = url or database_url()
    app.state.sessions = sessions(app.state.database_url)
    app.state.secure_cookies = secure_cookies  # behind a TLS proxy the app sees http: say so
    app.mount("/static/docs", StaticFiles(directory=str(Path(fastapi_offline.__file__).parent / "static")), name="docs-static")
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    # new_document before incidents: /documents/new must not be taken for /documents/{document_id}
    for module in (accounts, new_document, enter_incident, incidents, duplicates, dashboard, exports, appeals, cases, two_step,
                   help_pages, searches, admin):
        app.include_router(module.router)
    app.include_router(v1.router)

    @app.get("/docs", include_in_schema=False)
    def api_docs(who: Viewer = Depends(PUBLIC)) -> Response:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title="RecruitWatch API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js", swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )
    _add_error_pages(app)

    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The app each of several uvicorn worker processes builds (`serve --workers N`), from the settings."""
    return create_app(database_url(), secure_cookies=os.environ.get("RECRUITWATCH_SECURE_COOKIES") == "1")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _add_error_pages(app: FastAPI) -> None:
    from .render import render

    def page(request: Request, status: int, title: str, message: str, who: Viewer | None = None) -> Response:
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=status)
        who = who or Viewer(language=pick_language(request.query_params.get("lang"), None, request.headers.get("accept-language")))
        return render(request, "error.html", who, status_code=status, title=title, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """A browser asking for a page that is not there gets a page saying so; scripts get JSON."""
        if _is_api(request) or "text/html" not in request.headers.get("accept", ""):
            return await http_exception_handler(request, exc)
        if exc.status_code == 404:
            return page(request, 404, N_("Page not found"), N_("There is no page at this address. Try the list of incidents, or help and rights."))
        if exc.status_code == 405:
            return page(request, 405, N_("Not allowed"), N_("This address does not take that kind of request."))
        return await http_exception_handler(request, exc)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _is_api(request) or bearer_token(request) is not None:  # a script is told, not sent to a sign-in form
            return JSONResponse({"error": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)

    @app.exception_handler(MustChangePassword)
    async def must_change(request: Request, exc: MustChangePassword) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "change your one-time password first"}, status_code=403)
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(MustEnrolTwoStep)
    async def must_enrol(request: Request, exc: MustEnrolTwoStep) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "set up two-step sign-in first"}, status_code=403)
        return RedirectResponse(TWO_STEP_PAGE, status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return page(request, 403, N_("Not allowed"), str(exc), exc.who)

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, exc: BadCsrf) -> Response:
        return page(request, 403, N_("Form expired"), N_("The form was stale or not sent from this site; reload the page and try again."))

    @app.exception_handler(KeyRingError)
    async def unreadable(request: Request, exc: KeyRingError) -> Response:
        logger.error("%s %s: encrypted data could not be opened: %s", request.method, request.url.path, exc)
        return page(request, 503, N_("Encrypted data cannot be opened"),
                    N_("The server's key does not open the stored personal data. "
                       "The administrator must restore the right key file; the server's log says which."))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return page(request, 422, N_("Invalid request"), problems or N_("invalid request"))


def _quote(path: str) -> str:
    import urllib.parse

    return urllib.parse.quote(path, safe="/")
