"""`recruitwatch backfill`: years of news archives through a Dask cluster into one database.

What runs where:
- workers (any number, any machine that sees the files) run the pure
  functions of `tasks`: read a partition, hash it, and prepare its new items
  (decode, screen, extract, index words, signatures). They never touch the
  database.
- this process, the driver, plans the partitions, looks the hashes up,
  and stores and links the prepared items with `Ingestor.store_prepared`,
  batch by batch, strictly in partition order then reading order (results
  that come back early wait their turn), so the same input gives the same
  documents and incidents whatever the number of workers.

Resuming needs no state of its own: the database is the state. A partition's
hashes are looked up before its expensive work is sent, and only items not yet
stored are prepared; each batch is one transaction, so a kill loses at most
the batches not committed, and the next run does just those again.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import UsageError
from ..ingest import BATCH, Ingestor, IngestStats, Prepared
from ..store import repository as repo
from ..store.database import sessions, upgrade
from .partitions import CHUNK_BYTES, Partition, expand, plan
from .tasks import PreparedPartition, Scan, prepare_partition, scan

logger = logging.getLogger(__name__)


@dataclass
class BackfillStats:
    partitions: int = 0
    partitions_done: int = 0
    partitions_failed: int = 0  # could not be read at all, or a worker failed on them
    documents: IngestStats = field(default_factory=IngestStats)
    failures: list[str] = field(default_factory=list)
    store_seconds: float = 0.0  # the driver writing and linking
    wait_seconds: float = 0.0  # the driver waiting for workers


@contextmanager
def connect(scheduler: str = "local", workers: int | None = None, **cluster_options) -> Iterator:
    """A client of a running cluster (tcp://HOST:PORT), or of one started here and stopped after."""
    import dask
    from distributed import Client, LocalCluster

    if not logging.getLogger().isEnabledFor(logging.DEBUG):  # its INFO lines would bury the progress bar
        logging.getLogger("distributed").setLevel(logging.WARNING)
    if scheduler == "local":
        options = {"dashboard_address": None, **cluster_options}
        # No dashboard, so no use for the workers' sampling profiler (5-10% of their CPU).
        with dask.config.set({"distributed.worker.profile.enabled": False}), \
                LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                             **options) as cluster, Client(cluster) as client:
            yield client
    else:
        with Client(scheduler) as client:
            yield client


def backfill(
    patterns: list[str],
    *,
    url: str | None = None,
    scheduler: str = "local",
    workers: int | None = None,
    client=None,
    batch: int = BATCH,
    chunk_bytes: int = CHUNK_BYTES,
    progress: Callable[[BackfillStats], None] | None = None,
) -> BackfillStats:
    """Store and link every new document the patterns' files hold; see the module's docstring."""
    if client is None and scheduler != "local" and "://" not in scheduler:
        raise UsageError(f"--scheduler {scheduler!r}: give 'local' or a scheduler address such as tcp://10.0.0.5:8786")
    upgrade(url)
    parts = plan(expand(patterns), chunk_bytes)
    if client is not None:
        return _Driver(client, url, batch, progress).run(parts)
    with connect(scheduler, workers) as own:
        return _Driver(own, url, batch, progress).run(parts)


class _Driver:
    """The single writer: sends work in a bounded window and stores results in partition order."""

    def __init__(self, client, url: str | None, batch: int, progress) -> None:
        self.client, self.url, self.batch, self.progress = client, url, batch, progress
        self.ingestor = Ingestor(url)
        self.stats = BackfillStats(documents=self.ingestor.stats)
        self.window = 3 * max(1, sum(client.nthreads().values())) + 2  # partitions ahead of the writer
        self._buffer: list[Prepared] = []
        self._buffer_source: tuple[str, str] | None = None

    def run(self, parts: list[Partition]) -> BackfillStats:
        from distributed import as_completed

        self.stats.partitions = len(parts)
        self._report()
        waiting = list(reversed(parts))  # popped from the end: in order
        stage: dict[str, tuple[str, Partition]] = {}
        scanned: dict[int, Scan] = {}
        done: dict[int, PreparedPartition] = {}
        release_next = store_next = 0
        lines_before: dict[str, int | None] = {}  # per file: lines before its next range (None: unknown)
        pending = as_completed()

        def submit(fn, part: Partition, kind: str, *args, priority: int = 0) -> None:
            future = self.client.submit(fn, part, *args, priority=priority, pure=False)
            stage[future.key] = (kind, part)
            pending.add(future)

        def top_up() -> None:
            while waiting and waiting[-1].index < store_next + self.window:
                submit(scan, waiting.pop(), "scan")

        top_up()
        clock = time.perf_counter()
        for future in pending:
            self.stats.wait_seconds += time.perf_counter() - clock
            kind, part = stage.pop(future.key)
            try:
                value = future.result()
            except Exception as exc:  # a worker died or a bug: report it, go on with the rest
                error = f"{type(exc).__name__}: {exc}"
                value = Scan(0, [], error) if kind == "scan" else PreparedPartition(error=error)
            del future
            if kind == "scan":
                scanned[part.index] = value
            else:
                done[part.index] = value
            while release_next in scanned:  # in order: a range's line numbers follow the previous range's
                part, found = parts[release_next], scanned.pop(release_next)
                first = lines_before.get(part.path, 0)
                lines_before[part.path] = None if first is None or found.error else first + found.lines
                new = self._new_hashes(found.hashes)
                if first is None:
                    done[part.index] = PreparedPartition(error="an earlier range of this file failed; run again")
                elif new:
                    known = frozenset(set(found.hashes) - new)
                    submit(prepare_partition, part, "prepare", first + 1, known, priority=1)
                else:
                    done[part.index] = PreparedPartition(skipped=len(found.hashes), error=found.error)
                release_next += 1
            while store_next in done:
                self._store(parts[store_next], done.pop(store_next))
                store_next += 1
                top_up()
            clock = time.perf_counter()
        self._flush()
        self._report()
        self.ingestor.tidy()
        return self.stats

    def _new_hashes(self, hashes: list[str]) -> set[str]:
        with sessions(self.url)() as session:
            return set(hashes) - repo.known_hashes(session, hashes)

    def _store(self, part: Partition, result: PreparedPartition) -> None:
        """Hand a partition's items to the writer, in batches that never mix two files."""
        self.stats.documents.seen += result.skipped
        self.stats.documents.duplicates += result.skipped
        if result.error:
            self.stats.failures.append(f"{part.path}: {result.error}")
            self.stats.partitions_failed += not result.prepared
        source = (part.kind, part.path)
        if source != self._buffer_source:
            self._flush()
            self._buffer_source = source
        for prepared in result.prepared:
            self._buffer.append(prepared)
            if len(self._buffer) >= self.batch:
                self._flush()
        self.stats.partitions_done += 1
        self._report()

    def _flush(self) -> None:
        if self._buffer:
            start = time.perf_counter()
            self.ingestor.store_prepared(self._buffer, self._buffer_source)
            self.stats.store_seconds += time.perf_counter() - start
            self._buffer = []
            self._report()

    def _report(self) -> None:
        if self.progress:
            self.progress(self.stats)
