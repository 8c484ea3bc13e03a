"""Counts over incidents for the public pages, and a bar chart that reads without colour.

Everything counts what it is given: pass only the incidents a page shows
(leave out rejected ones first). Incidents dated only to a year are not
spread over months: `per_month` leaves them out and `totals` counts them
(`dated_to_year_only`), as it counts the undated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..vocab import INCIDENT_FIELDS
from .rows import IncidentRow
from .svgtext import element_id, esc, text_width

COUNTABLE_FIELDS = tuple(f for f in INCIDENT_FIELDS if f != "victim_names") + ("review_state",)


def _month(row: IncidentRow) -> str | None:
    date = row.date
    return date[:7] if date and len(date) >= 7 else None


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def per_month(rows: Iterable[IncidentRow]) -> list[tuple[str, int]]:
    """(YYYY-MM, incidents) for every month from the first to the last, gaps as 0.

    Only incidents dated to a month or a day count; see the module note.
    """
    return fill_months(Counter(m for m in map(_month, rows) if m and "01" <= m[5:7] <= "12"))


def fill_months(counts: dict[str, int | None]) -> list[tuple[str, int | None]]:
    """Counts by YYYY-MM as a contiguous series, months without incidents as 0 (a chart must show gaps)."""
    counts = {m: n for m, n in counts.items() if m and "01" <= m[5:7] <= "12"}
    if not counts:
        return []
    month, last, out = min(counts), max(counts), []
    while month <= last:
        out.append((month, counts.get(month, 0)))
        month = _next_month(month)
    return out


def by_field(rows: Iterable[IncidentRow], field: str) -> list[tuple[Any, int]]:
    """(value, incidents) by count, most first, then by value.

    A list field counts each value once per incident, so the counts are
    incidents, not mentions. victim_names is refused: names are not a statistic.
    """
    if field not in COUNTABLE_FIELDS:
        raise ValueError(f"cannot count {field!r}; countable fields: {', '.join(COUNTABLE_FIELDS)}")
    counts: Counter = Counter()
    for row in rows:
        if field == "review_state":
            values = [row.review_state]
        elif INCIDENT_FIELDS[field]:
            values = list(dict.fromkeys(row.values(field)))
        else:
            values = [row.value(field)]
        counts.update(v for v in values if v is not None and v != "")
    return sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))


@dataclass(frozen=True)
class Totals:
    incidents: int
    verified: int
    unreviewed: int  # review_state machine
    rejected: int
    victims: int  # sum of victim_count over incidents that give one
    incidents_with_victim_count: int
    countries: tuple[str, ...]  # location_country codes, sorted
    nationalities: tuple[str, ...]  # victim_nationalities codes, sorted
    regions: tuple[str, ...]  # location_regions codes, sorted
    first_date: str | None  # earliest and latest date as stated (YYYY, YYYY-MM or YYYY-MM-DD)
    last_date: str | None
    dated_to_month: int  # dated to a day or a month: these make per_month
    dated_to_year_only: int
    undated: int


def totals(rows: Iterable[IncidentRow]) -> Totals:
    """Headline figures for a set of incidents."""
    states: Counter = Counter()
    victims = with_count = to_month = year_only = undated = 0
    countries, nationalities, regions, dates = set(), set(), set(), []
    for row in rows:
        states[row.review_state] += 1
        count = row.value("victim_count")
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            victims += count
            with_count += 1
        if row.value("location_country"):
            countries.add(row.value("location_country"))
        nationalities.update(row.values("victim_nationalities"))
        regions.update(row.values("location_regions"))
        if row.date is None:
            undated += 1
        else:
            dates.append(row.date)
            if len(row.date) == 4:
                year_only += 1
            else:
                to_month += 1
    return Totals(
        incidents=sum(states.values()),
        verified=states["verified"],
        unreviewed=states["machine"],
        rejected=states["rejected"],
        victims=victims,
        incidents_with_victim_count=with_count,
        countries=tuple(sorted(countries)),
        nationalities=tuple(sorted(nationalities)),
        regions=tuple(sorted(regions)),
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        dated_to_month=to_month,
        dated_to_year_only=year_only,
        undated=undated,
    )


BAR_FILL = "#4a5a8c"
FONT = 13
ROW = 24
BAR = 16


def _fit(text: str, space: float) -> str:
    """`text` cut with an ellipsis to fit `space` px (the full text stays in <title>)."""
    if text_width(text, FONT) <= space + 0.01:  # the margin absorbs float rounding of space
        return text
    keep = max(int(space / (FONT * 0.6)) - 1, 1)
    return text[:keep] + "…"


def bar_chart_svg(
    pairs: Sequence[tuple[Any, int | None]],
    labels: Mapping[Any, str] | None = None,
    title: str = "",
    *,
    width: int = 640,
    empty_text: str = "No incidents",
    fewer_than: int | None = None,
    link_for: Any = None,
    show_title: bool = True,
) -> str:
    """A horizontal bar chart as inline SVG, one bar per (value, count) in the order given.

    Each count is printed after its bar and the <desc> lists every pair, so
    the chart reads without colour and with a screen reader (role="img",
    aria-labelledby its <title> and <desc>). `labels` maps values to display
    text (a value without one shows as itself). A count of None is withheld from
    the public: some, fewer than `fewer_than`, printed "<N" without a bar.
    `link_for(value)`, when given, makes each bar a link (to the list it counts).
    `show_title=False` keeps the title for screen readers only (the page heads the chart).
    All text is escaped.
    """
    names = [str((labels or {}).get(value, value)) for value, _ in pairs]
    counts = [None if count is None else int(count) for _, count in pairs]
    printed = [f"<{fewer_than}" if c is None else str(c) for c in counts]
    base = element_id("chart", title, *names, *counts)
    title_id, desc_id = f"{base}-title", f"{base}-desc"
    label_width = min(max((text_width(n, FONT) for n in names), default=0) + 12, width * 0.4)
    shown = [_fit(n, label_width - 12) for n in names]
    count_width = max((text_width(p, FONT) for p in printed), default=0) + 10
    bar_space = max(width - label_width - count_width - 8, 10)
    top = 30 if title and show_title else 6
    height = top + max(len(pairs), 1) * ROW + 6
    largest = max((c for c in counts if c is not None), default=0)
    desc = "; ".join(f"{n}: {p}" for n, p in zip(names, printed, strict=True)) or empty_text
    role = "group" if link_for else "img"  # an img's children are hidden from screen readers: links need a group
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="{role}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{esc(title)}</title>',
        f'<desc id="{desc_id}">{esc(desc)}</desc>',
    ]
    if title and show_title:
        out.append(
            f'<text x="0" y="18" font-size="{FONT + 2}" font-weight="bold" aria-hidden="true">{esc(title)}</text>'
        )
    if not pairs:
        out.append(f'<text x="0" y="{top + FONT + 2}" font-size="{FONT}">{esc(empty_text)}</text>')
    for i, ((value, _), name, short, count, text) in enumerate(zip(pairs, names, shown, counts, printed, strict=True)):
        y = top + i * ROW
        length = bar_space * count / largest if largest and count else 0
        text_y = y + BAR / 2 + FONT * 0.35
        bar = (
            f'<title>{esc(name)}: {esc(text)}</title>'
            f'<text x="{label_width - 6:.1f}" y="{text_y:.1f}" font-size="{FONT}" text-anchor="end">{esc(short)}</text>'
            f'<rect x="{label_width:.1f}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{BAR_FILL}"/>'
            f'<text class="count" x="{label_width + length + 4:.1f}" y="{text_y:.1f}" font-size="{FONT}">{esc(text)}</text>'
        )
        href = link_for(value) if link_for else None
        if href:
            out.append(f'<a class="bar" href="{esc(href)}" aria-label="{esc(name)}: {esc(text)}">{bar}</a>')
        else:
            out.append(f'<g class="bar">{bar}</g>')
    out.append("</svg>")
    return "\n".join(out)
