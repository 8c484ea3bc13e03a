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


def print_table(records: list[dict], console: Console | None = None) -> None:
    console = console or Console(width=None if Console().is_terminal else 200)
    table = Table(title="RecruitWatch extraction", show_lines=True)
    for column in ("source", "lang", "relevant", "victims", "where", "who", "methods", "outcomes", "date", "law"):
        table.add_column(column, overflow="fold")
    for r in records:
        label = f"{r['relevance_score']:.2f}" + (" ✔" if r["relevant"] else "")
        if r.get("error"):
            table.add_row(r["source"], "", "error", r["error"], "", "", "", "", "", "")
            continue
        if not r["incidents"]:
            table.add_row(r["source"], r["language"] or "", label, "", "", "", "", "", "", _join(r["legal_refs"]))
        for i, inc in enumerate(r["incidents"]):
            victims = " ".join(
                part
                for part in (
                    _join(inc["victim_nationalities"]),
                    inc["victim_status"] if inc["victim_status"] != "unknown" else "",
                    f"×{inc['victim_count']}" if inc["victim_count"] else "",
                    _join(inc["victim_names"]),
                )
                if part
            )
            where = " ".join(p for p in (inc["location_country"] or "", _join(inc["location_regions"])) if p)
            table.add_row(
                r["source"] if i == 0 else "",
                r["language"] if i == 0 else "",
                label if i == 0 else "",
                victims,
                where,
                _join(inc["perpetrators"]),
                _join(inc["methods"]),
                _join(inc["outcomes"]),
                inc["date"] or "",
                _join(r["legal_refs"]) if i == 0 else "",
            )
    console.print(table)
