"""A shaded map of Russia's regions and Ukraine's, drawn from real boundaries.

The companion of the tile grid (tilemap.py): the same counts, shades and
legend, but on the land as it lies, which is what a reader expects of "a
map" and what shows a count's place among neighbours. The outlines are
Natural Earth's, projected and simplified once by
scripts/build_region_shapes.py into data/region_shapes.json; nothing is
fetched. Small regions (Moscow, the Caucasus) are a few pixels across at
full view: the page zooms the drawing, and the tile grid stays beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from ..extract.data_files import load_data
from .places import PACKAGE
from .svgtext import element_id, esc
from .tilemap import (
    FILLS,
    TEXT,
    UKRAINE_STROKE,
    TileCell,
    TileGrid,
    describe,
    incidents_phrase,
    legend_svg,
)

OUTSIDE_FILL = "#e9eef3"  # Ukraine's regions the gazetteer does not list: context, never counted
BORDER = "#b8b8b8"  # grey, so regions with no incidents still show their outline


@cache
def load_shapes() -> tuple[float, float, dict[str, str]]:
    """width, height and region code -> SVG path, from data/region_shapes.json."""
    data = _data()
    return float(data["width"]), float(data["height"]), {str(k): str(v) for k, v in data["paths"].items()}


@cache
def _data() -> dict:
    return load_data(PACKAGE, "region_shapes.json")


@cache
def load_boxes() -> dict[str, tuple[float, float, float, float]]:
    """Region code -> its bounding box (x0, y0, x1, y1) in map units."""
    return {str(k): tuple(float(v) for v in box) for k, box in _data()["boxes"].items()}


def focus(grid: TileGrid) -> tuple[float, float] | None:
    """Where the incidents are: the centres of the regions with any, weighted by count (a withheld
    count weighs 1). The page's first zoom goes there rather than to the middle of Siberia."""
    boxes = load_boxes()
    weighted = [
        (1 if cell.count is None else cell.count, boxes[cell.code])
        for cell in grid.cells if cell.count != 0 and cell.code in boxes
    ]
    total = sum(w for w, _ in weighted)
    if not total:
        return None
    x = sum(w * (b[0] + b[2]) / 2 for w, b in weighted) / total
    y = sum(w * (b[1] + b[3]) / 2 for w, b in weighted) / total
    return round(x), round(y)


def render_svg(grid: TileGrid, link_for: Callable[[str], str | None], lang: str = "en") -> str:
    """The grid's counts as a shaded map, as accessible inline SVG.

    A region with incidents is a link named "Moscow: 12 incidents" when
    `link_for` gives one; every region of the gazetteer has its name and count
    as a tooltip. Labelled like the tile grid: a <title> and a <desc> that
    lists every count, role="group" when it holds links (an img's children
    would be hidden from screen readers)."""
    text = TEXT.get(lang, TEXT["en"])
    width, height, paths = load_shapes()
    cells = {cell.code: cell for cell in grid.cells}
    links = {code: link_for(code) for code, cell in cells.items() if cell.count != 0 and code in paths}
    base = element_id("regionmap", lang, *(f"{c.code}={c.count}" for c in grid.cells))
    title_id, desc_id = f"{base}-title", f"{base}-desc"

    legend_y = height + 12
    centre = focus(grid)
    role = "group" if any(links.values()) else "img"
    focus_attr = f' data-focus="{centre[0]} {centre[1]}"' if centre else ""
    full_height = legend_y + 28
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="region-map" role="{role}"{focus_attr} '
        f'width="{width:.0f}" height="{full_height:.0f}" viewBox="0 0 {width:.0f} {full_height:.0f}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{esc(text["title"])}</title>',
        f'<desc id="{desc_id}">{esc(describe(grid, lang, text["geo_desc"]))}</desc>',
    ]
    # Ukraine's regions last, so their dashed outlines are drawn over Russia's border.
    for code in sorted(paths, key=lambda c: (c.startswith("UA-") and c in cells, c)):
        out.append(_region(code, paths[code], cells.get(code), links.get(code), lang, grid.fewer_than))
    out.extend(legend_svg(grid, legend_y, text))
    out.append("</svg>")
    return "\n".join(out)


def _region(code: str, path: str, cell: TileCell | None, href: str | None, lang: str, fewer_than: int | None) -> str:
    if cell is None:
        return f'<path class="outside" d="{path}" fill="{OUTSIDE_FILL}" stroke="{BORDER}" stroke-width="0.5" vector-effect="non-scaling-stroke"/>'
    name = f"{cell.name_in(lang)}: {incidents_phrase(cell.count, lang, fewer_than)}"
    stroke = (
        f'stroke="{UKRAINE_STROKE}" stroke-width="1.5" stroke-dasharray="4 2"'
        if cell.country == "UA" else f'stroke="{BORDER}" stroke-width="0.6"'
    )
    body = (
        f'<path class="region shade-{cell.shade}" d="{path}" fill="{FILLS[cell.shade]}" {stroke} '
        f'vector-effect="non-scaling-stroke"><title>{esc(name)}</title></path>'
    )
    if href:
        return f'<a class="region-link" href="{esc(href)}" aria-label="{esc(name)}">{body}</a>'
    return body
