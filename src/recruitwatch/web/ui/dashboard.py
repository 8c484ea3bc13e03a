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
    # The time slider runs over every month with incidents whatever dates are chosen, so a chosen
    # range can be widened again; it only needs the months, never their counts.
    undated = dataclasses.replace(query, date_from=None, date_to=None)
    slider_months = [m for m, _n in stats.fill_months(dict(queries.month_counts(session, undated)))]
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
        slider=time_slider(slider_months, clean.get("date_from"), clean.get("date_to")),
    )


def time_slider(months: list[str], date_from: str | None, date_to: str | None) -> dict | None:
    """The positions of the dashboard's time slider: every month with incidents, and the chosen
    range's first and last month on it (a year or a day chosen in the fields is read as its month)."""
    if len(months) < 2:
        return None

    def position(value: str | None, default: int, last: bool) -> int:
        if not value:
            return default
        month = value[:7] if len(value) >= 7 else f"{value[:4]}-{'12' if last else '01'}"
        if last:
            before = [i for i, m in enumerate(months) if m <= month]
            return before[-1] if before else 0
        after = [i for i, m in enumerate(months) if m >= month]
        return after[0] if after else len(months) - 1

    return {"months": months, "start": position(date_from, 0, False), "end": position(date_to, len(months) - 1, True)}
