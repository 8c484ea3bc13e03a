"""The public appeal form and status check: for a frightened person on a phone, with nothing of them kept but what they typed.

No address, no browser fingerprint: the throttles hold a keyed hash of the
address in memory only (web.ratelimit), nothing here logs, and the server's
access log is off (web.server). What was typed is sealed before it is
stored (store.cases). Uploads are limited while they arrive (web.uploads).
On success the case code and the secret are shown once; the secret is not
kept, only its hash, so nobody can show it again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from ...cases import codes, reply_tokens
from ...cases.anonymise import QUESTIONS
from ...cases.files import DEFAULT_MAX_FILE_BYTES, MAX_FILES, MEGABYTE, FileRefused
from ...cases.workflow import CaseError
from ...security.crypto import key_ring
from ...store import audit, cases
from ..appeal_text import appeal_languages, is_verified, pick_appeal_language, translator
from ..deps import PUBLIC, Viewer, checked_form, db
from ..ratelimit import GLOBAL, RateLimiter, Rule
from ..render import render
from ..uploads import BadForm, FormLimits, ParsedRequest, TooLarge, read_form

router = APIRouter(include_in_schema=False)
FIELDS = ("story", "name", "contact", *QUESTIONS, "consent")


@dataclass(frozen=True)
class AppealLimits:
    """What one address, and everybody together, may send; set `app.state.appeal_limits` to change them."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_files: int = MAX_FILES
    appeals_per_address: Rule = Rule(5, 600)
    appeals_per_minute: Rule = Rule(30, 60)  # every address together
    checks_per_address: Rule = Rule(10, 600)
    checks_per_minute: Rule = Rule(120, 60)
    wrong_secrets_per_code: Rule = Rule(5, 3600)


def _limits(request: Request) -> AppealLimits:
    return getattr(request.app.state, "appeal_limits", None) or AppealLimits()


def _limiter(request: Request) -> RateLimiter:
    state = request.app.state
    if getattr(state, "appeal_limiter", None) is None:
        state.appeal_limiter = RateLimiter()
    return state.appeal_limiter


def _address_key(request: Request, limiter: RateLimiter) -> str:
    """The client's address as a keyed hash, for the in-memory throttle only; the address goes nowhere else."""
    return limiter.pseudonym(request.client.host if request.client else "unknown")


