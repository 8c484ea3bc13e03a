"""The shaded map: real outlines for every region the gazetteer knows, shaded by count, each
region with incidents a link to them, and a withheld count never drawn as its number."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib import resources

from recruitwatch.publish import regionmap, tilemap

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_every_region_of_the_gazetteer_has_an_outline_and_the_data_says_where_it_comes_from():
    raw = json.loads(resources.files("recruitwatch.publish").joinpath("data/region_shapes.json").read_text("utf-8"))
    assert "Natural Earth" in raw["source"] and "public domain" in raw["source"]
    _w, _h, paths = regionmap.load_shapes()
    assert set(tilemap.load_tiles()) <= set(paths)
    assert len([c for c in paths if c.startswith("RU-")]) == 83
    for code, d in paths.items():
        assert re.fullmatch(r"(M-?\d+ -?\d+l[-\d ]+z)+", d), code


def test_regions_are_shaded_by_count_and_only_regions_with_incidents_are_links():
    grid = tilemap.tile_grid({"RU-MOW": 40, "RU-TA": 1, "UA-14": 5})
    root = parsed(regionmap.render_svg(grid, lambda code: f"/incidents?region={code}&x=<1>"))
    links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    assert set(links) == {f"/incidents?region={c}&x=<1>" for c in ("RU-MOW", "RU-TA", "UA-14")}
    moscow = links["/incidents?region=RU-MOW&x=<1>"]
    assert moscow.get("aria-label") == "Moscow: 40 incidents"
    shade_of = {a.get("aria-label").split(":")[0]: a.find(f"{SVG}path").get("class") for a in links.values()}
    assert shade_of["Moscow"] == "region shade-5" and shade_of["Tatarstan"] == "region shade-1"
    donetsk = links["/incidents?region=UA-14&x=<1>"].find(f"{SVG}path")
    assert donetsk.get("stroke-dasharray")  # occupied or front-line Ukraine: dashed, as in the legend
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "Tula Oblast: 0 incidents" in titles  # a region with none still tells its name
    desc = root.find(f"{SVG}desc").text
    assert "Moscow: 40 incidents; Donetsk Oblast: 5 incidents; Tatarstan: 1 incident." in desc


def test_a_withheld_count_is_never_drawn_as_its_number():
    grid = tilemap.tile_grid({"RU-MOW": 12, "RU-KDA": None}, fewer_than=3)
    svg = regionmap.render_svg(grid, lambda code: None, "ru")
    root = parsed(svg)
    assert root.get("role") == "img"  # no links: the drawing is one image
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "Краснодарский край: менее 3 инцидентов" in titles
    assert "Москва: 12 инцидентов" in titles



def test_the_first_zoom_goes_where_the_incidents_are():
    boxes = regionmap.load_boxes()
    x0, y0, x1, y1 = boxes["RU-MOW"]
    assert regionmap.focus(tilemap.tile_grid({"RU-MOW": 9})) == (round((x0 + x1) / 2), round((y0 + y1) / 2))
    west, east = regionmap.focus(tilemap.tile_grid({"RU-MOW": 9, "RU-PRI": 1})), boxes["RU-PRI"]
    assert west[0] < (boxes["RU-MOW"][2] + east[0]) / 2  # nine in Moscow weigh more than one in Primorye
    assert regionmap.focus(tilemap.tile_grid({})) is None
