"""Saved searches (each with its own address) and their alerts: watching, the Atom feed, one-click unsubscribing."""

from __future__ import annotations

import hashlib
import urllib.parse

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from ...alerts import channels, items, messages
from ...alerts.runner import batch_message
from ...errors import UsageError
from ...security.roles import STAFF
from ...settings import base_url
from ...store import audit, queries
from ...store import saved_searches as saved
from ...store.models import utcnow
from ..deps import PUBLIC, Allow, RecordId, Viewer, checked_form, db
from ..filters import FilterError, parse_filters
from ..i18n import N_
from ..render import render

router = APIRouter(include_in_schema=False)
MAX_SEARCHES = 100  # per account
MAX_NAME = 128
FEED_ENTRIES = 50
FEED_TYPE = "application/atom+xml; charset=utf-8"


def _site(request: Request) -> str:
    """The address alerts and feeds link to: RECRUITWATCH_BASE_URL when set, else where this request came."""
    return base_url(default=str(request.base_url))


def _listing_query(params: dict) -> str:
    return urllib.parse.urlencode(params, doseq=True)


def _page(request: Request, who: Viewer, session: Session, *, status_code: int = 200, problem: str | None = None,
          problem_for: int | None = None, typed: dict | None = None) -> Response:
    rows = []
    for search in saved.owned_by(session, who.user.id):
        rows.append({
            "search": search, "query": _listing_query(search.params), "email": saved.email_of(search),
            "webhook_url": saved.webhook_url_of(search),
            "feed_url": f"{_site(request)}/alerts/feed/{saved.token(search, saved.FEED)}",
            "webhook_key": saved.token(search, saved.WEBHOOK),
            "deliveries": saved.deliveries(session, search, limit=5),
        })
    return render(request, "searches.html", who, status_code=status_code, rows=rows, problem=problem,
                  problem_for=problem_for, typed=typed or {}, smtp=_smtp_configured(),
                  done=request.query_params.get("done"))


def _smtp_configured() -> bool:
    try:
        return channels.SmtpSettings.from_environment() is not None
    except UsageError:
        return False


@router.get("/searches")
def search_list(request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    return _page(request, who, session)


@router.post("/searches")
async def save_search(request: Request, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    """Save the list's current filters under a name (the form on the incident list sends its query string)."""
    form = await checked_form(request, who)
    try:
        _query, clean = parse_filters(QueryParams(form.get("query", "")[:4000]), who)
    except FilterError as exc:
        return render(request, "error.html", who, status_code=400, title=N_("Not saved"), message=str(exc))
    name = " ".join((form.get("name") or "").split())[:MAX_NAME] or _listing_query(clean) or "all incidents"
    if len(saved.owned_by(session, who.user.id)) >= MAX_SEARCHES:
        return _page(request, who, session, status_code=400, problem=N_("You have too many saved searches: delete some first."))
    search = saved.create(session, who.user, name, clean)
    audit.record(session, actor=who.user.username, action=audit.CREATE, object_type="saved_search", object_id=search.id,
                 detail={"filters": sorted(audit.without_free_text({k: str(v) for k, v in clean.items()}))})
    session.commit()
    return RedirectResponse(f"/searches?done=saved#search-{search.id}", status_code=303)


def _owned(session: Session, who: Viewer, search_id: int):
    search = saved.owned(session, who.user.id, search_id)
    if search is None:
        raise HTTPException(404, "no such saved search")
    return search


@router.get("/searches/{search_id}")
def open_search(search_id: RecordId, who: Viewer = Depends(Allow(*STAFF)), session: Session = Depends(db)) -> Response:
    """A saved search's own address: the incident list with its filters."""
    search = _owned(session, who, search_id)
    return RedirectResponse(f"/incidents?{_listing_query(search.params)}", status_code=303)


@router.post("/searches/{search_id}")
async def update_search(search_id: RecordId, request: Request, who: Viewer = Depends(Allow(*STAFF)),
                        session: Session = Depends(db)) -> Response:
    """Rename, and choose how to be told of new matches: watched or not, e-mail, webhook."""
    form = await checked_form(request, who)
    search = _owned(session, who, search_id)
    name = " ".join((form.get("name") or "").split())[:MAX_NAME]
    email = (form.get("email") or "").strip()
    webhook = (form.get("webhook_url") or "").strip()
    problem = None
    if email and (len(email) > 254 or not _looks_like_email(email)):
        problem = N_("The e-mail address does not look right.")
    if webhook and problem is None:
        try:
            channels.check_webhook_url(webhook)
        except UsageError as exc:
            problem = str(exc)
    if problem:
        return _page(request, who, session, status_code=400, problem=problem, problem_for=search.id,
                     typed={"name": name, "email": email, "webhook_url": webhook})
    watch = form.get("watch") == "on"
    search.name = name or search.name
    saved.set_channels(search, email=email or None, webhook_url=webhook or None)
    if watch and not search.watched:
        saved.start_watching(session, search, queries.matching_states(session, items.query_of(search)), utcnow())
    elif not watch and search.watched:
        saved.stop_watching(search)
    audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="saved_search", object_id=search.id,
                 detail={"watched": watch, "email": bool(email), "webhook": bool(webhook)})
    session.commit()
    return RedirectResponse(f"/searches?done=updated#search-{search.id}", status_code=303)


def _looks_like_email(text: str) -> bool:
    local, at, domain = text.rpartition("@")
    return bool(at and local and "." in domain and not any(c.isspace() or c in "<>,;\"" for c in text))


@router.post("/searches/{search_id}/renew")
async def renew_addresses(search_id: RecordId, request: Request, who: Viewer = Depends(Allow(*STAFF)),
                          session: Session = Depends(db)) -> Response:
    """New feed address, unsubscribe link and webhook key (when one leaked); the old ones stop working."""
    await checked_form(request, who)
    search = _owned(session, who, search_id)
    saved.renew_tokens(search)
    audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="saved_search", object_id=search.id,
                 detail={"renewed": "feed, unsubscribe and webhook tokens"})
    session.commit()
    return RedirectResponse(f"/searches?done=renewed#search-{search.id}", status_code=303)


