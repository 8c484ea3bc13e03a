"""Adding a document by hand: pasted text, an uploaded file or a web address, through the same ingest as
`recruitwatch ingest` (screen, extract, link), for a report that no watched source brought in."""

from __future__ import annotations

import datetime as dt
import hashlib

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ...ingest import Ingestor
from ...security.roles import REVIEWERS
from ...sources.base import SourceError, SourceItem
from ...sources.pages import read_page
from ...store import audit
from ...store.models import Document
from ..deps import Allow, Viewer, checked_form, db
from ..i18n import N_
from ..render import render
from ..uploads import BadForm, FormLimits, ParsedRequest, TooLarge, read_form

router = APIRouter(include_in_schema=False)
MAX_FILE = 5 * 1024 * 1024
MAX_TEXT = 500_000  # characters of pasted text
LIMITS = FormLimits(max_files=1, max_file_bytes=MAX_FILE, max_field_bytes=2 * MAX_TEXT, max_fields=10)
SOURCE_KIND = "manual"


def _form(request: Request, who: Viewer, *, status_code: int = 200, problem: str | None = None, typed: dict | None = None) -> Response:
    return render(request, "new_document.html", who, status_code=status_code, problem=problem, typed=typed or {})


@router.get("/documents/new")
def new_document_form(request: Request, who: Viewer = Depends(Allow(*REVIEWERS))) -> Response:
    return _form(request, who)


@router.post("/documents/new")
async def add_document(request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    try:
        form = await read_form(request, LIMITS)
    except TooLarge:
        return _form(request, who, status_code=413, problem=N_("Too large: a file of at most 5 MB, or at most 500,000 characters of text."))
    except BadForm:
        return _form(request, who, status_code=400, problem=N_("The form could not be read; send it again."))
    values = await checked_form(ParsedRequest(request, form), who)
    upload = next((f for f in form.getlist("file") if isinstance(f, UploadFile) and (f.filename or f.size)), None)
    typed = {k: (values.get(k) or "").strip() for k in ("text", "url", "title", "published")}
    try:
        published = dt.date.fromisoformat(typed["published"]) if typed["published"] else None
    except ValueError:
        return _form(request, who, status_code=400, problem=N_("The publication date must be YYYY-MM-DD."), typed=typed)
    try:
        item = await _item(typed, upload, published, who)
    except SourceError as exc:
        return _form(request, who, status_code=400, problem=str(exc), typed=typed)
    finally:
        if upload is not None:
            await upload.close()
    if item is None:
        return _form(request, who, status_code=400, problem=N_("Paste a text, choose a file or give a web address."), typed=typed)
    stats = await run_in_threadpool(Ingestor(request.app.state.database_url, source_kind=SOURCE_KIND,
                                             source_locator=who.user.username).run, [item])
    document_id = session.scalar(select(Document.id).where(Document.sha256 == hashlib.sha256(item.raw).hexdigest()))
    if document_id is None:  # the ingest could not store it (an error it counted): say so, keep what was typed
        return _form(request, who, status_code=400, problem=N_("The document could not be stored; see the server's log."), typed=typed)
    audit.record(session, actor=who.user.username, action=audit.CREATE, object_type="document", object_id=document_id,
                 detail={"via": "web form", "new": stats.added == 1, "incidents_created": stats.incidents_created})
    session.commit()
    return RedirectResponse(f"/documents/{document_id}?added={'new' if stats.added else 'known'}", status_code=303)


async def _item(typed: dict, upload: UploadFile | None, published: dt.date | None, who: Viewer) -> SourceItem | None:
    """The document as a source item: the pasted text, else the uploaded file, else the page at the address."""
    now = dt.datetime.now(dt.UTC)
    title = typed["title"][:500] or None
    url = typed["url"][:2000]
    if url and not url.lower().startswith(("http://", "https://")):
        raise SourceError("the web address must start with http:// or https://")
    if typed["text"]:
        text = typed["text"][:MAX_TEXT]
        raw = text.encode("utf-8")
        locator = url or f"manual:{who.user.username}:{hashlib.sha256(raw).hexdigest()[:16]}"
        return SourceItem(SOURCE_KIND, locator, raw, now, text=text, title=title, published=published)
    if upload is not None:
        raw = await upload.read()
        if not raw:
            raise SourceError("the file is empty")
        locator = url or f"manual:{who.user.username}:{(upload.filename or 'file')[:200]}"
        return SourceItem(SOURCE_KIND, locator, raw, now, title=title, published=published)
    if url:
        found = await run_in_threadpool(lambda: next(read_page(url)))  # refuses private addresses, follows the rate limits
        return SourceItem(SOURCE_KIND, found.locator, found.raw, found.fetched_at, text=found.text,
                          title=title or found.title, published=published or found.published, author=found.author)
    return None