def _page(request: Request, who: Viewer, template: str, lang: str, status_code: int = 200, **context) -> Response:
    limits = _limits(request)
    response = render(
        request, template, who, status_code=status_code, alang=lang, t=translator(lang), appeal_languages=appeal_languages(),
        unverified=not is_verified(lang), max_files=limits.max_files, max_mb=max(1, limits.max_file_bytes // MEGABYTE),
        **context,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _message(request: Request, who: Viewer, lang: str, status_code: int, key: str, back: str, **values) -> Response:
    limits = _limits(request)
    values.setdefault("count", limits.max_files)
    values.setdefault("size", max(1, limits.max_file_bytes // MEGABYTE))
    response = _page(request, who, "appeal/message.html", lang, status_code, message_key=key, values=values, back=back)
    if status_code == 429:
        response.headers["Retry-After"] = str(int(values.get("minutes", 1)) * 60)
    return response


def _throttled(request: Request, who: Viewer, lang: str, limiter: RateLimiter, own: tuple[str, Rule], everyone: tuple[str, Rule], back: str) -> Response | None:
    wait = limiter.check(dict((own, everyone)))
    if wait is None:
        return None
    if limiter.blocked(*own) is None:  # the ceiling for everybody, not this address
        return _message(request, who, lang, 429, "busy", back, minutes=1)
    return _message(request, who, lang, 429, "too_many", back, minutes=max(1, round(wait / 60)))


# -- forms with files, shared by the appeal and the appellant's answer


@dataclass
class _Sent:
    values: dict
    uploads: list[UploadFile]


async def _read_sent(request: Request, who: Viewer, lang: str, back: str, throttle: str, own: Rule, everyone: Rule) -> _Sent | Response:
    """A throttled, size-limited form with files, its CSRF token checked; or the page that refuses it."""
    limits, limiter = _limits(request), _limiter(request)
    refused = _throttled(request, who, lang, limiter, (f"{throttle}:{_address_key(request, limiter)}", own),
                         (f"{throttle}:{GLOBAL}", everyone), back)
    if refused is not None:
        return refused
    try:
        form = await read_form(request, FormLimits(max_files=limits.max_files, max_file_bytes=limits.max_file_bytes))
    except TooLarge:
        return _message(request, who, lang, 413, "file_too_large", back)
    except BadForm:
        return _message(request, who, lang, 400, "bad_form", back)
    values = await checked_form(ParsedRequest(request, form), who)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and (f.filename or f.size)]
    return _Sent(values, uploads)


async def _store_files(request: Request, session: Session, case, uploads: list[UploadFile]) -> None:
    """The uploads of a case, sealed; too many is refused like one too large."""
    limits = _limits(request)
    if len(uploads) > limits.max_files:
        raise FileRefused("too many files", key="file_too_large", too_large=True)
    for upload in uploads:
        cases.add_file(session, case, upload.filename or "file", upload.content_type, await upload.read(),
                       max_bytes=limits.max_file_bytes)


def _refusal_status(exc: CaseError) -> int:
    return 413 if getattr(exc, "too_large", False) else 400


# -- the appeal


@router.get("/appeal")
def appeal_form(request: Request, who: Viewer = Depends(PUBLIC)) -> Response:
    lang = pick_appeal_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    return _page(request, who, "appeal/form.html", lang, values={}, error=None)


@router.post("/appeal")
async def submit_appeal(request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    lang = pick_appeal_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    limits = _limits(request)
    sent = await _read_sent(request, who, lang, f"/appeal?lang={lang}", "appeal", limits.appeals_per_address, limits.appeals_per_minute)
    if isinstance(sent, Response):
        return sent
    values, uploads = sent.values, sent.uploads
    try:
        created = cases.create_case(
            session, story=values.get("story", ""), name=values.get("name"), contact=values.get("contact"),
            answers={q: values.get(q, "") for q in QUESTIONS}, language=lang, consent=values.get("consent") == "yes",
        )
        await _store_files(request, session, created.case, uploads)
        audit.record(session, actor=cases.PUBLIC_ACTOR, action=audit.CREATE, object_type="case", object_id=created.case.id,
                     detail={"files": len(uploads)})
        session.commit()
    except CaseError as exc:
        session.rollback()
        kept = {k: values.get(k, "") for k in FIELDS}
        return _page(request, who, "appeal/form.html", lang, _refusal_status(exc), values=kept, error=exc.key or "bad_form")
    finally:
        for upload in uploads:
            await upload.close()
    return _page(request, who, "appeal/done.html", lang, code=created.code, secret=created.secret)


# -- the status check


@router.get("/appeal/status")
def status_form(request: Request, who: Viewer = Depends(PUBLIC)) -> Response:
    lang = pick_appeal_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    return _page(request, who, "appeal/status.html", lang, error=None, found=None, code="")


@router.post("/appeal/status")
async def check_status(request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    lang = pick_appeal_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    limits, limiter = _limits(request), _limiter(request)
    back = f"/appeal/status?lang={lang}"
    refused = _throttled(request, who, lang, limiter, (f"status:{_address_key(request, limiter)}", limits.checks_per_address),
                         (f"status:{GLOBAL}", limits.checks_per_minute), back)
    if refused is not None:
        return refused
    try:
        form = await read_form(request, FormLimits(max_files=0, max_file_bytes=0, max_field_bytes=1024, max_fields=10))
    except (TooLarge, BadForm):
        return _message(request, who, lang, 400, "bad_form", back)
    values = await checked_form(ParsedRequest(request, form), who)
    typed_code = values.get("code", "")[:64]
    code_key = "code:" + limiter.pseudonym(codes.normalise_code(typed_code) or typed_code.strip().upper())
    wait = limiter.blocked(code_key, limits.wrong_secrets_per_code)
    if wait is not None:  # even the right secret waits, as with sign-ins
        return _message(request, who, lang, 429, "too_many", back, minutes=max(1, round(wait / 60)))
    case = cases.verify_secret(session, typed_code, values.get("secret", ""))
    if case is None:
        limiter.record(code_key, limits.wrong_secrets_per_code)
        return _page(request, who, "appeal/status.html", lang, 400, error="wrong_code", found=None, code=typed_code)
    audit.record(session, actor=cases.PUBLIC_ACTOR, action=audit.READ, object_type="case", object_id=case.id,
                 detail={"by": "status page"})
    session.commit()
    return _page(request, who, "appeal/status.html", lang, error=None, found=_found(session, case), code=case.code)


def _reply_key() -> bytes:
    ring = key_ring()
    return ring.mac_key(ring.current_id, reply_tokens.PURPOSE)


def _found(session: Session, case) -> dict:
    """What the status page shows once the code and secret are right, with the permission to answer."""
    return {
        "status": case.status, "timeline": cases.public_timeline(session, case), "messages": cases.conversation(session, case),
        "reply_token": reply_tokens.issue(_reply_key(), case.id, case.secret_hash, time.time()),
    }


@router.post("/appeal/reply")
async def reply(request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    """The appellant answers a caseworker, with files if he wants, on the page the code and secret opened."""
    lang = pick_appeal_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    limits = _limits(request)
    sent = await _read_sent(request, who, lang, f"/appeal/status?lang={lang}", "reply", limits.checks_per_address, limits.checks_per_minute)
    if isinstance(sent, Response):
        return sent
    values, uploads = sent.values, sent.uploads
    token = values.get("reply_token", "")
    case_id = reply_tokens.case_of(token)
    case = cases.get_case(session, case_id, for_update=True) if case_id is not None else None
    if case is None or not reply_tokens.valid(_reply_key(), token, case.secret_hash, time.time()):
        for upload in uploads:
            await upload.close()
        return _page(request, who, "appeal/status.html", lang, 400, error="reply_expired", found=None, code="")
    try:
        cases.appellant_reply(session, case, values.get("message", ""))
        await _store_files(request, session, case, uploads)
        audit.record(session, actor=cases.PUBLIC_ACTOR, action=audit.CREATE, object_type="case", object_id=case.id,
                     detail={"action": "reply", "files": len(uploads)})
        session.commit()
    except CaseError as exc:
        session.rollback()
        return _page(request, who, "appeal/status.html", lang, _refusal_status(exc), error=None, reply_error=exc.key or "bad_form",
                     found=_found(session, case), code=case.code, draft=values.get("message", ""))
    finally:
        for upload in uploads:
            await upload.close()
    return _page(request, who, "appeal/status.html", lang, error=None, sent=True, found=_found(session, case), code=case.code)
