"""Names, points and ISO codes of the places an incident names.

Region and country names come from the extractor's gazetteer, so an export
spells a place the way the rest of RecruitWatch does; the points and the
alpha-3/numeric codes are this package's own data files.
"""

from __future__ import annotations

from functools import cache

from ..extract.data_files import extract_data, load_data

PACKAGE = "recruitwatch.publish"


@cache
def _region_names() -> dict[str, dict[str, str]]:
    return {
        r["code"]: {lang: forms[0] for lang, forms in r["names"].items() if forms}
        for r in extract_data("regions.yaml")["regions"]
    }


@cache
def _country_names() -> dict[str, str]:
    return {c["code"]: c["names"]["en"][0] for c in extract_data("countries.yaml")["countries"]}


@cache
def centroids() -> dict[str, tuple[float, float]]:
    """Region code -> (lat, lon) of its administrative centre."""
    data = load_data(PACKAGE, "region_centroids.yaml")["centroids"]
    return {code: (float(p["lat"]), float(p["lon"])) for code, p in data.items()}


@cache
def _country_codes() -> dict[str, tuple[str, int]]:
    return {
        a2: (a3, int(num))
        for a2, (a3, num) in load_data(PACKAGE, "country_codes.yaml")["codes"].items()
    }


def region_name(code: str, lang: str = "en") -> str:
    """The region's usual name in `lang` (English when there is none), or the code itself."""
    names = _region_names().get(code, {})
    return names.get(lang) or names.get("en") or code


def country_name(code: str | None) -> str:
    """English name of an ISO alpha-2 code, or the code itself; '' for None."""
    if not code:
        return ""
    return _country_names().get(code, code)


def centroid(code: str) -> tuple[float, float] | None:
    return centroids().get(code)


def alpha3(code: str | None) -> str | None:
    entry = _country_codes().get(code or "")
    return entry[0] if entry else None


def iso_numeric(code: str | None) -> int | None:
    entry = _country_codes().get(code or "")
    return entry[1] if entry else None
