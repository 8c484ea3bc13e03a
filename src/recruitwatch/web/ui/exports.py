"""Exports of the current filtered view in every registered format (publish.exports)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from ...publish.acled import column_meanings, columns
from ...publish.exports import EXPORTERS
from ...publish.rows import IncidentRow
from ...store import audit, queries
from ...store.encrypted import check_key_ring
from ..deps import PUBLIC, Viewer, db
from ..filters import FilterError, parse_filters
from ..i18n import N_
from ..render import render
from ..views import visible_record

router = APIRouter(include_in_schema=False)


def export_response(fmt: str, request: Request, who: Viewer, session: Session) -> Response:
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        return Response(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORTERS)}", status_code=404, media_type="text/plain")
    query, _clean = parse_filters(request.query_params, who)
    if who.sees_personal_data:  # names leave the system: who took them, in which form, with which filters
        audit.record(session, actor=who.user.username, action=audit.EXPORT, object_type="incident",
                     detail={"format": fmt, "filters": audit.without_free_text(_clean)})
        session.commit()
    check_key_ring(session)  # names that will not open fail here, as an error page, not midway through the download
    rows = (IncidentRow.from_dict(visible_record(row, who)) for row in queries.export_rows(session, query))
    body = exporter.function(rows, redact_names=not who.sees_personal_data)
    stamp = dt.date.today().isoformat()
    headers = {"Content-Disposition": f'attachment; filename="recruitwatch-incidents-{stamp}.{exporter.file_extension}"'}
    if isinstance(body, bytes | bytearray):
        return Response(bytes(body), media_type=exporter.media_type, headers=headers)
    return StreamingResponse(body, media_type=exporter.media_type, headers=headers)


@router.get("/export/columns")
def export_columns(request: Request, who: Viewer = Depends(PUBLIC)) -> Response:
    """The data dictionary of the CSV and xlsx exports (the xlsx carries it as its "columns" sheet)."""
    shown = columns(redact_names=not who.sees_personal_data)
    meanings = column_meanings()
    return render(request, "columns.html", who, rows=[(c, meanings.get(c, "")) for c in shown])


@router.get("/export.{fmt}")
def export(fmt: str, request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    try:
        return export_response(fmt, request, who, session)
    except FilterError as exc:
        return render(request, "error.html", who, status_code=400, title=N_("Invalid request"), message=str(exc))
