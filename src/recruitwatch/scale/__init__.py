"""Work spread over a Dask cluster: bulk backfills of news archives (`recruitwatch backfill`).

Workers do the pure, expensive part (reading, screening, extraction); one
driver process stores and links, in a fixed order. See `backfill`.
"""

from __future__ import annotations

from .backfill import BackfillStats, backfill, connect

__all__ = ["BackfillStats", "backfill", "connect"]
