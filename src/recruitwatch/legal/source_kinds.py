"""What kind of source a cited address is (official text, court, news report, unofficial copy...),
from data/source_kinds.yaml, so readers weigh a citation by what it is."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

DATA = Path(__file__).parent / "data" / "source_kinds.yaml"
UNKNOWN = "website"


@cache
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@cache
def _kind_of_host() -> dict[str, str]:
    return {host: kind for kind, hosts in _data()["hosts"].items() for host in hosts}


def domains(url: str) -> list[str]:
    """The address's host and each domain above it, nearest first (news.svoboda.org, svoboda.org)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".").removeprefix("www.").removeprefix("m.")
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


def source_kind(url: str) -> str:
    """The kind of the address's host, or of the nearest listed domain above it; else "website"."""
    kinds = _kind_of_host()
    return next((kinds[d] for d in domains(url) if d in kinds), UNKNOWN)


def kind_label(kind: str, lang: str) -> str:
    words = _data()["labels"].get(kind) or {}
    return words.get(lang) or words.get("en") or kind


def by_authority(urls) -> list[tuple[str, str]]:
    """(url, kind) of each address, the more authoritative kinds first, the cited order kept within a kind."""
    order = {kind: i for i, kind in enumerate(_data()["order"])}
    found = [(url, source_kind(url)) for url in urls]
    return sorted(found, key=lambda pair: order.get(pair[1], len(order)))
