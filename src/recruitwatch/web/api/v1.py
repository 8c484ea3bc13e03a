"""/api/v1: incidents, documents, search, stats, exports and the changes feed, as JSON with OpenAPI.

Scripts authenticate with `Authorization: Bearer TOKEN` (tokens are made on
the account page); without one, the API serves what the public sees.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from sqlalchemy.orm import Session

from ...security.roles import INCIDENT_STAFF, REVIEWERS
from ...store import audit, queries, review
from ...store.queries import SORTS
from ...vocab import METHODS, OUTCOMES, PERPETRATORS, VICTIM_STATUSES
from ..deps import PUBLIC, Allow, RecordId, Viewer, db
from ..filters import MAX_PAGE_SIZE, FilterError, parse_filters
from ..ui.exports import export_response
from ..views import (
    audit_read,
    named_ids,
    precision_of,
    visible_counts,
    visible_fields,
    visible_total,
)
from .schemas import (
    ChangesOut,
    DocumentDetailOut,
    DocumentOut,
    DocumentPage,
    IncidentDetailOut,
    IncidentOut,
    IncidentPage,
    PossibleDuplicatePage,
    ProvisionOut,
    SearchOut,
    StatsOut,
)

# Declares the scheme (so /docs offers "Authorize"); the token itself is checked with the viewer (deps.py).
BEARER = HTTPBearer(auto_error=False, scheme_name="token",
                    description="An API token from the account page; without one the API serves what the public sees.")
router = APIRouter(prefix="/api/v1", tags=["v1"], dependencies=[Depends(BEARER)])
STAFF_ONLY = Allow(*INCIDENT_STAFF)  # caseworkers see incidents as the public does


def _query(request: Request, who: Viewer, limit: int):
    try:
        return parse_filters(request.query_params, who, limit=limit)
    except FilterError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None


OUT_FIELDS = frozenset(IncidentOut.model_fields)


def incident_out(incident, who: Viewer) -> dict:
    """An incident as IncidentOut's fields; validated once, by the response model of the route."""
    fields = visible_fields(incident.fields, who)
    return {
        **{k: v for k, v in fields.items() if k in OUT_FIELDS},
        "id": incident.id, "review_state": incident.review_state, "date_precision": precision_of(fields.get("date")),
        "place_precision": incident.place_precision, "first_seen": incident.first_seen, "updated_at": incident.updated_at,
    }


FILTER_DOC = ("Filters as in the web list, combined with AND; each is declared below. Without review_state, "
              "rejected incidents are left out; the public sees verified incidents only.")


def _one_of(values) -> str:
    return "one of: " + ", ".join(sorted(values))


SEVERAL = "(repeat for any of several) "
FILTER_HELP = {
    "nationality": SEVERAL + "a victim's nationality, ISO 3166-1 alpha-2 (UZ, TJ, KG, IN...)",
    "status": SEVERAL + _one_of(VICTIM_STATUSES),
    "region": SEVERAL + "a region, ISO 3166-2 (RU-MOW, RU-SPE, UA-43...)",
    "perpetrator": SEVERAL + _one_of(PERPETRATORS),
    "method": SEVERAL + _one_of(METHODS),
    "outcome": SEVERAL + _one_of(OUTCOMES),
    "language": SEVERAL + "a source's language, ISO 639-1 (ru, uz, en...)",
    "sort": _one_of(SORTS) + " (- is descending; -relevance: the best matches of q first; default: -relevance with q, else -date)",
}


class IncidentFilters:
    """The list's filters, declared so that the OpenAPI description (and /docs) shows each one;
    parse_filters reads and checks them (the same rules as the web list)."""

    def __init__(
        self,
        q: str | None = Query(None, description="words, in the incidents (for staff also in their sources); \"quoted phrases\", OR"),
        nationality: list[str] | None = Query(None, description=FILTER_HELP["nationality"]),
        status: list[str] | None = Query(None, description=FILTER_HELP["status"]),
        region: list[str] | None = Query(None, description=FILTER_HELP["region"]),
        perpetrator: list[str] | None = Query(None, description=FILTER_HELP["perpetrator"]),
        method: list[str] | None = Query(None, description=FILTER_HELP["method"]),
        outcome: list[str] | None = Query(None, description=FILTER_HELP["outcome"]),
        language: list[str] | None = Query(None, description=FILTER_HELP["language"]),
        review_state: str | None = Query(None, description="staff: machine, verified or rejected"),
        date_from: str | None = Query(None, description="YYYY, YYYY-MM or YYYY-MM-DD (the public: no finer than the published precision)"),
        date_to: str | None = Query(None, description="YYYY, YYYY-MM or YYYY-MM-DD"),
        sort: str | None = Query(None, description=FILTER_HELP["sort"]),
    ) -> None:
        pass  # declared for the description only: the route reads request.query_params through parse_filters