@router.post("/searches/{search_id}/delete")
async def delete_search(search_id: RecordId, request: Request, who: Viewer = Depends(Allow(*STAFF)),
                        session: Session = Depends(db)) -> Response:
    await checked_form(request, who)
    search = _owned(session, who, search_id)
    saved.remove(session, search)
    audit.record(session, actor=who.user.username, action=audit.DELETE, object_type="saved_search", object_id=search_id)
    session.commit()
    return RedirectResponse("/searches?done=deleted", status_code=303)


@router.get("/alerts/feed/{token}")
def alert_feed(token: str, request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    """The Atom feed of a watched search: its token is its credential. Built on each request with the
    owner's current rights, so an incident the owner may no longer see leaves the feed."""
    search = saved.by_token(session, saved.FEED, token[:100])
    if search is None or search.user.disabled:
        raise HTTPException(404, "no such feed")
    if not search.watched:
        raise HTTPException(410, "this saved search is no longer watched")
    base = _site(request)
    found = [batch_message(session, search, b, base) for b in saved.batches(session, search, limit=FEED_ENTRIES)]
    found = [b for b in found if b.items]
    updated = found[0].created_at if found else (search.watched_since or search.created_at)
    body = messages.atom(search.name, f"{base}/alerts/feed/{token}", items.page_url(base, search), found,
                         search.user.language or "en", updated)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Referrer-Policy": "no-referrer"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)  # nothing new delivered: not an entry in the log
    audit.record(session, actor="feed", action=audit.FEED_READ, object_type="saved_search", object_id=search.id,
                 detail={"batches": [b.batch_id for b in found]})
    session.commit()
    return Response(body, media_type=FEED_TYPE, headers=headers)


def _unsubscribing(session: Session, token: str):
    search = saved.by_token(session, saved.UNSUBSCRIBE, token[:100])
    if search is None:
        raise HTTPException(404, "no such subscription")
    return search


@router.get("/alerts/unsubscribe/{token}")
def unsubscribe_page(token: str, request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    """One button: a link opened by a mail scanner changes nothing; the click does."""
    search = _unsubscribing(session, token)
    return render(request, "unsubscribe.html", who, name=search.name, token=token, done=not search.watched)


@router.post("/alerts/unsubscribe/{token}")
def unsubscribe(token: str, request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    """Stop the alerts of one search: the button above, or a mail program's one-click request (RFC 8058).
    The token is the credential; no other form field is needed."""
    search = _unsubscribing(session, token)
    if search.watched:
        saved.stop_watching(search)
        audit.record(session, actor="unsubscribe", action=audit.UPDATE, object_type="saved_search", object_id=search.id,
                     detail={"watched": False, "via": "unsubscribe link"})
        session.commit()
    return render(request, "unsubscribe.html", who, name=search.name, token=token, done=True)
