"""Generated prose about an incident: a short title and a factual note.

Built only from the coded fields, so it says nothing the fields do not, and
never a victim's name: the same text is safe in redacted and full exports.
"""

from __future__ import annotations

from .labels import PLURAL_STATUS, label
from .places import country_name, region_name
from .rows import IncidentRow


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _who(row: IncidentRow) -> str:
    status = row.value("victim_status") or "unknown"
    count = row.value("victim_count")
    if count == 1:
        who = f"one {label('victim_status', status)}"
    elif isinstance(count, int) and count > 1:
        who = f"{count} {PLURAL_STATUS.get(status, status)}"
    else:
        who = f"{PLURAL_STATUS.get(status, status)} (number not reported)"
    nationalities = [country_name(c) for c in row.values("victim_nationalities")]
    return who + (f" from {_join(nationalities)}" if nationalities else "")


def _where(row: IncidentRow) -> str:
    regions = [region_name(c) for c in row.values("location_regions")]
    country = country_name(row.value("location_country"))
    place = ", ".join(p for p in (_join(regions), country) if p)
    return place or "place not reported"


def _when(row: IncidentRow) -> str:
    if row.date is None:
        return "date not reported"
    return f"on {row.date}" if row.time_precision == "day" else f"in {row.date}"


def title(row: IncidentRow) -> str:
    """One line naming the incident: for listings and Uwazi's title column."""
    place = (
        region_name(row.values("location_regions")[0])
        if row.values("location_regions")
        else country_name(row.value("location_country")) or "place not reported"
    )
    return f"Incident {row.id}: {_who(row)}, {place}, {row.date or 'undated'}"


def notes(row: IncidentRow) -> str:
    """A factual summary of the coded fields, in the spirit of ACLED's notes column."""
    who = _who(row)
    sentences = [f"{who[0].upper()}{who[1:]}; {_where(row)}; {_when(row)}."]
    for field, heading in (
        ("perpetrators", "Recruiters"),
        ("methods", "Methods"),
        ("outcomes", "Outcomes"),
    ):
        values = row.values(field)
        if values:
            sentences.append(f"{heading}: {', '.join(label(field, v) for v in values)}.")
    reports = len(row.documents)
    sentences.append(
        f"{reports} report{'s' if reports != 1 else ''}; {label('review_state', row.review_state)}."
    )
    return " ".join(sentences)
