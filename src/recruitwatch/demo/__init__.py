"""The demo (`make run`): load the bundled sample articles into the embedded database once, then show the incidents."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

from rich.progress import track

from ..report import make_console, print_incidents
from ..sources.base import SourceItem, utcnow

DEMO_SOURCE = "recruitwatch-demo"


def demo_articles() -> list[dict]:
    """The bundled articles: texts written by the team (tests/corpus/README.md), and the linking set's
    reports with their (invented, .test) outlets' addresses and headlines (tests/linking/README.md)."""
    ref = resources.files("recruitwatch.demo").joinpath("articles.jsonl")
    with ref.open("r", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def demo_items() -> list[SourceItem]:
    items = []
    for article in demo_articles():
        raw = json.dumps(article, ensure_ascii=False, sort_keys=True).encode("utf-8")
        published = dt.date.fromisoformat(article["published"]) if article.get("published") else None
        locator = article.get("url") or f"{DEMO_SOURCE}#{article['id']}"
        items.append(SourceItem("jsonl", locator, raw, utcnow(), text=article["text"], title=article.get("title"),
                                published=published))
    return items


def run_demo(out: Path, url: str | None = None, *, show: bool = True) -> list[dict]:
    from ..ingest import Ingestor
    from ..security.files import open_private
    from ..settings import database_url
    from ..store.database import sessions, upgrade
    from ..store.models import Source
    from ..store.queries import IncidentQuery
    from ..workflows import incidents_with_documents

    console = make_console()
    upgrade(url)
    with sessions(url)() as session:
        loaded = session.query(Source).filter_by(kind="jsonl", locator=DEMO_SOURCE).first() is not None
    if not loaded:
        items = demo_items()
        ingestor = Ingestor(url, source_kind="jsonl", source_locator=DEMO_SOURCE)
        for item in track(items, description="Loading the demo articles", console=console):
            ingestor.run([item])
        stats = ingestor.stats
        console.print(
            f"Loaded {stats.added} demo articles: {stats.relevant} relevant, "
            f"{stats.incidents_created} incidents, {stats.incidents_linked} reports linked to an existing incident."
        )
    rows = incidents_with_documents(IncidentQuery(limit=1000), url)
    if show:
        print_incidents(rows, console)
    with open_private(out) as fh:  # names of victims: the owner's eyes only
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    console.print(f"Database: {url or database_url()}")
    console.print(f"JSON Lines written to {out.resolve()}")
    if show:
        console.print("Next: `recruitwatch incidents --nationality UZ`, `recruitwatch search Москва`, `recruitwatch ingest FEED_URL`.")
    return rows
