"""The incident list (filters, facets, search, sorting, pages), the incident page, documents and review actions."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from ...legal.provisions import provisions_for
from ...link.incidents import decide
from ...security.roles import INCIDENT_STAFF, REVIEWERS
from ...store import audit, queries, review
from ...text.snippets import snippet
from ...vocab import INCIDENT_FIELDS, METHODS, OUTCOMES, PERPETRATORS, VICTIM_STATUSES
from ..deps import PUBLIC, Allow, RecordId, Viewer, checked_form, db
from ..filters import (
    FILTER_PARAMS,
    MULTI_PARAMS,
    SORTS,
    FilterError,
    page_number,
    parse_filters,
    record_number,
)
from ..i18n import N_, code_for, label
from ..render import facet_links, local_path, query_with, render
from ..table_view import DEFAULT_COLUMNS, DISPLAY_PARAMS, display_params, offered_columns, sort_link
from ..views import (
    audit_read,
    conflicting_fields,
    evidence_by_value,
    incident_view,
    marked_spans,
    named_ids,
    policy,
    visible_counts,
    visible_fields,
    visible_source,
    visible_total,
)

router = APIRouter(include_in_schema=False)

FACETS = ("nationality", "status", "region", "perpetrator", "method", "outcome", "language", "review_state")
FACET_KIND = {  # which label family each facet's values belong to
    "nationality": "victim_nationalities", "status": "victim_status", "region": "location_regions",
    "perpetrator": "perpetrators", "method": "methods", "outcome": "outcomes", "language": "language",
    "review_state": "review_state",
}


@router.get("/")
def home(who: Viewer = Depends(PUBLIC)) -> Response:
    return RedirectResponse("/incidents", status_code=303)


@router.get("/incidents")
def incident_list(request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    params = request.query_params
    try:
        query, clean = parse_filters(params, who)
    except FilterError as exc:
        return render(request, "error.html", who, status_code=400, title=N_("Invalid request"), message=str(exc))
    page = page_number(params)
    query.offset = (page - 1) * query.limit
    total = queries.count_incidents(session, query)
    rows = queries.list_incidents(session, query)
    facet_fields = FACETS if who.is_staff else tuple(f for f in FACETS if f != "review_state")
    facets = queries.facets(session, query, fields=facet_fields)
    for field in MULTI_PARAMS:  # a chosen facet lists every value it could add, counted without its own filter
        if field in facet_fields and getattr(query, field):
            facets.update(queries.facets(session, dataclasses.replace(query, **{field: None}), fields=(field,)))
    facets = {f: visible_counts(pairs, who) for f, pairs in facets.items()}
    documents = queries.source_counts(session, [i.id for i in rows])
    snippets = _snippets(session, rows, query.text) if query.text and who.sees_personal_data else {}
    audit_read(session, who, object_type="incident", ids=named_ids(rows), via="list")
    display = display_params(params, who)
    shown = {**clean, **display}
    return render(
        request, "incidents.html", who,
        incidents=[incident_view(i, who) for i in rows], sources=documents, total=visible_total(total, who), page=page,
        pages=max(1, -(-total // query.limit)), facets=facets, facet_kind=FACET_KIND, params=shown,
        facet_rows=_facet_rows(facets, shown, who.language, policy().min_count),
        min_count=policy().min_count, columns=display.get("columns"), offered_columns=offered_columns(who),
        default_columns=DEFAULT_COLUMNS, sort_link=sort_link, current_sort=query.sort,
        sorts=SORTS, filter_params=FILTER_PARAMS + DISPLAY_PARAMS, bulk=_bulk_outcome(params) if who.can_review else None,
        snippets=snippets,
    )


def _facet_rows(facets: dict, params: dict, lang: str, min_count: int) -> dict[str, list[tuple[str, str, str, bool]]]:
    """Per facet, each value's link (adding it to the chosen values, or taking it out), label, count
    ("<3" where the count is withheld) and whether it is chosen; built here, not in the template,
    because a list page shows some hundreds of them."""
    rows = {}
    for field, counts in facets.items():
        values = [value for value, _ in counts]
        chosen = params.get(field) or []
        chosen = {chosen} if isinstance(chosen, str) else set(chosen)
        if field == "review_state":  # one state at a time
            links = {value: query_with(params, review_state=value) for value in values}
        else:
            links = facet_links(params, field, values)
        rows[field] = [
            (links[value], label(FACET_KIND[field], value, lang), f"<{min_count}" if count is None else str(count),
             value in chosen)
            for value, count in counts
        ]
    return rows


def _snippets(session: Session, rows, text: str) -> dict[int, tuple[str, str, str]]:
    """Per listed incident, the passage of a reporting document where the search words are (staff only:
    document texts name people); incidents matched on their fields alone get none."""
    found = {}
    for incident_id, texts in queries.document_texts(session, [i.id for i in rows]).items():
        for body in texts:
            cut = snippet(body, text)
            if cut is not None:
                found[incident_id] = cut
                break
    return found


def _bulk_outcome(params) -> dict | None:
    """What the last bulk action did, from the address it sent the analyst back to."""
    if params.get("bulk") not in BULK_ACTIONS:
        return None
    return {"action": params["bulk"], "changed": record_number(params.get("changed")) or 0,
            "unchanged": record_number(params.get("unchanged")) or 0}


def detail_context(session: Session, incident_id: RecordId, who: Viewer) -> dict | None:
    """What a viewer may see of one incident: fields, sources, evidence (staff), law, history (staff)."""
    detail = queries.incident_detail(session, incident_id)
    if detail is None:
        return None
    incident = detail["incident"]
    if who.visible_states is not None and incident.review_state not in who.visible_states:
        return None
    documents = detail["documents"]
    evidence_by_field: dict[str, list[dict]] = {}
    if who.sees_personal_data:
        evidence_by_field = evidence_by_value(documents, incident.fields)
    else:
        names = incident.fields.get("victim_names") or []
        documents = [visible_source(d, names, who) for d in documents]
    history = [{k: h[k] for k in ("at", "actor", "action", "reason", "summary", "detail")} for h in detail["history"]] if who.is_staff else []
    return {
        "raw_incident": incident,
        "incident": incident_view(incident, who),
        "documents": documents,
        "evidence_by_field": evidence_by_field,
        "provisions": provisions_for(incident.fields, include_unverified=who.is_staff),
        "history": history,
    }


@router.get("/incidents/{incident_id}")
def incident_page(incident_id: RecordId, request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    return _incident_response(request, who, session, incident_id)


def _incident_response(request: Request, who: Viewer, session: Session, incident_id: int, *, status_code: int = 200,
                       correction: dict | None = None) -> Response:
    """The incident page; `correction`: a refused correction's field, typed value, reason and error, shown in its form."""
    context = detail_context(session, incident_id, who)
    if context is None:
        return render(request, "error.html", who, status_code=404, title=N_("Not found"), message=N_("There is no such incident."))
    if context["raw_incident"].merged_into:
        return RedirectResponse(f"/incidents/{context['raw_incident'].merged_into}", status_code=303)
    if who.sees_personal_data:
        audit.record(session, actor=who.user.username, action=audit.READ, object_type="incident", object_id=incident_id)
        session.commit()
    # Incident staff see the suggestions waiting for review (analysts and admins decide them); the public and caseworkers never do.
    suggestions = review.pending_suggestions(session, context["raw_incident"]) if who.is_staff else []
    return render(
        request, "incident.html", who, status_code=status_code, **{k: v for k, v in context.items() if k != "raw_incident"},
        suggestions=suggestions, grades=review.RELIABILITY_GRADES, credibility_grades=review.CREDIBILITY_GRADES,
        fields=INCIDENT_FIELDS,
        choices={"victim_status": VICTIM_STATUSES, "perpetrators": PERPETRATORS, "methods": METHODS, "outcomes": OUTCOMES,
                 "location_regions": sorted(review.region_codes()), "victim_nationalities": sorted(review.country_codes())},
        message=request.query_params.get("done"), correction=correction or {},
    )


