"""Counts and facets of filtered views, kept until the store changes.

On a store of 20,000 incidents counting every facet of a view costs tens of
milliseconds, the page itself a few; the figures change only when the store
does. The database bumps `store_state.version` on every change that bears on
them (migration 0006), so an entry is keyed by the database, its random epoch
and that version, and is never served once the version has moved. The version
is read before the figures are computed, so a figure is never older than the
version it is filed under. Each process keeps its own bounded LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

MAX_ENTRIES = 2048


class FiguresCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._latest: dict[tuple[str, str], int] = {}  # the newest version seen of each store
        self.hits = self.misses = 0

    def get(self, session: Session, key: Hashable, compute: Callable[[], Any]) -> Any:
        """compute() for this key at the store's current version, computed once per version."""
        version = store_version(session)
        full_key = (version, key)
        with self._lock:
            self._forget_older_than(version)
            if full_key in self._entries:
                self._entries.move_to_end(full_key)
                self.hits += 1
                return self._entries[full_key]
        value = compute()
        with self._lock:
            self.misses += 1
            self._entries[full_key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def _forget_older_than(self, version: tuple[str, str, int]) -> None:
        """Once a store moves on, its entries of earlier versions can never be served: drop them
        (while ingest runs the version moves often, and each view would leave one behind)."""
        store, number = version[:2], version[2]
        if self._latest.get(store, -1) >= number:
            return
        self._latest[store] = number
        for stale in [k for k in self._entries if k[0][:2] == store and k[0][2] < number]:
            del self._entries[stale]

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._latest.clear()


def store_version(session: Session) -> tuple[str, str, int]:
    """(database address, epoch, version): changes whenever a listing's figures may have.

    Read once per session until it writes, commits or rolls back (a page asks several times).
    """
    known = session.info.get(_VERSION)
    if known is None:
        epoch, version = session.execute(text("SELECT epoch, version FROM store_state WHERE id = 1")).one()
        known = session.info[_VERSION] = (str(session.get_bind().url), epoch, int(version))
    return known


_VERSION = "recruitwatch.store_version"


def _forget_version(session: Session, *_args) -> None:
    session.info.pop(_VERSION, None)


for _moment in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _moment, _forget_version)


FIGURES = FiguresCache()
