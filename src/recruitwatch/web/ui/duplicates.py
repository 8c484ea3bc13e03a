"""The possible-duplicates queue: pairs of incidents the linker could not call, for an analyst to merge or keep apart."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ...security.roles import REVIEWERS
from ...store import audit, review
from ...vocab import INCIDENT_FIELDS
from ..deps import Allow, RecordId, Viewer, checked_form, db
from ..i18n import N_
from ..render import render
from ..views import audit_read, conflicting_fields, incident_view, named_ids

router = APIRouter(include_in_schema=False)
SHOWN = 50  # pairs per page: the most likely first


@router.get("/duplicates")
def duplicates(request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    rows, total = review.open_duplicates(session, limit=SHOWN)
    pairs = []
    for pair, later, earlier in rows:
        views = incident_view(later, who), incident_view(earlier, who)
        pairs.append({
            "id": pair.id, "score": pair.score, "link": pair.comparisons, "later": views[0], "earlier": views[1],
            "conflicts": conflicting_fields(views[0]["fields"], views[1]["fields"]),
        })
    audit_read(session, who, object_type="incident", ids=named_ids(i for _, *both in rows for i in both), via="duplicates")
    return render(request, "duplicates.html", who, pairs=pairs, total=total, fields=INCIDENT_FIELDS,
                  done=request.query_params.get("done"))


@router.post("/duplicates/{pair_id}")
async def decide(pair_id: RecordId, request: Request, who: Viewer = Depends(Allow(*REVIEWERS)), session: Session = Depends(db)) -> Response:
    form = await checked_form(request, who)
    decision = form.get("decision", "")
    try:
        kept = review.decide_duplicate(session, pair_id, decision, actor=who.user.username,
                                       reason=(form.get("reason") or "").strip()[:2000])
        audit.record(session, actor=who.user.username, action=audit.UPDATE, object_type="incident", object_id=kept.id,
                     detail={"action": f"possible duplicate {decision}", "possible_duplicate": pair_id})
        session.commit()
    except review.ReviewError as exc:
        session.rollback()
        return render(request, "error.html", who, status_code=400, title=N_("Not done"), message=str(exc))
    return RedirectResponse(f"/duplicates?done={decision}", status_code=303)