@router.get("/documents/{document_id}")
def document_page(document_id: RecordId, request: Request, who: Viewer = Depends(Allow(*INCIDENT_STAFF)), session: Session = Depends(db)) -> Response:
    detail = queries.document_detail(session, document_id)
    if detail is None:
        return render(request, "error.html", who, status_code=404, title=N_("Not found"), message=N_("There is no such document."))
    audit_read(session, who, object_type="document", ids=[document_id], via="page")
    return render(request, "document.html", who, detail=detail, segments=highlight(detail["document"].text, detail["evidence"]))


def highlight(text: str, evidence: list[dict]) -> list[tuple[str, dict | None]]:
    """The text cut into plain and quoted pieces, so a template can mark each evidence span (escaped);
    a span inside or across an earlier one shares its mark (views.marked_spans: links go there)."""
    spans = sorted({(e["start"], e["end"]): e for e in evidence if 0 <= e["start"] < e["end"] <= len(text)}.items())
    marks = marked_spans(span for span, _ in spans)
    pieces, at = [], 0
    for (start, end), entry in spans:
        if marks[(start, end)] != start:  # overlapping spans: the earlier one already marks this text
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], entry))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


# -- review actions: analysts and admins; each needs a CSRF token and leaves a history entry


async def _act(request: Request, who: Viewer, session: Session, incident_id: RecordId, action, detail: dict | None = None) -> Response:
    form = await checked_form(request, who)
    reason = (form.get("reason") or "").strip()[:2000]
    try:
        target = action(form, reason)
        audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="incident", object_id=incident_id,
                     detail={"action": request.url.path.rsplit("/", 1)[-1], **(detail or {})})
        session.commit()
    except (review.ReviewError, ValueError) as exc:
        session.rollback()
        return render(request, "error.html", who, status_code=400, title=N_("Not done"), message=str(exc))
    return RedirectResponse(f"/incidents/{target or incident_id}?done=1", status_code=303)


