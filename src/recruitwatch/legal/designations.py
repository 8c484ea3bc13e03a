"""Which cited addresses belong to organisations declared "undesirable" in Russia (data/designations.yaml).

A person in Russia who shares such an organisation's links has been fined for it, so the help pages
mark those links and warn before them; lists put them last among a citation's sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..extract.data_files import load_data
from .source_kinds import domains


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
    listed = _by_host()
    return next((listed[d] for d in domains(url) if d in listed), None)
