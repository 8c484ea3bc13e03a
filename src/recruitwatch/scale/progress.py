"""The backfill's progress on the terminal (Rich): partitions stored, documents, relevant, incidents."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .backfill import BackfillStats, backfill


def backfill_with_progress(patterns: list[str], **options) -> BackfillStats:
    """`backfill` with a bar over partitions and running counts beside it."""
    columns = (TextColumn("partitions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[counts]}"))
    with Progress(*columns) as bar:
        task = bar.add_task("backfill", total=None, counts="starting the cluster…")

        def show(stats: BackfillStats) -> None:
            d = stats.documents
            counts = (f"{d.seen:,} documents, {d.added:,} new, {d.relevant:,} relevant, "
                      f"{d.incidents_created:,} incidents")
            bar.update(task, total=stats.partitions, completed=stats.partitions_done, counts=counts)

        return backfill(patterns, progress=show, **options)
