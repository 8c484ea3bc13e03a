"""Loading the bundled YAML knowledge files, once each, with clear errors."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import DataError

# libyaml's parser reads the lexicons ~9x faster than the pure-Python one (1.2 s -> 0.13 s
# at start-up) and builds the same objects (checked on every bundled file).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_data(package: str, name: str) -> Any:
    """Parsed YAML of a data file shipped in `package` (e.g. recruitwatch.extract)."""
    ref = resources.files(package).joinpath("data").joinpath(name)
    try:
        with ref.open("r", encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_LOADER)  # a safe loader, C or Python
    except FileNotFoundError as exc:
        raise DataError(f"bundled data file {name} is missing from {package}") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"bundled data file {name} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or "source" not in data:
        raise DataError(f"bundled data file {name} must be a mapping with a 'source' note")
    return data


def extract_data(name: str) -> Any:
    return load_data("recruitwatch.extract", name)


def home_places() -> list[dict]:
    """Provinces and towns of victims' countries: the generated list (home_places.yaml, one Latin name
    each) and Central Asia's in the region's own languages (central_asia_places.yaml)."""
    return [*(extract_data("home_places.yaml").get("places") or ()),
            *(extract_data("central_asia_places.yaml").get("places") or ())]


def data_fingerprint(package: str) -> str:
    """Hash of every data file of a package: the key of compiled caches."""
    import hashlib

    digest = hashlib.sha256()
    folder = resources.files(package).joinpath("data")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]
