"""The tile map: every region has one square of its own, roughly where it lies,
and the SVG names and counts every square in text."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from importlib import resources

import pytest
import yaml

from recruitwatch.publish import places, tilemap

SVG = "{http://www.w3.org/2000/svg}"
GAZETTEER = yaml.safe_load(
    resources.files("recruitwatch.extract")
    .joinpath("data/regions.yaml")
    .read_text(encoding="utf-8")
)
CODES = {r["code"] for r in GAZETTEER["regions"]}
PUBLISH_DATA = resources.files("recruitwatch.publish").joinpath("data")


@pytest.mark.parametrize(
    "name", sorted(e.name for e in PUBLISH_DATA.iterdir() if e.name.endswith(".yaml"))
)
def test_every_publish_data_file_says_where_it_comes_from(name):
    data = yaml.safe_load(PUBLISH_DATA.joinpath(name).read_text(encoding="utf-8"))
    assert len(str(data.get("source", "")).strip()) > 40


def test_every_gazetteer_region_has_exactly_one_tile_and_a_centroid():
    tiles = tilemap.load_tiles()
    assert set(tiles) == CODES
    assert len([c for c in CODES if c.startswith("RU-")]) == 83
    assert set(places.centroids()) == CODES


def test_no_two_tiles_share_a_cell_and_labels_are_short_and_distinct():
    tiles = tilemap.load_tiles().values()
    cells = [(t.row, t.col) for t in tiles]
    assert len(cells) == len(set(cells))
    assert all(2 <= len(t.label) <= 4 and t.label.isupper() for t in tiles)
    assert len({t.label for t in tiles}) == len(tiles)
    assert all(t.names["en"] and t.names["ru"] for t in tiles)
    assert {t.code for t in tiles if t.country == "UA"} == {c for c in CODES if c.startswith("UA-")}


def test_tiles_keep_west_east_and_north_south_order_of_distant_regions():
    """Columns follow longitude wherever two centres are far apart east-west; rows follow
    latitude for centres far apart north-south on roughly one meridian (a tile map squeezes
    the Far East, so Vladivostok may sit above Rostov)."""
    tiles, points = tilemap.load_tiles(), places.centroids()
    wrong = []
    for a, b in itertools.combinations(sorted(tiles), 2):
        (lat_a, lon_a), (lat_b, lon_b) = points[a], points[b]
        if abs(lon_a - lon_b) > 20 and (tiles[a].col - tiles[b].col) * (lon_a - lon_b) <= 0:
            wrong.append((a, b, "west-east"))
        if (
            abs(lon_a - lon_b) < 15
            and abs(lat_a - lat_b) > 6
            and (tiles[a].row - tiles[b].row) * (lat_b - lat_a) <= 0
        ):
            wrong.append((a, b, "north-south"))
    assert not wrong


def test_centroids_lie_in_russia_or_ukraine():
    for code, (lat, lon) in places.centroids().items():
        assert 41 <= lat <= 72 and 19 <= lon <= 180, code
        if code.startswith("UA-"):
            assert 44 <= lat <= 51 and 30 <= lon <= 41, code
    lat, lon = places.centroid("RU-MOW")
    assert abs(lat - 55.75) < 0.2 and abs(lon - 37.62) < 0.2


def test_tile_grid_counts_shades_and_keeps_what_it_cannot_place():
    grid = tilemap.tile_grid(
        {"RU-MOW": 120, "RU-SPE": 3, "RU-BA": 40, "UA-14": 1, "UZ-TK": 2, "RU-TY": 0}
    )
    cells = {c.code: c for c in grid.cells}
    assert len(cells) == len(CODES)
    assert (cells["RU-MOW"].count, cells["RU-MOW"].shade) == (120, 5)
    assert (cells["RU-AD"].count, cells["RU-AD"].shade) == (0, 0)
    assert 1 <= cells["UA-14"].shade < cells["RU-SPE"].shade < cells["RU-BA"].shade < 5
    assert cells["RU-MOW"].name == "Moscow" and cells["RU-MOW"].name_in("ru") == "Москва"
    assert grid.unplaced == (("UZ-TK", 2),)
    table = grid.cell_rows()
    assert len(table) == grid.rows and all(len(r) == grid.cols for r in table)
    mow = cells["RU-MOW"]
    assert table[mow.row][mow.col] is mow
    assert grid.legend[-1].high == 120 and grid.legend[0].low == 1
    assert [s.shade for s in grid.legend] == sorted(s.shade for s in grid.legend)


def test_shades_rise_with_the_count():
    for largest in (1, 2, 7, 100, 5000):
        shades = [tilemap.shade(n, largest) for n in range(0, largest + 1)]
        assert shades[0] == 0 and shades[-1] == 5
        assert shades == sorted(shades) and all(1 <= s <= 5 for s in shades[1:])
    assert tilemap.tile_grid({}).legend == ()


def test_svg_parses_and_every_tile_is_a_named_link_showing_its_count():
    grid = tilemap.tile_grid({"RU-MOW": 12, "UA-43": 1})
    svg = tilemap.render_svg(grid, lambda code: f"/incidents?region={code}", "en")
    root = ET.fromstring(svg)
    assert root.get("role") == "group", "img would hide the links from screen readers"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text and title.get("id") in root.get("aria-labelledby")
    desc = root.find(f"{SVG}desc").text
    assert "Moscow: 12 incidents" in desc and "Crimea: 1 incident" in desc
    links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    assert len(links) == len(CODES)
    for cell in grid.cells:
        link = links[f"/incidents?region={cell.code}"]
        assert (
            link.get("aria-label")
            == f"{cell.name}: {cell.count} incident{'' if cell.count == 1 else 's'}"
        )
        counts = [t.text for t in link.iter(f"{SVG}text") if t.get("class") == "count"]
        assert counts == [str(cell.count)]
        assert cell.label in [t.text for t in link.iter(f"{SVG}text")]


def test_svg_without_links_is_an_image_and_speaks_russian():
    svg = tilemap.render_svg(
        tilemap.tile_grid({"RU-MOW": 22, "RU-SPE": 3}), lambda code: None, "ru"
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and not list(root.iter(f"{SVG}a"))
    desc = root.find(f"{SVG}desc").text
    assert "Москва: 22 инцидента" in desc and "Санкт-Петербург: 3 инцидента" in desc
    assert tilemap.incidents_phrase(11, "ru") == "11 инцидентов"
    assert tilemap.incidents_phrase(21, "ru") == "21 инцидент"


def test_hostile_text_in_a_link_is_escaped():
    hostile = '"><script>alert(1)</script><a href="'
    svg = tilemap.render_svg(tilemap.tile_grid({"RU-MOW": 1}), lambda code: hostile + code, "en")
    root = ET.fromstring(svg)
    assert "<script>" not in svg
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    assert {a.get("href") for a in root.iter(f"{SVG}a")} == {hostile + c for c in CODES}
