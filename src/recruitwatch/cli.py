"""The `recruitwatch` command: a table of contents of the system; the work happens in the library."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from enum import StrEnum
from pathlib import Path

import typer

from .errors import RecruitWatchError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="RecruitWatch: find, extract and check reports of coerced recruitment into Russia's war.",
)
logger = logging.getLogger("recruitwatch")


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def _published(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs.")) -> None:
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app.pretty_exceptions_enable = debug


@app.command()
def extract(
    files: list[str] = typer.Argument(None, help="Text or HTML files; '-' (or nothing) reads standard input."),
    published: str = typer.Option(None, "--published", help="The article's date, YYYY-MM-DD, to give dates a year."),
    output_format: OutputFormat = typer.Option(OutputFormat.json, "--format", help="json (JSON Lines) or table."),
) -> None:
    """Extract incidents with evidence from each input, one JSON object per input, in order."""
    from .extract.service import extract_inputs
    from .report import print_table

    date = _published(published)
    failed = 0
    records = []
    for record in extract_inputs(files or ["-"], published=date):
        if "error" in record:
            failed += 1
            typer.echo(f"recruitwatch: {record['error']}", err=True)
        if output_format is OutputFormat.json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            records.append(record)
    if output_format is OutputFormat.table:
        print_table(records)
    if failed:
        raise typer.Exit(3)


@app.command()
def screen(files: list[str] = typer.Argument(None, help="Files to screen; '-' reads standard input.")) -> None:
    """The fast pre-filter alone: prints PASS or DROP per input."""
    from .extract.screen import screen as run_screen
    from .text.reader import read_input

    for name in files or ["-"]:
        try:
            result = run_screen(read_input(name).text)
        except RecruitWatchError as exc:
            typer.echo(f"recruitwatch: {exc}", err=True)
            continue
        hits = " ".join(f"{k}={v}" for k, v in result.hits.items())
        typer.echo(f"{'PASS' if result.passed else 'DROP'}\t{name}\t{hits}")


@app.command()
def demo(
    out: Path = typer.Option(Path("out/demo.jsonl"), "--out", help="Where to write the JSON Lines."),
) -> None:
    """Extract every text of the bundled demo corpus and show what was found."""
    from .demo import run_demo

    run_demo(out)


@app.command(name="eval")
def evaluate(
    corpus: Path = typer.Argument(..., help="A folder of ID.txt + ID.yaml pairs (see tests/corpus/README.md)."),
    min_f1: float = typer.Option(0.0, "--min-f1", help="Exit 5 if relevance F1 or field micro-F1 is below this."),
    details: bool = typer.Option(False, "--details", help="List every disagreement with the gold annotation."),
    output_json: Path = typer.Option(None, "--json", help="Also write the scores as JSON to this file."),
) -> None:
    """Score the extractor against an annotated corpus: relevance and per-field P/R/F1."""
    from .evaluate import evaluate_corpus, print_scores

    scores = evaluate_corpus(corpus)
    print_scores(scores, details=details)
    if output_json:
        output_json.write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")
    worst = min(scores["relevance"]["f1"], scores["micro"]["f1"])
    if worst < min_f1:
        typer.echo(f"recruitwatch: F1 {worst:.3f} is below --min-f1 {min_f1:.3f}", err=True)
        raise typer.Exit(5)


def main() -> None:
    try:
        app()
    except RecruitWatchError as exc:
        typer.echo(f"recruitwatch: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
