"""Which cited addresses belong to organisations declared "undesirable" in Russia (data/designations.yaml).

A person in Russia who shares such an organisation's links has been fined for it, so the help pages
mark those links and warn before them; lists put them last among a citation's sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from ..extract.data_files import load_data


@dataclass(frozen=True)
class Designation:
    name: str
    status: str
    since: str
    confidence: str


@cache
def _by_host() -> dict[str, Designation]:
    data = load_data("recruitwatch.legal", "designations.yaml")
    found: dict[str, Designation] = {}
    for entry in data["designated"]:
        item = Designation(str(entry["name"]), str(entry["status"]), str(entry["since"]), str(entry["confidence"]))
        for host in entry["hosts"]:
            found[str(host).lower()] = item
    return found


def designation(url: str) -> Designation | None:
    """The designation of the address's host or of a listed domain above it (news.svoboda.org)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".").removeprefix("www.")
    parts = host.split(".")
    for i in range(len(parts) - 1):
        found = _by_host().get(".".join(parts[i:]))
        if found:
            return found
    return None
