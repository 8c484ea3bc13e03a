"""Readable terminal output of extraction records (Rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _join(values) -> str:
    if values is None:
        return ""
    if isinstance(values, list):
        return ", ".join(str(v) for v in values)
    return str(values)


def make_console() -> Console:
    """The terminal's width in a terminal; a wide page when written to a file or pipe."""
    probe = Console()
    return probe if probe.is_terminal else Console(width=160)


def _victims(incident: dict) -> str:
    parts = [
        _join(incident["victim_nationalities"]),
        incident["victim_status"] if incident["victim_status"] != "unknown" else "",
        f"×{incident['victim_count']}" if incident["victim_count"] else "",
        _join(incident["victim_names"]),
    ]
    return " ".join(p for p in parts if p)


def _pressure(incident: dict) -> str:
    who = _join(incident["perpetrators"])
    how = _join(incident["methods"])
    return f"{who}: {how}" if who and how else who or how


def print_table(records: list[dict], console: Console | None = None, *, only_relevant: bool = False) -> None:
    """One row per incident (a relevant text without incidents gets one row); errors shown as such."""
    console = console or make_console()
    table = Table(title="RecruitWatch: incidents found", show_lines=True, expand=False)
    for column, ratio in (("source", 2), ("score", 1), ("victims", 2), ("where", 1), ("who: how", 3), ("outcomes", 2), ("date", 1)):
        table.add_column(column, overflow="fold", ratio=ratio)
    skipped = []
    for r in records:
        if r.get("error"):
            table.add_row(r["source"], "error", r["error"], "", "", "", "")
            continue
        if only_relevant and not r["relevant"]:
            skipped.append(r["source"])
            continue
        label = f"{r['relevance_score']:.2f}{' ✔' if r['relevant'] else ''}\n{r['language']}"
        if not r["incidents"]:
            note = "no concrete incident" if r["relevant"] else ""
            table.add_row(r["source"], label, note, "", "", "", "")
        for i, inc in enumerate(r["incidents"]):
            where = " ".join(p for p in (inc["location_country"] or "", _join(inc["location_regions"])) if p)
            table.add_row(
                r["source"] if i == 0 else "",
                label if i == 0 else "",
                _victims(inc),
                where,
                _pressure(inc),
                _join(inc["outcomes"]),
                inc["date"] or "",
            )
    console.print(table)
    if skipped:
        console.print(f"Not relevant ({len(skipped)}): {', '.join(skipped)}", overflow="fold")


def print_incidents(rows: list[dict], console: Console | None = None) -> None:
    """Stored incidents, one row each, with the documents that report them."""
    console = console or make_console()
    table = Table(title="RecruitWatch: stored incidents", show_lines=True)
    for column, ratio in (("#", 1), ("victims", 2), ("where", 1), ("who: how", 3), ("outcomes", 2), ("date", 1), ("sources", 4)):
        table.add_column(column, overflow="fold", ratio=ratio)
    for row in rows:
        where = " ".join(p for p in (row.get("location_country") or "", _join(row.get("location_regions"))) if p)
        sources = "\n".join(
            f"{d['published'] or '—'} {d['language'] or ''} {d['url']}" for d in row["documents"]
        )
        table.add_row(str(row["id"]), _victims(row), where, _pressure(row), _join(row.get("outcomes")),
                      row.get("date") or "", sources)
    console.print(table)
    console.print(f"{len(rows)} incidents")
