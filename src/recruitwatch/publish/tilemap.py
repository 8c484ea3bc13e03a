"""A tile-grid map of Russia's regions and the occupied Ukrainian regions: one square each.

A tile map gives Moscow and Yakutia the same size, so a count is seen where
it happened rather than where the land is wide; the layout (data/
region_tiles.yaml) keeps neighbours roughly neighbours. `tile_grid` gives a
template everything it needs to draw one (HTML grid, table, anything);
`render_svg` draws it as inline SVG in which every count is printed, so the
map reads without colour.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

from ..extract.data_files import load_data
from .places import PACKAGE
from .svgtext import element_id, esc

SHADES = 5  # shade classes 1..5 for counts above zero; 0 is "none"


@dataclass(frozen=True)
class Tile:
    code: str  # ISO 3166-2, as in the gazetteer (RU-MOW, UA-14)
    row: int
    col: int
    label: str  # 2-4 letters printed on the tile
    country: str  # RU or UA: Ukrainian regions are drawn apart
    names: Mapping[str, str]  # lang -> name (en, ru)


@cache
def load_tiles() -> dict[str, Tile]:
    """Region code -> Tile, from data/region_tiles.yaml."""
    data = load_data(PACKAGE, "region_tiles.yaml")["tiles"]
    return {
        code: Tile(
            code,
            int(t["row"]),
            int(t["col"]),
            str(t["label"]),
            str(t["country"]),
            {"en": t["en"], "ru": t["ru"]},
        )
        for code, t in data.items()
    }


@dataclass(frozen=True)
class TileCell:
    code: str
    row: int
    col: int
    label: str
    country: str
    name: str  # English
    names: Mapping[str, str]
    count: int | None  # None: some, fewer than the grid's `fewer_than` (withheld from the public)
    shade: int  # 0 (none) .. 5

    def name_in(self, lang: str) -> str:
        return self.names.get(lang) or self.name


@dataclass(frozen=True)
class LegendStep:
    shade: int
    low: int  # smallest count drawn in this shade
    high: int  # largest


@dataclass(frozen=True)
class TileGrid:
    rows: int
    cols: int
    cells: tuple[TileCell, ...]  # in reading order (row, then column)
    largest: int
    legend: tuple[LegendStep, ...]  # shades in use, lightest first
    unplaced: tuple[tuple[str, int | None], ...] = field(default=())  # counted codes without a tile
    fewer_than: int | None = None  # what a withheld count (None) is fewer than

    def cell_rows(self) -> list[list[TileCell | None]]:
        """The grid as rows of cells, None where the grid has no tile."""
        table: list[list[TileCell | None]] = [[None] * self.cols for _ in range(self.rows)]
        for cell in self.cells:
            table[cell.row][cell.col] = cell
        return table


def shade(count: int, largest: int) -> int:
    """0 for none, else 1..5 on a log scale relative to the largest count.

    A log scale because counts are skewed (Moscow far above most regions); the
    largest count always gets 5, a single incident among hundreds still shows.
    """
    if count <= 0 or largest <= 0:
        return 0
    return max(1, min(SHADES, math.ceil(SHADES * math.log1p(count) / math.log1p(largest))))


def legend(largest: int) -> tuple[LegendStep, ...]:
    counts = range(1, largest + 1)
    steps = []
    for s in range(1, SHADES + 1):
        low = bisect_left(counts, s, key=lambda c: shade(c, largest)) + 1
        high = bisect_left(counts, s + 1, key=lambda c: shade(c, largest))
        if low <= high:
            steps.append(LegendStep(s, low, high))
    return tuple(steps)


def tile_grid(counts: Mapping[str, int | None], fewer_than: int | None = None) -> TileGrid:
    """Every tile with its count (0 when absent) and shade; counts for codes with no tile
    (a region outside the map) are kept in `unplaced` so a page can list them. A count of None
    is withheld from the public: some, fewer than `fewer_than`, drawn "<N" in the lightest shade."""
    tiles = load_tiles()
    placed = {code: (None if n is None else int(n)) for code, n in counts.items() if code in tiles}
    largest = max((n for n in placed.values() if n is not None), default=0)
    cells = tuple(
        TileCell(
            t.code,
            t.row,
            t.col,
            t.label,
            t.country,
            t.names["en"],
            t.names,
            placed.get(t.code, 0),
            1 if placed.get(t.code, 0) is None else shade(placed.get(t.code, 0), largest),
        )
        for t in sorted(tiles.values(), key=lambda t: (t.row, t.col))
    )
    unplaced = tuple(
        sorted(
            ((c, n) for c, n in counts.items() if c not in tiles and n != 0),
            key=lambda p: (-(p[1] if p[1] is not None else 0.5), p[0]),
        )
    )
    return TileGrid(
        rows=max(t.row for t in tiles.values()) + 1,
        cols=max(t.col for t in tiles.values()) + 1,
        cells=cells,
        largest=largest,
        legend=legend(largest),
        unplaced=unplaced,
        fewer_than=fewer_than,
    )


FILLS = ("#f2f2f2", "#fde0c5", "#f9b98a", "#f08a5d", "#c8423a", "#8c1d32")
INKS = (
    "#1a1a1a",
    "#1a1a1a",
    "#1a1a1a",
    "#1a1a1a",
    "#ffffff",
    "#ffffff",
)  # contrast >= 4.5:1 on each fill
UKRAINE_STROKE = "#1f4fa8"
TILE, GAP = 44, 4

TEXT = {
    "en": {
        "title": "Incidents by region",
        "desc": "Russia's regions and the regions of Ukraine occupied by Russia or at the front "
        "(dashed outline), one square each; the number in a square is its count of incidents.",
        "none": "No incidents in the other regions.",
        "ukraine": "Ukraine",
        "elsewhere": "Elsewhere",
        "fewer": "fewer than {n} incidents",
        "geo_desc": "A map of Russia's regions and Ukraine's; a region's shade grows with its count of "
        "incidents, and the regions of Ukraine occupied by Russia or at the front have a dashed outline.",
    },
    "ru": {
        "title": "Инциденты по регионам",
        "desc": "Регионы России и оккупированные Россией или прифронтовые регионы Украины "
        "(пунктирная граница), по квадрату на регион; число в квадрате — количество инцидентов.",
        "none": "В остальных регионах инцидентов нет.",
        "ukraine": "Украина",
        "elsewhere": "В других местах",
        "fewer": "менее {n} инцидентов",
        "geo_desc": "Карта регионов России и Украины; чем больше инцидентов в регионе, тем темнее его цвет; "
        "оккупированные Россией или прифронтовые регионы Украины обведены пунктиром.",
    },
}


def incidents_phrase(count: int | None, lang: str, fewer_than: int | None = None) -> str:
    """'1 incident', '12 incidents'; Russian with its three plural forms; 'fewer than 3 incidents'
    for a withheld count (None)."""
    if count is None:
        return TEXT.get(lang, TEXT["en"])["fewer"].format(n=fewer_than)
    if lang == "ru":
        if count % 10 == 1 and count % 100 != 11:
            word = "инцидент"
        elif 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
            word = "инцидента"
        else:
            word = "инцидентов"
        return f"{count} {word}"
    return f"{count} incident{'' if count == 1 else 's'}"


def render_svg(grid: TileGrid, link_for: Callable[[str], str | None], lang: str = "en") -> str:
    """The grid as accessible inline SVG.

    Each tile shows its label and its count; a tile whose `link_for(code)` is
    a URL is a link named "Moscow: 12 incidents". The <svg> is labelled by its
    <title> and a <desc> that lists every count. It has role="img" only when
    no tile is a link: ARIA makes an img's children presentational, which
    would hide the links from screen readers, so with links it is a
    role="group". All text is escaped.
    """
    text = TEXT.get(lang, TEXT["en"])
    links = {cell.code: link_for(cell.code) for cell in grid.cells}
    width = grid.cols * (TILE + GAP)
    legend_y = grid.rows * (TILE + GAP) + 8
    height = legend_y + 28
    base = element_id("tilemap", lang, *(f"{c.code}={c.count}" for c in grid.cells))
    title_id, desc_id = f"{base}-title", f"{base}-desc"
    desc = describe(grid, lang, text["desc"])
    role = "group" if any(links.values()) else "img"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tile-map" role="{role}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{esc(text["title"])}</title>',
        f'<desc id="{desc_id}">{esc(desc)}</desc>',
    ]
    for cell in grid.cells:
        out.append(_tile(cell, links[cell.code], lang, grid.fewer_than))
    out.extend(legend_svg(grid, legend_y, text))
    out.append("</svg>")
    return "\n".join(out)


def describe(grid: TileGrid, lang: str, what: str) -> str:
    """What a map shows, then every count in words: the text a screen reader reads for it."""
    text = TEXT.get(lang, TEXT["en"])
    counted = sorted((c for c in grid.cells if c.count != 0),
                     key=lambda c: (-(c.count if c.count is not None else 0.5), c.name_in(lang)))
    listing = "; ".join(f"{c.name_in(lang)}: {incidents_phrase(c.count, lang, grid.fewer_than)}" for c in counted)
    elsewhere = "; ".join(f"{code}: {incidents_phrase(n, lang, grid.fewer_than)}" for code, n in grid.unplaced)
    parts = (what, listing + "." if listing else "", text["none"], f"{text['elsewhere']}: {elsewhere}." if elsewhere else "")
    return " ".join(p for p in parts if p)


def _tile(cell: TileCell, href: str | None, lang: str, fewer_than: int | None = None) -> str:
    x, y = cell.col * (TILE + GAP), cell.row * (TILE + GAP)
    name = f"{cell.name_in(lang)}: {incidents_phrase(cell.count, lang, fewer_than)}"
    shown = f"<{fewer_than}" if cell.count is None else str(cell.count)
    ukraine = cell.country == "UA"
    stroke = (
        f' stroke="{UKRAINE_STROKE}" stroke-width="2" stroke-dasharray="4 2"' if ukraine else ""
    )
    ink = INKS[cell.shade]
    body = (
        f"<title>{esc(name)}</title>"
        f'<rect class="shade-{cell.shade}" x="{x + 1}" y="{y + 1}" width="{TILE - 2}" height="{TILE - 2}" '
        f'rx="3" fill="{FILLS[cell.shade]}"{stroke}/>'
        f'<text x="{x + TILE / 2}" y="{y + 16}" font-size="11" text-anchor="middle" fill="{ink}" '
        f'aria-hidden="true">{esc(cell.label)}</text>'
        f'<text class="count" x="{x + TILE / 2}" y="{y + 35}" font-size="14" font-weight="bold" '
        f'text-anchor="middle" fill="{ink}" aria-hidden="true">{esc(shown)}</text>'
    )
    classes = f"tile{' ukraine' if ukraine else ''}"
    if href:
        return f'<a class="{classes}" href="{esc(href)}" aria-label="{esc(name)}">{body}</a>'
    return f'<g class="{classes}">{body}</g>'


def legend_svg(grid: TileGrid, y: float, text: Mapping[str, str]) -> list[str]:
    """The shades in use and what each stands for, then the dashed outline of Ukraine."""
    out, x = ['<g class="legend" aria-hidden="true">'], 0
    for step in grid.legend:
        span = str(step.low) if step.low == step.high else f"{step.low}–{step.high}"
        out.append(
            f'<rect x="{x}" y="{y}" width="16" height="16" fill="{FILLS[step.shade]}"/>'
            f'<text x="{x + 20}" y="{y + 12}" font-size="11">{esc(span)}</text>'
        )
        x += 28 + len(span) * 7
    out.append(
        f'<rect x="{x + 8}" y="{y}" width="16" height="16" fill="{FILLS[0]}" stroke="{UKRAINE_STROKE}" '
        f'stroke-width="2" stroke-dasharray="4 2"/>'
        f'<text x="{x + 28}" y="{y + 12}" font-size="11">{esc(text["ukraine"])}</text>'
    )
    out.append("</g>")
    return out