BULK_ACTIONS = {"confirm": review.confirm, "reject": review.reject, "reopen": review.reopen}
MAX_BULK = 200  # incidents in one bulk action (eight pages of the list)


@router.post("/incidents/bulk")
async def bulk_review(request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    """Confirm, reject or reopen the incidents ticked on the list, each on its own: one already in that
    state, merged away or unknown is left as it is and counted, never stopping the others."""
    form = await checked_form(request, who)
    chosen = [record_number(v) for v in (await request.form()).getlist("ids") if isinstance(v, str)]
    ids = list(dict.fromkeys(i for i in chosen if i is not None))
    action, reason = form.get("action", ""), (form.get("reason") or "").strip()[:2000]
    back = form.get("back", "")[:2000]
    problem = None
    if action not in BULK_ACTIONS:
        problem = N_("choose what to do with the selected incidents")
    elif not ids:
        problem = N_("select at least one incident")
    elif len(ids) > MAX_BULK:
        problem = N_("at most 200 incidents at once")
    elif action == "reject" and not reason:
        problem = N_("say why you reject them: the reason is kept in each incident's history")
    if problem:
        return render(request, "error.html", who, status_code=400, title=N_("Not done"), message=problem)
    done = 0
    for incident_id in ids:
        try:
            with session.begin_nested():  # one refusal undoes that incident only
                BULK_ACTIONS[action](session, incident_id, actor=who.user.username, reason=reason)
                audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="incident",
                             object_id=incident_id, detail={"action": action, "bulk": True})
            done += 1
        except review.ReviewError:
            continue
    session.commit()
    try:
        _query, clean = parse_filters(QueryParams(back), who)  # back to the same view, however it was filtered
    except FilterError:
        clean = {}
    clean.update(display_params(QueryParams(back), who))  # and shown as it was (a table keeps its columns)
    return RedirectResponse(f"/incidents?{query_with(clean, bulk=action, changed=done, unchanged=len(ids) - done)}", status_code=303)


@router.post("/incidents/{incident_id}/confirm")
async def confirm(incident_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, incident_id,
                      lambda form, reason: review.confirm(session, incident_id, actor=who.user.username, reason=reason) and None)


@router.post("/incidents/{incident_id}/reject")
async def reject(incident_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, incident_id,
                      lambda form, reason: review.reject(session, incident_id, actor=who.user.username, reason=reason) and None)


@router.post("/incidents/{incident_id}/reopen")
async def reopen(incident_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, incident_id,
                      lambda form, reason: review.reopen(session, incident_id, actor=who.user.username, reason=reason) and None)


@router.post("/incidents/{incident_id}/correct")
async def correct(incident_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    """A refused correction comes back on the incident page with the error beside its form and
    what was typed still in it (not on a page of codes, with the input lost)."""
    form = await checked_form(request, who)
    field, typed, reason = form.get("field", ""), (form.get("value") or "")[:2000], (form.get("reason") or "").strip()[:2000]
    try:
        if field not in INCIDENT_FIELDS:
            raise ValueError(f"unknown field {field!r}")
        review.correct(session, incident_id, field, parse_value(field, typed), actor=who.user.username, reason=reason)
        audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="incident", object_id=incident_id,
                     detail={"action": "correct"})
        session.commit()
    except (review.ReviewError, ValueError) as exc:
        session.rollback()
        return _incident_response(request, who, session, incident_id, status_code=400,
                                  correction={"field": field, "value": typed, "reason": reason, "error": str(exc)})
    return RedirectResponse(f"/incidents/{incident_id}?done=1", status_code=303)


@router.post("/incidents/{incident_id}/suggestions/{suggestion_id}/accept")
async def accept_suggestion(incident_id: RecordId, suggestion_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)),
                            session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, incident_id, lambda form, reason: review.accept_suggestion(
        session, incident_id, suggestion_id, actor=who.user.username, reason=reason) and None, {"suggestion_id": suggestion_id})


