"""The dashboard: incidents per month, by field, and two maps of Russia's regions (shaded land, tile grid)."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from ...publish import regionmap, stats, tilemap
from ...store import queries
from ..deps import PUBLIC, Viewer, db
from ..filters import FILTER_PARAMS, FilterError, parse_filters
from ..i18n import N_, label, translations
from ..render import query_with, render
from ..views import policy, visible_counts, visible_total

router = APIRouter(include_in_schema=False)

DASHBOARD_SELECTS = ("nationality", "status", "perpetrator", "method", "outcome")  # chosen on the dashboard itself
CHARTS = (("nationality", "victim_nationalities"), ("method", "methods"), ("perpetrator", "perpetrators"),
          ("outcome", "outcomes"), ("status", "victim_status"))


@router.get("/dashboard")
def dashboard(request: Request, who: Viewer = Depends(PUBLIC), session: Session = Depends(db)) -> Response:
    try:
        query, clean = parse_filters(request.query_params, who)
    except FilterError as exc:
        return render(request, "error.html", who, status_code=400, title=N_("Invalid request"), message=str(exc))
    lang, _ = who.language, translations(who.language).gettext
    facet_fields = ("region",) + tuple(name for name, _kind in CHARTS)
    facets = queries.facets(session, query, fields=facet_fields)
    # The dashboard's own filters offer every value a chosen one could change to, counted without itself.
    choosable = {name: queries.facets(session, dataclasses.replace(query, **{name: None}), fields=(name,))[name]
                 if getattr(query, name) else facets.get(name, []) for name in DASHBOARD_SELECTS}
    month_pairs = queries.month_counts(session, query)
    fewer_than = None
    if not who.sees_personal_data:  # the public: small counts could point at a person: "<3", never the number
        facets = {f: visible_counts(pairs, who) for f, pairs in facets.items()}
        choosable = {f: visible_counts(pairs, who) for f, pairs in choosable.items()}
        month_pairs = visible_counts(month_pairs, who)
        fewer_than = policy().min_count
    months = stats.fill_months(dict(month_pairs))
    total = visible_total(queries.count_incidents(session, query), who)

    def link(code: str) -> str:
        return "/incidents?" + query_with(clean, region=code)

    grid = tilemap.tile_grid(dict(facets.get("region", [])), fewer_than)
    charts = []
    for name, kind in CHARTS:
        pairs = facets.get(name, [])[:12]
        title = _("Incidents by") + " " + label("fields", kind, lang).lower()
        charts.append(Markup(stats.bar_chart_svg(
            pairs, {v: label(kind, v, lang) for v, _n in pairs}, title, fewer_than=fewer_than,
            link_for=lambda value, name=name: "/incidents?" + query_with(clean, **{name: value}))))
    month_chart = Markup(stats.bar_chart_svg(months, None, _("Incidents per month"), fewer_than=fewer_than,
                                             show_title=False)) if months else None
    return render(
        request, "dashboard.html", who,
        total=total, params=clean, region_map=Markup(tilemap.render_svg(grid, link, lang)),
        geo_map=Markup(regionmap.render_svg(grid, link, lang)), charts=charts,
        month_chart=month_chart, months=months, min_count=None if who.sees_personal_data else policy().min_count,
        choosable=choosable, select_kinds=dict(CHARTS), filter_params=FILTER_PARAMS,
    )
