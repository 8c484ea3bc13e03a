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
        from .report import print_table  # rich: only for the table

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
    out: Path = typer.Option(Path("out/incidents.jsonl"), "--out", help="Where to write the incidents as JSON Lines."),
) -> None:
    """Load the bundled demo articles into the database (first run only) and show the incidents."""
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


db_app = typer.Typer(help="The database: create or migrate it.", no_args_is_help=True)
sources_app = typer.Typer(help="Sources that `recruitwatch watch` polls.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")


PROXY_HELP = ("Fetch through this HTTP proxy (http://HOST:PORT); HTTP_PROXY and the like are ignored. "
              "The proxy then makes the connection, so it must refuse private addresses itself.")


class SourceKind(StrEnum):
    feed = "feed"
    page = "page"
    folder = "folder"
    telegram = "telegram"
    warc = "warc"
    jsonl = "jsonl"


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or migrate it to the current schema."""
    from .settings import database_url
    from .store.database import current_revision, upgrade

    upgrade()
    typer.echo(f"{database_url()}: schema at revision {current_revision()}")


@app.command()
def ingest(
    sources: list[str] = typer.Argument(..., help="Feed or page URLs, folders, Telegram exports, WARC or JSONL files."),
    kind: SourceKind = typer.Option(None, "--kind", help="What the sources are (guessed when not given)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow fetching from private and loopback addresses."),
    proxy: str = typer.Option(None, "--proxy", help=PROXY_HELP),
) -> None:
    """Fetch or read each source, then screen, extract, link and store what is new.

    A source that cannot be read, or an item in one, is reported and the others go on; exit code 3 then.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .sources import SourceError
    from .workflows import ingest as run_ingest

    unreadable = 0
    for source in sources:
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
                task = bar.add_task(source[-60:], total=None)
                stats = run_ingest(source, kind=kind.value if kind else None, allow_private=allow_private, proxy=proxy,
                                   progress=lambda n, task=task: bar.advance(task, n))
        except SourceError as exc:
            unreadable += 1
            typer.echo(f"recruitwatch: {exc}", err=True)
            continue
        unreadable += stats.failed
        typer.echo(
            f"{source}: {stats.seen} read, {stats.added} new, {stats.duplicates} already stored, "
            f"{stats.screened_in} past the screen, {stats.relevant} relevant, {stats.incidents_created} new incidents, {stats.incidents_linked} linked"
            + (f", {stats.failed} could not be read" if stats.failed else "")
        )
        _list_problems("could not read", stats.errors, stats.failed)
        _list_problems("warning:", stats.warnings, stats.warned)
    if unreadable:
        raise typer.Exit(3)


def _list_problems(label: str, messages: list[str], total: int, shown: int = 20) -> None:
    for message in messages[:shown]:
        typer.echo(f"  {label} {message}", err=True)
    if total > shown:
        typer.echo(f"  {label} … and {total - shown} more", err=True)


@app.command()
def backfill(
    patterns: list[str] = typer.Argument(..., help="WARC/WARC.gz and JSON Lines files, folders or globs ('archive/**/*.warc.gz')."),
    scheduler: str = typer.Option("local", "--scheduler", help="'local' starts a Dask cluster here; tcp://HOST:PORT uses a running one."),
    workers: int = typer.Option(None, "--workers", min=1, help="Worker processes of the local cluster (default: one per core)."),
    batch: int = typer.Option(200, "--batch", min=1, help="Documents per transaction."),
) -> None:
    """Bulk backfill of news archives: Dask workers extract, this process stores and links; resumable."""
    from .scale.progress import backfill_with_progress

    stats = backfill_with_progress(patterns, scheduler=scheduler, workers=workers, batch=batch)
    d = stats.documents
    typer.echo(
        f"{stats.partitions_done} of {stats.partitions} partitions: {d.seen} read, {d.added} new, {d.duplicates} already stored, "
        f"{d.screened_in} past the screen, {d.relevant} relevant, {d.incidents_created} new incidents, {d.incidents_linked} linked"
    )
    _list_problems("could not read", stats.failures + d.errors, len(stats.failures) + d.failed)
    _list_problems("warning:", d.warnings, d.warned)
    if stats.failures or d.failed:
        raise typer.Exit(3)