@router.get("/incidents", response_model=IncidentPage, description=FILTER_DOC)
def incidents(
    request: Request,
    limit: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    cursor: str | None = Query(None, max_length=200),
    _filters: IncidentFilters = Depends(),
    who: Viewer = Depends(PUBLIC),
    session: Session = Depends(db),
) -> Response:  # an IncidentPage (response_model documents it)
    query, _clean = _query(request, who, limit)
    query.after = cursor
    try:
        rows, next_cursor = queries.incident_page(session, query)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    audit_read(session, who, object_type="incident", ids=named_ids(rows), via="api list")
    # Built from the store's own rows, so not validated again: straight to JSON (a fifth of the page's time)
    page = IncidentPage.model_construct(items=[IncidentOut.model_construct(**incident_out(i, who)) for i in rows],
                                        total=visible_total(queries.count_incidents(session, query), who),
                                        next_cursor=next_cursor)
    return Response(page.__pydantic_serializer__.to_json(page), media_type="application/json")


@router.get("/duplicates", response_model=PossibleDuplicatePage)
def possible_duplicates(
    limit: int = Query(50, ge=1, le=MAX_PAGE_SIZE, description="pairs to return, the most likely first"),
    who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db),
) -> PossibleDuplicatePage:
    """Pairs of incidents the linker could not call one or two, for analysts (decided at /duplicates).
    Only ids, scores and closed-list comparison levels: a name is read from the incidents."""
    rows, total = review.open_duplicates(session, limit=limit)
    items = [
        {"id": pair.id, "incident_id": pair.incident_id, "other_id": pair.other_id, "score": pair.score,
         "link": pair.comparisons or None, "created_at": pair.created_at}
        for pair, _later, _earlier in rows
    ]
    return PossibleDuplicatePage(total=total, items=items)


