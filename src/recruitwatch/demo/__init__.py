"""The demo: extract the bundled sample articles and show what was found."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

from rich.progress import track

from ..extract.pipeline import extract_text
from ..report import make_console, print_table


def demo_articles() -> list[dict]:
    """The bundled articles: texts written by the team (see tests/corpus/README.md)."""
    ref = resources.files("recruitwatch.demo").joinpath("articles.jsonl")
    with ref.open("r", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run_demo(out: Path) -> list[dict]:
    console = make_console()
    articles = demo_articles()
    records = []
    for article in track(articles, description="Extracting demo articles", console=console):
        published = dt.date.fromisoformat(article["published"]) if article.get("published") else None
        records.append(extract_text(article["text"], source=article["id"], published=published))
    print_table(records, console, only_relevant=True)
    relevant = sum(r["relevant"] for r in records)
    incidents = sum(len(r["incidents"]) for r in records)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    console.print(f"{len(records)} articles, {relevant} relevant, {incidents} incidents.")
    console.print(f"JSON Lines written to {out.resolve()}")
    return records