@sources_app.command("add")
def sources_add(
    locator: str = typer.Argument(..., help="A feed URL (or any source) to poll."),
    kind: SourceKind = typer.Option(SourceKind.feed, "--kind"),
    name: str = typer.Option(None, "--name", help="A name to show for it."),
) -> None:
    """Start watching a source."""
    from .store import repository as repo
    from .store.database import transaction, upgrade

    upgrade()
    with transaction() as session:
        row = repo.source(session, kind.value, locator, name=name, watched=True)
        typer.echo(f"watching #{row.id} {row.kind} {row.locator}")


@sources_app.command("list")
def sources_list() -> None:
    """The watched sources and when each was last polled."""
    from .store import repository as repo
    from .store.database import sessions, upgrade

    upgrade()
    with sessions()() as session:
        for row in repo.watched_sources(session):
            polled = row.last_polled_at.isoformat(timespec="seconds") if row.last_polled_at else "never"
            typer.echo(f"#{row.id}\t{row.kind}\t{row.locator}\tlast polled {polled}")


@sources_app.command("remove")
def sources_remove(source_id: int = typer.Argument(..., help="The number `sources list` shows.")) -> None:
    """Stop watching a source (its documents stay)."""
    from .store.database import transaction, upgrade
    from .store.models import Source

    upgrade()
    with transaction() as session:
        row = session.get(Source, source_id)
        if row is None or not row.watched:
            raise RecruitWatchError(f"no watched source #{source_id}; see `recruitwatch sources list`")
        row.watched = False
        typer.echo(f"no longer watching {row.locator}")