@router.get("/incidents/{incident_id}", response_model=IncidentDetailOut)
def incident(incident_id: RecordId, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> IncidentDetailOut:
    from ..ui.incidents import detail_context

    context = detail_context(session, incident_id, who)
    if context is None:
        raise HTTPException(status_code=404, detail="no such incident")
    if who.sees_personal_data:
        audit.record(session, actor=who.user.username, action=audit.READ, object_type="incident", object_id=incident_id,
                     detail={"via": "api"})
        session.commit()
    record = incident_out(context["raw_incident"], who)
    sources = [
        {
            "document_id": d["id"], "url": d["url"], "title": d["title"],
            "published": str(d["published"]) if d["published"] else None,  # a date, or the public's coarser text
            "language": d["language"], "outlet": d["outlet"], "reliability": d["grade"], "credibility": d.get("credibility"),
            "link_score": d["score"] if who.is_staff else None, "link_reason": d["reason"] if who.is_staff else None,
            "link_comparisons": d["comparisons"] if who.is_staff else None,
            "evidence": d["evidence"] if who.is_staff else [],
        }
        for d in context["documents"]
    ]
    provisions = [
        ProvisionOut(
            code=a.provision.code, jurisdiction=a.provision.jurisdiction, title=a.provision.text("title", who.language),
            gist=a.provision.text("gist", who.language), gist_language=a.provision.shown_in("gist", who.language),
            gist_translation_checked=not a.provision.unchecked_translation("gist", who.language),
            confidence=a.provision.confidence,
            verified=a.provision.verified, checked=str(a.provision.checked), sources=list(a.provision.sources),
        )
        for a in context["provisions"]
    ]
    return IncidentDetailOut(**record, sources=sources, provisions=provisions, history=context["history"])


@router.get("/documents", response_model=DocumentPage)
def documents(
    q: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    cursor: str | None = Query(None, max_length=200),
    who: Viewer = Depends(STAFF_ONLY),
    session: Session = Depends(db),
) -> DocumentPage:
    try:
        rows, next_cursor = queries.document_page(session, q, limit, cursor)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    audit_read(session, who, object_type="document", ids=[d.id for d in rows], via="api list")  # titles name people
    return DocumentPage(items=[document_out(d) for d in rows], next_cursor=next_cursor)


def document_out(document) -> DocumentOut:
    from ...store.review import outlet_of

    return DocumentOut(
        id=document.id, sha256=document.sha256, url=document.url, locator=document.locator, title=document.title,
        published=document.published, language=document.language, fetched_at=document.fetched_at,
        outlet=outlet_of(document.url, document.locator),
    )


@router.get("/documents/{document_id}", response_model=DocumentDetailOut)
def document(document_id: RecordId, who: Viewer = Depends(STAFF_ONLY), session: Session = Depends(db)) -> DocumentDetailOut:
    detail = queries.document_detail(session, document_id)
    if detail is None:
        raise HTTPException(status_code=404, detail="no such document")
    audit_read(session, who, object_type="document", ids=[document_id], via="api")
    return DocumentDetailOut(**document_out(detail["document"]).model_dump(), text=detail["document"].text,
                             incident_ids=detail["incident_ids"])


@router.get("/search", response_model=SearchOut)
def search(
    q: str = Query(..., min_length=1, max_length=200),
    limit: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
    who: Viewer = Depends(PUBLIC),
    session: Session = Depends(db),
) -> SearchOut:
    query, _clean = parse_filters({"q": q}, who, limit=limit)
    found = queries.list_incidents(session, query)
    docs = queries.search_documents(session, q, limit=limit) if who.is_staff else []
    audit_read(session, who, object_type="incident", ids=named_ids(found), via="api search")
    audit_read(session, who, object_type="document", ids=[d.id for d in docs], via="api search")
    return SearchOut(incidents=[incident_out(i, who) for i in found], documents=[document_out(d) for d in docs])


@router.get("/stats", response_model=StatsOut, description=FILTER_DOC)
def stats(request: Request, _filters: IncidentFilters = Depends(), who: Viewer = Depends(PUBLIC),
          session: Session = Depends(db)) -> StatsOut:
    query, _clean = _query(request, who, 50)
    fields = ("nationality", "status", "region", "perpetrator", "method", "outcome", "language")
    if who.is_staff:
        fields += ("review_state",)
    return StatsOut(
        total=visible_total(queries.count_incidents(session, query), who),
        facets={f: visible_counts(pairs, who) for f, pairs in queries.facets(session, query, fields=fields).items()},
        months=visible_counts(queries.month_counts(session, query), who),
    )


@router.get("/exports/{fmt}", description="The filtered view as csv, jsonl, geojson, xlsx or uwazi (CSV). " + FILTER_DOC,
            response_class=Response)
def export(fmt: str, request: Request, _filters: IncidentFilters = Depends(), who: Viewer = Depends(PUBLIC),
           session: Session = Depends(db)) -> Response:
    try:
        return export_response(fmt, request, who, session)
    except FilterError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None


@router.get("/changes", response_model=ChangesOut,
            description="Created, edited, merged, deleted (rejected) and restored incidents after `since`, oldest first.")
def changes(
    since: int = Query(0, ge=0, le=2_147_483_647),
    limit: int = Query(500, ge=1, le=5000),
    who: Viewer = Depends(PUBLIC),
    session: Session = Depends(db),
) -> ChangesOut:
    read = queries.changes_since(session, since, limit=limit)
    items = read
    if who.visible_states is not None:
        visible = queries.published_ids(session, {c["incident_id"] for c in read})
        items = [c for c in read if c["incident_id"] in visible or c["kind"] in ("deleted", "merged")]
    # Past everything read, shown or not: a page of changes the viewer may not see must not stall a mirror.
    return ChangesOut(items=items, next_since=read[-1]["id"] if read else since)
