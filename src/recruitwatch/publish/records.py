"""An incident as one JSON object: the lossless export, also GeoJSON's properties.

Field names are the extraction contract's (shared/spec/extraction.md), so code
that reads the extractor's output reads this too; lists stay lists.
"""

from __future__ import annotations

from typing import Any

from .acled import GEO_PRECISION, TIME_PRECISION, redact_text
from .rows import IncidentRow, contract_fields


def record(row: IncidentRow, *, redact_names: bool) -> dict[str, Any]:
    """id, review state, contract fields, precisions (words and ACLED codes), documents."""
    names = row.values("victim_names") if redact_names else []
    return {
        "id": row.id,
        "review_state": row.review_state,
        **contract_fields(row, redact_names=redact_names),
        "date_precision": row.time_precision,
        "place_precision": row.geo_precision,
        "time_precision": TIME_PRECISION.get(row.time_precision or ""),
        "geo_precision": GEO_PRECISION.get(row.geo_precision or ""),
        "first_seen": row.first_seen.isoformat() if row.first_seen else None,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
        "documents": [
            {
                "url": d.url,
                "locator": redact_text(d.locator, names),
                "title": redact_text(d.title, names),
                "published": d.published,
                "language": d.language,
                "outlet": d.outlet,
            }
            for d in row.documents
        ],
    }
