"""Entering an incident by hand from a document: what the machine missed (or read wrong) in a report,
with the passage of the document that says it. Values are typed as in a correction (labels in any
interface language, or codes); a refused entry comes back with what was typed and what is wrong."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...extract.pipeline import extract_text
from ...ingest import EXTRACTOR_VERSION
from ...security.roles import REVIEWERS
from ...store import audit, queries, review
from ...store import repository as repo
from ...vocab import METHODS, OUTCOMES, PERPETRATORS, VICTIM_STATUSES
from ..deps import Allow, RecordId, Viewer, checked_form, db
from ..i18n import N_
from ..render import render
from .incidents import parse_value

router = APIRouter(include_in_schema=False)
TYPED_FIELDS = ("victim_nationalities", "victim_names", "location_regions", "location_country", "date")  # typed in boxes
TICKED_FIELDS = {"perpetrators": PERPETRATORS, "methods": METHODS, "outcomes": OUTCOMES}  # ticked in lists
# Fields that may have a passage of their own ("quote_<field>"), where the main one does not say it.
OWN_PASSAGE_FIELDS = (*TYPED_FIELDS, "victim_status", "victim_count", *TICKED_FIELDS)


def _form(request: Request, who: Viewer, document, *, status_code: int = 200, problem: str | None = None,
          typed: dict | None = None) -> Response:
    return render(
        request, "enter_incident.html", who, status_code=status_code, document=document, problem=problem,
        typed=typed or {"location_country": "RU"}, statuses=VICTIM_STATUSES, ticked=TICKED_FIELDS,
        own_passage_fields=OWN_PASSAGE_FIELDS,
        own_passages_typed=any((typed or {}).get(f"quote_{f}") for f in OWN_PASSAGE_FIELDS),
        choices={"location_regions": sorted(review.region_codes()), "victim_nationalities": sorted(review.country_codes())},
    )


@router.get("/documents/{document_id}/incidents/new")
def enter_form(document_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)),
               session: Session = Depends(db)) -> Response:
    document = queries.get_document(session, document_id)
    if document is None:
        return render(request, "error.html", who, status_code=404, title=N_("Not found"), message=N_("There is no such document."))
    return _form(request, who, document)


@router.post("/documents/{document_id}/incidents/new")
async def enter(document_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)),
                session: Session = Depends(db)) -> Response:
    document = queries.get_document(session, document_id)
    if document is None:
        return render(request, "error.html", who, status_code=404, title=N_("Not found"), message=N_("There is no such document."))
    form = await checked_form(request, who)
    typed = {f: (form.get(f) or "")[:2000] for f in (*TYPED_FIELDS, "victim_status", "victim_count", "quote", "reason")}
    typed.update({f"quote_{f}": (form.get(f"quote_{f}") or "")[: review.MAX_QUOTE + 500] for f in OWN_PASSAGE_FIELDS})
    lists = await request.form()  # read already by checked_form: ticked boxes are several values of one name
    typed.update({f: [v for v in lists.getlist(f) if isinstance(v, str)][:50] for f in TICKED_FIELDS})
    try:
        values = {f: parse_value(f, typed[f]) for f in (*TYPED_FIELDS, "victim_status", "victim_count")}
        values.update({f: typed[f] for f in TICKED_FIELDS})
        quote = review.find_quote(document.text, typed["quote"][: review.MAX_QUOTE + 500])
        if quote is None:
            raise ValueError(N_("the quoted passage is not in the document: copy it from the text below"))
        quotes = {}
        for field in OWN_PASSAGE_FIELDS:
            if typed[f"quote_{field}"].strip():
                found = review.find_quote(document.text, typed[f"quote_{field}"])
                if found is None:
                    raise ValueError(N_("a value's own passage is not in the document: copy it from the text below"))
                quotes[field] = found
        report = queries.current_report(session, document.id)
        if report is None:  # a document the screen kept out was never extracted: its report is made now
            record = await run_in_threadpool(extract_text, document.text, source=document.locator, published=document.published)
            report = repo.add_report(session, document, record, EXTRACTOR_VERSION)
        incident = review.enter_incident(session, report, values, quote, actor=who.user.username, reason=typed["reason"],
                                         quotes=quotes)
        audit.record(session, actor=who.user.username, action=audit.CREATE, object_type="incident", object_id=incident.id,
                     detail={"via": "entered from a document", "document_id": document.id})
        session.commit()
    except (review.ReviewError, ValueError) as exc:
        session.rollback()
        return _form(request, who, document, status_code=400, problem=str(exc), typed=typed)
    return RedirectResponse(f"/incidents/{incident.id}?done=1", status_code=303)