@router.post("/incidents/{incident_id}/suggestions/{suggestion_id}/dismiss")
async def dismiss_suggestion(incident_id: RecordId, suggestion_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)),
                             session: Session = Depends(db)) -> Response:
    return await _act(request, who, session, incident_id, lambda form, reason: review.dismiss_suggestion(
        session, incident_id, suggestion_id, actor=who.user.username, reason=reason) and None, {"suggestion_id": suggestion_id})


def parse_value(field: str, raw: str):
    """A form's text as the contract's value: lists are comma-separated, empty is unknown; a value
    may be written as its label or place name in any interface language ("Moscow", "Физическое
    насилие"), as well as its code."""
    raw = raw.strip()[:2000]
    if INCIDENT_FIELDS[field]:
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        return parts if field == "victim_names" else [code_for(field, p) or p for p in parts]
    if field in ("victim_status", "location_country") and raw:
        return code_for(field, raw) or raw
    if field == "victim_count":
        if not raw:
            return None
        count = record_number(raw)
        if count is None:
            raise ValueError(N_("the number of victims must be a whole number"))
        return count
    return raw or None


@router.get("/incidents/{incident_id}/merge")
def merge_preview(incident_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)),
                  session: Session = Depends(db)) -> Response:
    """Both records side by side, conflicts marked, and what the merge would make, before anyone merges."""
    if "other" not in request.query_params:  # nothing to compare yet: the form is on the incident page
        return RedirectResponse(f"/incidents/{incident_id}#review-h", status_code=303)
    other = record_number(request.query_params.get("other", "").strip().lstrip("#"))
    try:
        if other is None:
            raise review.ReviewError(N_("give the number of the incident to merge into this one"))
        preview = review.merge_preview(session, incident_id, other)
    except review.ReviewError as exc:
        return render(request, "error.html", who, status_code=400, title=N_("Not done"), message=str(exc))
    keep, merged_away = incident_view(preview["keep"], who), incident_view(preview["other"], who)
    comparison = decide(preview["other"].fields, preview["keep"].fields)
    audit_read(session, who, object_type="incident", ids=named_ids([preview["keep"], preview["other"]]), via="merge preview")
    return render(
        request, "merge.html", who, keep=keep, other=merged_away, merged=visible_fields(preview["merged"], who),
        conflicts=conflicting_fields(keep["fields"], merged_away["fields"]), fields=INCIDENT_FIELDS, link=comparison.as_dict(),
    )


@router.post("/incidents/{incident_id}/merge")
async def merge(incident_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    def action(form: dict, reason: str) -> int:
        other = record_number(form.get("other", "").strip().lstrip("#"))
        if other is None:
            raise ValueError(N_("give the number of the incident to merge into this one"))
        review.merge(session, incident_id, other, actor=who.user.username, reason=reason)
        return incident_id

    return await _act(request, who, session, incident_id, action)


@router.post("/incidents/{incident_id}/split")
async def split(incident_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    form = await request.form()
    mention_ids = [n for v in form.getlist("mention") if isinstance(v, str) and (n := record_number(v)) is not None]

    def action(form: dict, reason: str) -> int:
        return review.split(session, incident_id, mention_ids, actor=who.user.username, reason=reason).id

    return await _act(request, who, session, incident_id, action)


@router.post("/documents/{document_id}/credibility")
async def grade_document(document_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)),
                         session: Session = Depends(db)) -> Response:
    """How credible what one document says is (1-6), beside its outlet's reliability: "B2"."""
    def save(form: dict) -> None:
        review.set_document_credibility(session, document_id, form.get("credibility", ""), actor=who.user.username,
                                        note=(form.get("note") or "")[:2000])
        audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="document", object_id=document_id,
                     detail={"action": "grade credibility", "credibility": form.get("credibility", "")[:1]})
    return await _grade(request, who, session, save)


@router.post("/outlets/grade")
async def grade_outlet(request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    def save(form: dict) -> None:
        review.set_outlet_grade(session, form.get("outlet", "")[:256], form.get("grade", ""), actor=who.user.username,
                                note=((form.get("note") or "").strip()[:2000] or None))
        audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="outlet", object_id=form.get("outlet", "")[:64],
                     detail={"action": "grade", "grade": form.get("grade", "")[:16]})
    return await _grade(request, who, session, save)


async def _grade(request: Request, who: Viewer, session: Session, save) -> Response:
    """A grading form: saved and audited, then back to the page it came from, which says "Saved."; a
    refused grade is an error page and changes nothing."""
    form = await checked_form(request, who)
    back = local_path(form.get("back"))
    try:
        save(form)
        session.commit()
    except (review.ReviewError, ValueError) as exc:
        session.rollback()
        return render(request, "error.html", who, status_code=400, title=N_("Not done"), message=str(exc))
    return RedirectResponse(back + ("&" if "?" in back else "?") + "done=1", status_code=303)