@app.command()
def watch(
    interval: float = typer.Option(900, "--interval", help="Seconds between polls."),
    once: bool = typer.Option(False, "--once", help="Poll every source once and stop."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow private and loopback addresses."),
    proxy: str = typer.Option(None, "--proxy", help=PROXY_HELP),
) -> None:
    """Poll the watched sources on a schedule and process what is new."""
    from .workflows import watch as run_watch

    def report(locator, stats):
        typer.echo(f"{locator}: {stats.added} new, {stats.relevant} relevant, {stats.incidents_created} new incidents")

    run_watch(interval=interval, once=once, allow_private=allow_private, report=report, proxy=proxy)


@app.command()
def alerts(
    interval: float = typer.Option(60, "--interval", help="Seconds between rounds (an alert goes out within one)."),
    once: bool = typer.Option(False, "--once", help="One round: check the watched searches, send what is due, stop."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow webhooks to private and loopback addresses."),
) -> None:
    """Tell the owners of watched saved searches of new matches: e-mail and webhooks (feeds are read from `serve`)."""
    from .alerts.runner import run
    from .store.database import sessions

    def report(r):
        line = f"{r.searches} watched searches: {r.batches} new alerts, {r.sent} sent, {r.failed} failed attempts"
        typer.echo(line + "".join(f"\n  {p}" for p in r.problems))

    run(sessions(), interval=interval, once=once, allow_private=allow_private, on_round=report)


@app.command()
def tipline(
    token_file: Path = typer.Option(None, "--token-file", help="A file holding the bot token (else RECRUITWATCH_TELEGRAM_TOKEN_FILE or RECRUITWATCH_TELEGRAM_TOKEN)."),
    api_url: str = typer.Option(None, "--api-url", help="A Bot API server other than api.telegram.org (a local one, or tests')."),
    once: bool = typer.Option(False, "--once", help="Handle what is waiting, send caseworkers' messages, stop."),
) -> None:
    """Run the Telegram tipline: appeals and help pages in a chat, caseworkers' answers back to it (long polling)."""
    import asyncio

    from .store.database import sessions
    from .tipline.run import make_bot, read_token, run

    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the bot token
    bot = make_bot(read_token(token_file), api_url)
    typer.echo("tipline running; stop with Ctrl+C")
    asyncio.run(run(bot, sessions(), once=once))


@app.command()
def reprocess(force: bool = typer.Option(False, "--force", help="Also documents already extracted by this version.")) -> None:
    """Extract stored documents again after the extractor improved; reviewed fields are kept."""
    from .workflows import reprocess as run_reprocess

    typer.echo(f"{run_reprocess(force=force)} documents extracted again")


TABLE_ROWS = 50  # incidents the table shows unless --limit says otherwise


@app.command()
def incidents(
    query: str = typer.Option(None, "--query", "-q", help="Full-text search over incidents and their documents."),
    nationality: str = typer.Option(None, "--nationality", help="ISO 3166-1 code, e.g. UZ."),
    status: str = typer.Option(None, "--status"),
    region: str = typer.Option(None, "--region", help="ISO 3166-2 code, e.g. RU-MOW."),
    country: str = typer.Option(None, "--country"),
    perpetrator: str = typer.Option(None, "--perpetrator"),
    method: str = typer.Option(None, "--method"),
    outcome: str = typer.Option(None, "--outcome"),
    language: str = typer.Option(None, "--language", help="Of a document that reports it."),
    review_state: str = typer.Option(None, "--review-state", help="machine, verified or rejected."),
    date_from: str = typer.Option(None, "--from", help="YYYY[-MM[-DD]]"),
    date_to: str = typer.Option(None, "--to", help="YYYY[-MM[-DD]]"),
    limit: int = typer.Option(None, "--limit", min=1, help="At most this many (default: every match for json, 50 for the table)."),
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json (JSON Lines)."),
) -> None:
    """List stored incidents with their fields and every document that reports each."""
    from .report import print_incidents
    from .store.database import upgrade
    from .store.queries import IncidentQuery
    from .workflows import (
        every_incident_with_documents,
        incidents_with_documents,
        matching_incidents,
    )

    upgrade()
    q = IncidentQuery(query, nationality, status, region, country, perpetrator, method, outcome, None, language,
                      review_state, date_from, date_to, limit=limit or TABLE_ROWS)
    if output_format is OutputFormat.json:
        rows = every_incident_with_documents(q) if limit is None else incidents_with_documents(q)
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    rows = incidents_with_documents(q)
    print_incidents(rows)
    total = matching_incidents(q)
    if total > len(rows):
        sys.stderr.write(f"{len(rows)} of {total} matching incidents shown: --limit N for more, --format json for all\n")


@app.command()
def search(
    query: str = typer.Argument(..., help="Words in any language and inflection: Москва finds 'в Москве'."),
    limit: int = typer.Option(20, "--limit"),
) -> None:
    """Full-text search over stored documents."""
    from .store.database import sessions, upgrade
    from .store.queries import search_documents

    upgrade()
    with sessions()() as session:
        for document in search_documents(session, query, limit):
            day = document.published.isoformat() if document.published else "—"
            title = (document.title or document.text[:80]).replace("\n", " ")
            typer.echo(f"{day}\t{document.language or '?'}\t{document.url or document.locator}\t{title}")


@app.command()
def backup(path: Path = typer.Argument(..., help="Where to write the copy.")) -> None:
    """A consistent copy of the database, safe while the system runs."""
    from .workflows import backup as run_backup

    typer.echo(f"backup written to {run_backup(path)}")


@app.command()
def restore(path: Path = typer.Argument(..., help="A file made by `recruitwatch backup`.")) -> None:
    """Bring a backup back into the configured database (stop other writers first)."""
    from .workflows import restore as run_restore

    run_restore(path)
    typer.echo(f"restored from {path}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (keep 127.0.0.1 unless behind a proxy)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    demo: bool = typer.Option(False, "--demo", help="Load the bundled demo articles on the first run."),
    secure_cookies: bool = typer.Option(False, "--secure-cookies", help="Mark cookies Secure (behind an HTTPS proxy)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Worker processes (one per core serves the most; appeal throttles count per process)."),
) -> None:
    """Run the web application; on a database without users, create an admin with a one-time password."""
    from .web.server import serve as run_server

    run_server(host, port, demo=demo, secure_cookies=secure_cookies, workers=workers)


users_app = typer.Typer(help="Staff accounts of the web application.", no_args_is_help=True)
app.add_typer(users_app, name="users")


class Role(StrEnum):
    admin = "admin"
    analyst = "analyst"
    viewer = "viewer"
    caseworker = "caseworker"


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Lowercase letters, digits, '.', '_' or '-'."),
    role: Role = typer.Option(Role.analyst, "--role", help="admin, analyst, viewer or caseworker (appeals and cases)."),
    language: str = typer.Option("en", "--language", help="Interface language: en, ru or uz."),
) -> None:
    """Create an account with a one-time password (printed once; changed at the first sign-in)."""
    from .security.accounts import create_user
    from .store.database import transaction, upgrade

    upgrade()
    with transaction() as session:
        account = create_user(session, username, role.value, language=language)
        _audit_user(session, account.user.username, "create", {"role": role.value})
    typer.echo(f"{account.user.username} ({role.value}): one-time password {account.one_time_password}")


@users_app.command("list")
def users_list() -> None:
    """Every account with its role and state."""
    from .store.accounts import all_users
    from .store.database import sessions, upgrade

    upgrade()
    with sessions()() as session:
        for user in all_users(session):
            state = "disabled" if user.disabled else ("must change password" if user.must_change_password else "active")
            last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
            typer.echo(f"{user.username}\t{user.role}\t{state}\tlast sign-in {last}")


@users_app.command("disable")
def users_disable(username: str = typer.Argument(...)) -> None:
    """Stop an account from signing in; its sessions and API tokens end at once."""
    from .security.accounts import set_disabled
    from .store.database import transaction, upgrade

    upgrade()
    with transaction() as session:
        _audit_user(session, set_disabled(session, username, True).username, "update", {"action": "disable"})
    typer.echo(f"{username} disabled")


@users_app.command("enable")
def users_enable(username: str = typer.Argument(...)) -> None:
    """Let a disabled account sign in again (its old API tokens stay revoked)."""
    from .security.accounts import set_disabled
    from .store.database import transaction, upgrade

    upgrade()
    with transaction() as session:
        _audit_user(session, set_disabled(session, username, False).username, "update", {"action": "enable"})
    typer.echo(f"{username} enabled")


@users_app.command("reset-password")
def users_reset_password(username: str = typer.Argument(...)) -> None:
    """A new one-time password for an account; its sessions and API tokens end."""
    from .security.accounts import reset_password
    from .store.database import transaction, upgrade

    upgrade()
    with transaction() as session:
        password = reset_password(session, username)
        _audit_user(session, username.strip().lower(), "update", {"action": "reset_password"})
    typer.echo(f"{username}: one-time password {password}")


@users_app.command("reset-two-step")
def users_reset_two_step(username: str = typer.Argument(...)) -> None:
    """Turn off an account's two-step sign-in (a lost phone); it sets it up again at the next sign-in if required."""
    from .security.two_step import reset
    from .store.database import transaction, upgrade

    upgrade()
    with transaction() as session:
        _audit_user(session, reset(session, username).username, "update", {"action": "two_step_reset"})
    typer.echo(f"{username}: two-step sign-in turned off; the account's sessions ended")


def _audit_user(session, username: str, action: str, detail: dict) -> None:
    """An account change made from the command line, in the audit log."""
    _audit_cli(session, action, "user", username, detail)


def _audit_cli(session, action: str, object_type: str, object_id: str, detail: dict):
    """A change made from the command line, in the audit log (the actor is the system user running it)."""
    import getpass

    from .store.audit import record

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return record(session, actor=f"cli:{who}", action=action, object_type=object_type, object_id=object_id, detail=detail)


keys_app = typer.Typer(help="The encryption keys of personal data.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("reindex")
def keys_reindex() -> None:
    """Rebuild the blind-index keys of victims' names under the current key (after an upgrade that
    changes how names are keyed; the release notes say when). Values are not re-encrypted."""
    from .store.database import sessions, transaction, upgrade
    from .store.encrypted import reindex_names

    upgrade()
    counts = reindex_names(sessions())
    for name, count in counts.items():
        typer.echo(f"{name}\t{count}")
    with transaction() as session:
        _audit_cli(session, "update", "key", None, {"action": "reindex_names", "values": sum(counts.values())})


@keys_app.command("rotate")
def keys_rotate(
    drop_old: bool = typer.Option(False, "--drop-old", help="After re-encrypting, remove the old keys from the key file."),
) -> None:
    """Make a new current key and re-encrypt every stored value with it (resumable if interrupted)."""
    from .security.crypto import add_current_key, drop_old_keys, key_file_path
    from .store.database import sessions, transaction, upgrade
    from .store.encrypted import rotate

    upgrade()
    key_id = add_current_key()
    counts = rotate(sessions())
    for column, count in counts.items():
        typer.echo(f"{column}\t{count}")
    typer.echo(f"every value is now under key {key_id}")
    with transaction() as session:  # sealed with the new key, it vouches for the entries the old keys sealed
        entry = _audit_cli(session, "update", "key", key_id, {"action": "rotate", "values": sum(counts.values())})
    typer.echo(f"audit entry {entry.id}, sealed with the new key, vouches for the older entries without the old keys")
    if drop_old:
        dropped = drop_old_keys()
        with transaction() as session:
            _audit_cli(session, "delete", "key", key_id, {"action": "drop_old_keys", "dropped": dropped})
        typer.echo(f"{dropped} old key(s) removed from {key_file_path()}")
    else:
        typer.echo("the old keys stay in the key file; run with --drop-old once backups made under them are no longer needed")


audit_app = typer.Typer(help="The append-only audit log of changes, sign-ins and reads of personal data.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _head(value: str | None):
    from .store.audit import parse_head

    try:
        return None if value is None else parse_head(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@audit_app.command("verify")
def audit_verify(
    expect_head: str = typer.Option(
        None, "--expect-head", metavar="N:HASH",
        help="A head printed by an earlier run (kept outside the store): exit 7 if it is no longer in the log, "
             "as when its newest entries were cut off.",
    ),
) -> None:
    """Check the chain and its MACs: exit 7 with one line per edited, forged, deleted or missing entry."""
    from .security.crypto import KeyRingError
    from .store.audit import AuditError, verify
    from .store.database import sessions, upgrade

    expected = _head(expect_head)
    upgrade()
    with sessions()() as session:
        result = verify(session, expected)
    if result.problems:
        for problem in result.problems:
            typer.echo(problem)
        if result.unchecked:
            typer.echo(result.unchecked)
        raise AuditError(f"the audit log was altered: {len(result.problems)} problem(s) in {result.entries} entries")
    if result.unchecked:
        raise KeyRingError(f"the audit log cannot be verified: {result.unchecked}")
    typer.echo(f"audit log intact: {result.entries} entries (head {result.head})")
    for note in result.notes:
        typer.echo(note)
    typer.echo(f"keep the head elsewhere; 'recruitwatch audit verify --expect-head {result.head}' later shows whether "
               "entries were cut off since")


@audit_app.command("list")
def audit_list(limit: int = typer.Option(50, "--limit", min=1, help="How many of the newest entries.")) -> None:
    """The newest entries, oldest of them first: id, time, actor, action, object and detail."""
    from .store.audit import latest
    from .store.database import sessions, upgrade

    upgrade()
    with sessions()() as session:
        for entry in latest(session, limit):
            target = entry.object_type + (f":{entry.object_id}" if entry.object_id is not None else "")
            detail = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
            typer.echo(f"{entry.id}\t{entry.at:%Y-%m-%d %H:%M:%S}\t{entry.actor}\t{entry.action}\t{target}\t{detail}")


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
