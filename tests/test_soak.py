"""Soak and fault tests: an hour of `recruitwatch watch` against a hostile site, compressed.

The watcher's own forever loop (`workflows.watch`) runs in a thread against
`tests.soak_server.HostileSite` on 127.0.0.1. Its sleep between rounds is the
test's hook: the test advances the site one round, measures, injects a fault,
or stops it. Bounded in count and time: RECRUITWATCH_SOAK_ROUNDS rounds
(default 6; raise it for a long soak), test-sized fetch limits, and a round
that takes longer than ROUND_TIMEOUT fails the test with the watcher's stack
instead of hanging the suite.

What must hold, round after round: every good article stored exactly once
(by SHA-256 and by URL), however often and wherever it is republished; the
incidents the same as one clean ingest of the texts; every bad feed reported
with its reason and never stopping the round; memory flat. And across a
PostgreSQL restart (during a batch, and while a round starts) or a SIGKILL in
the middle of a round: nothing lost, nothing stored twice.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from recruitwatch import workflows
from recruitwatch.ingest import Ingestor
from recruitwatch.sources import SourceError
from recruitwatch.sources import fetch as fetch_module
from recruitwatch.sources.feeds import read_feed
from recruitwatch.sources.fetch import FetchError, FetchResult
from recruitwatch.sources.pages import page_item
from recruitwatch.store import repository as repo
from recruitwatch.store.database import engine_for, sessions, upgrade
from recruitwatch.store.models import Document, Incident, Mention, Report

from .conftest import ROOT
from .soak_server import (
    BAD_ARTICLES,
    MAX_SECONDS,
    READ_TIMEOUT,
    HostileSite,
    demo_pages,
    soak_fetcher,
)

ROUNDS = max(int(os.environ.get("RECRUITWATCH_SOAK_ROUNDS", "6")), 3)
ROUND_TIMEOUT = 60.0  # seconds; a normal round takes a few
MEMORY_GROWTH = 0.10
# RSS of a pytest process that already ran the rest of the suite also carries the C allocators' reuse of
# what those tests freed (seen: +18 % in the full suite, +2-4 % alone), so it gets a looser bound there;
# the Python heap (allocated blocks) must stay within MEMORY_GROWTH either way.
RSS_GROWTH_IN_SUITE = 0.25
STREAM_LIMIT = 64 << 20  # an endless answer must be cut long before this (cap 256 KB + socket buffers)
# Bad feeds between the good ones: a bad one must not stop those after it.
ORDER = (
    "main", "slow", "world", "garbage", "aggregator", "loop", "static", "chain", "moved",
    "declared-huge", "flip", "endless", "throttled", "gzip-bomb", "sometimes-slow", "drip",
    "reset", "error", "home-page", "empty",
)

# The restart test needs every good feed, not every way of being bad (the soak has those).
RESTART_FEEDS = ("main", "world", "garbage", "aggregator", "static", "moved", "flip", "endless", "throttled",
                 "sometimes-slow")


# ---------------------------------------------------------------- driving the watcher


class Stop(Exception):
    """Raised in the watcher's sleep: the soak is over."""


class Outcomes(logging.Handler):
    """What each round did to each source: the watcher's report, or its warning."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.round = 0
        self.seen: dict[tuple[int, str], list[tuple[str, object]]] = defaultdict(list)

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s" and isinstance(record.args, tuple):
            locator, error = record.args
            self.seen[(self.round, str(locator))].append(("failed", str(error)[:500]))
        else:  # the round could not start (the database was away)
            self.seen[(self.round, "")].append(("failed", record.getMessage()[:500]))

    def report(self, locator: str, stats) -> None:
        self.seen[(self.round, locator)].append(("ok", stats.added))


class Watcher:
    """`workflows.watch` in a thread; its `time.sleep` ends a round and waits for the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, url: str, outcomes: Outcomes) -> None:
        self.ended: queue.Queue = queue.Queue()
        self.orders: queue.Queue = queue.Queue()
        monkeypatch.setattr(workflows, "time", SimpleNamespace(sleep=self._sleep))
        self.fetcher = soak_fetcher()

        def run() -> None:
            try:
                workflows.watch(url=url, interval=0, allow_private=True, report=outcomes.report,
                                fetcher=self.fetcher)
            except Stop:
                pass
            except BaseException as exc:  # the watcher itself died: the test must say so
                self.ended.put(exc)

        self.thread = threading.Thread(target=run, name="soak-watch", daemon=True)
        self.thread.start()

    def _sleep(self, _seconds: float) -> None:
        self.ended.put(None)
        if not self.orders.get():
            raise Stop

    def wait(self) -> None:
        """Until the round ends; fail with the watcher's stack when it does not end in time."""
        try:
            outcome = self.ended.get(timeout=ROUND_TIMEOUT)
        except queue.Empty:
            frame = sys._current_frames().get(self.thread.ident)
            stack = "".join(traceback.format_stack(frame)) if frame else "(gone)"
            pytest.fail(f"a round took more than {ROUND_TIMEOUT:.0f} s; the watcher hangs here:\n{stack}")
        if outcome is not None:
            raise AssertionError("the watcher stopped with an exception") from outcome

    def next_round(self) -> None:
        self.orders.put(True)

    def stop(self, wait: float = 30) -> None:
        """End the loop at its next sleep (at once if it is sleeping); idempotent."""
        if self.thread.is_alive():
            self.orders.put(False)
            self.thread.join(wait)
        if not self.thread.is_alive():
            self.fetcher.close()


def memory() -> dict[str, int]:
    """The process's resident set (psutil, else /proc) and Python's live allocated blocks, after a full GC."""
    gc.collect()
    try:
        import psutil

        rss = psutil.Process().memory_info().rss
    except ImportError:
        with open("/proc/self/statm") as fh:
            rss = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return {"rss": rss, "blocks": sys.getallocatedblocks()}


@dataclass
class Soak:
    """A finished run: what was watched, what each round did, how long and how big."""

    site: HostileSite
    url: str
    names: tuple[str, ...]
    outcomes: Outcomes
    durations: list[float] = field(default_factory=list)
    lost_rounds: int = 0  # rounds that could not even list the sources (database away)
    memory: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of this process (watcher and site): the figure a busy machine does not inflate

    def locator(self, name: str) -> str:
        return self.site.url(self.site.feed_paths()[name])


def register(site: HostileSite, url: str, names: tuple[str, ...]) -> None:
    with sessions(url)() as session, session.begin():
        for name in names:
            repo.source(session, "feed", site.url(site.feed_paths()[name]), watched=True)


def run_soak(site: HostileSite, url: str, monkeypatch: pytest.MonkeyPatch, *, names: tuple[str, ...] = ORDER,
             before_round=None, after_lost_round=None) -> Soak:
    """Watch `names` for `site.rounds` rounds; `before_round(r)` may break things before round r."""
    register(site, url, names)
    outcomes = Outcomes()
    soak = Soak(site, url, names, outcomes)
    log, level = logging.getLogger("recruitwatch.workflows"), logging.getLogger("recruitwatch.workflows").level
    log.addHandler(outcomes)
    log.setLevel(logging.WARNING)  # whatever another test left: the warnings are what is checked
    started, cpu = time.monotonic(), time.process_time()
    watcher = Watcher(monkeypatch, url, outcomes)
    try:
        round_ = 0
        while True:
            began = time.monotonic()
            watcher.wait()
            soak.durations.append(time.monotonic() - began)
            if not any(r == round_ and loc for r, loc in outcomes.seen):  # the sources were not even listed
                soak.lost_rounds += 1
                assert soak.lost_rounds <= 3, outcomes.seen[(round_, "")]
                if after_lost_round:
                    after_lost_round(round_)
                watcher.next_round()
                continue
            if round_ == 0:
                soak.memory["warm"] = memory()
            if round_ == site.rounds - 1:
                soak.memory["last"] = memory()
                watcher.stop()
                break
            round_ += 1
            site.round = outcomes.round = round_
            if before_round:
                before_round(round_)
            watcher.next_round()
    finally:
        watcher.stop(wait=1)  # after a failure: let the thread go rather than leave it waiting
        log.removeHandler(outcomes)
        log.setLevel(level)
    soak.seconds, soak.cpu_seconds = time.monotonic() - started, time.process_time() - cpu
    return soak


# ---------------------------------------------------------------- what must hold


def check_rounds(soak: Soak, *, faulty: frozenset[int] = frozenset()) -> None:
    """Every source polled once a round; a bad one reported with its reason, a good one never.

    In a `faulty` round (the database went away) a good source may fail too; the next must recover.
    """
    for round_ in range(soak.site.rounds):
        for name in soak.names:
            seen = soak.outcomes.seen.get((round_, soak.locator(name)), [])
            assert len(seen) == 1, (round_, name, seen)
            (status, detail), why = seen[0], soak.site.bad_in(name, round_)
            if why:
                assert status == "failed", (round_, name, detail)
                if round_ not in faulty:
                    assert why in str(detail), (round_, name, why, detail)
            elif round_ not in faulty:
                assert status == "ok", (round_, name, detail)


def stored_documents(url: str) -> list:
    with sessions(url)() as session:
        return session.execute(select(Document.id, Document.sha256, Document.url, Document.meta)).all()


def check_store(soak: Soak) -> dict[str, int]:
    """Each good page once, under one of its URLs; nothing else but one error entry per bad article."""
    site = soak.site
    urls_of: dict[str, set[str]] = defaultdict(set)
    for page in site.good_pages(soak.names):
        urls_of[page.sha256].add(site.url(page.path))
    docs = stored_documents(soak.url)
    twice = {k: n for k, n in Counter(d.sha256 for d in docs).items() if n > 1}
    assert not twice, f"stored twice (by SHA-256): {twice}"
    twice = {k: n for k, n in Counter(d.url for d in docs).items() if n > 1}
    assert not twice, f"stored twice (by URL): {twice}"
    stored = {d.sha256: d for d in docs}
    missing = [sorted(urls)[0] for sha, urls in urls_of.items() if sha not in stored]
    assert not missing, f"{len(missing)} good articles never stored, e.g. {missing[:5]}"
    wrong = [(stored[sha].url, urls) for sha, urls in urls_of.items() if stored[sha].url not in urls]
    assert not wrong, wrong[:5]
    extra = [d for d in docs if d.sha256 not in urls_of]
    bad = {site.url(f"/bad/{name}.html") for name in BAD_ARTICLES} if "main" in soak.names else set()
    assert {d.url for d in extra} == bad and len(extra) == len(bad), [d.url for d in extra]
    assert all("error" in d.meta for d in extra)
    return {"documents": len(docs), "good": len(urls_of), "listed": len(site.good_pages(soak.names))}


def incident_fields(url: str) -> list[str]:
    """The live incidents, each as its contract fields in canonical JSON, sorted: comparable across runs.

    Lists are compared as sets: linking a second report unites them in sorted order.
    """
    with sessions(url)() as session:
        found = session.scalars(select(Incident).where(Incident.merged_into.is_(None)))
        return sorted(
            json.dumps({k: sorted(v) if isinstance(v, list) else v for k, v in i.fields.items()},
                       sort_keys=True, ensure_ascii=False)
            for i in found
        )


def incidents_by_sha(url: str) -> dict[str, set[int]]:
    with sessions(url)() as session:
        rows = session.execute(
            select(Document.sha256, Mention.incident_id)
            .join(Report, Report.document_id == Document.id)
            .join(Mention, Mention.report_id == Report.id)
            .where(Report.current.is_(True))
        )
        found: dict[str, set[int]] = defaultdict(set)
        for sha, incident in rows:
            found[sha].add(incident)
        return found


def check_incidents(soak: Soak, clean: list[str]) -> int:
    """The same incidents as one clean ingest of the texts; a republished text adds none."""
    assert incident_fields(soak.url) == clean
    linked = incidents_by_sha(soak.url)
    originals = {p.demo_id: p.sha256 for p in demo_pages()}
    copies = [p for p in soak.site.pages.values() if p.kind == "copy"]
    assert copies
    for copy in copies:
        assert linked.get(copy.sha256, set()) == linked.get(originals[copy.demo_id], set()), copy.path
    return len(clean)


def check_streams(site: HostileSite) -> int:
    """Every endless answer was cut early: the server saw the client hang up, long before 1 GiB."""
    deadline = time.monotonic() + 10
    while any(s.ended == "running" for s in site.streams) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert site.streams
    assert all(s.ended == "disconnect" for s in site.streams), [(s.path, s.ended, s.sent) for s in site.streams]
    biggest = max(s.sent for s in site.streams)
    assert biggest < STREAM_LIMIT, biggest
    return biggest


def check_memory(soak: Soak) -> dict[str, float]:
    warm, last = soak.memory["warm"], soak.memory["last"]
    growth = {k: last[k] / warm[k] - 1 for k in warm}
    rss_bound = MEMORY_GROWTH if warm["rss"] < 400 * 2**20 else RSS_GROWTH_IN_SUITE
    assert growth["rss"] <= rss_bound, (warm, last)
    assert growth["blocks"] <= MEMORY_GROWTH, (warm, last)
    return growth


def figures(soak: Soak, **more: object) -> str:
    """One line for the log (and the README): `pytest -s tests/test_soak.py` shows it."""
    warm, last = soak.memory["warm"], soak.memory["last"]
    line = (
        f"soak {soak.url.split(':', 1)[0]}: {soak.site.rounds} rounds ({soak.lost_rounds} lost) of "
        f"{len(soak.names)} feeds in {soak.seconds:.1f} s ({soak.cpu_seconds:.1f} s CPU; rounds "
        f"{', '.join(f'{d:.1f}' for d in soak.durations)} s), "
        f"{sum(soak.site.hits.values())} requests; RSS {warm['rss'] / 2**20:.0f} -> {last['rss'] / 2**20:.0f} MB, "
        f"Python blocks {warm['blocks']} -> {last['blocks']}; "
        + ", ".join(f"{k} {v}" for k, v in more.items())
    )
    print(line)
    return line


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def soak_url(tmp_path):
    """A database of the soak's own: on PostgreSQL (RECRUITWATCH_TEST_DATABASE_URL) a separate
    database, so the shared test database of concurrent runs is neither touched nor touching."""
    base = os.environ.get("RECRUITWATCH_TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        url = f"sqlite:///{tmp_path / 'soak.db'}"
        upgrade(url)
        yield url
        engine_for(url).dispose()
        return
    name = "recruitwatch_soak_test"
    # No pool: a connection kept from before a restart would be dead at the end.
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = base.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    yield url
    engine_for(url).dispose()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="module")
def clean_incidents(tmp_path_factory) -> list[str]:
    """The incidents of one clean ingest of the demo pages, each once, in the order the site releases them."""
    url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    upgrade(url)
    items = [
        page_item(FetchResult(f"http://127.0.0.1{p.path}", 200, p.body, {"content-type": "text/html; charset=utf-8"},
                              None, None, False), kind="feed")
        for p in demo_pages()
    ]
    Ingestor(url, source_kind="feed", source_locator="clean").run(items)
    found = incident_fields(url)
    engine_for(url).dispose()
    return found


# ---------------------------------------------------------------- the tests


def test_soak_watch_against_a_hostile_site(soak_url, clean_incidents, monkeypatch) -> None:
    """Many rounds of good, republished, flipping and hostile feeds: exact store, flat memory."""
    site = HostileSite(rounds=ROUNDS)
    try:
        soak = run_soak(site, soak_url, monkeypatch)
        check_rounds(soak)
        stored = check_store(soak)
        incidents = check_incidents(soak, clean_incidents)
        biggest = check_streams(site)
        assert site.hits["304"] > 0  # the unchanged feed cost one conditional request
        growth = check_memory(soak)
    finally:
        site.close()
    figures(soak, **stored, incidents=incidents, biggest_stream_bytes=biggest,
            rss_growth=f"{growth['rss']:+.1%}", blocks_growth=f"{growth['blocks']:+.1%}")


class Postgres:
    """The local cluster the test database lives on, stopped and started with pg_ctlcluster."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
            pytest.skip(f"PostgreSQL at {parts.hostname} is not on this machine: the test cannot restart it")
        if not (shutil.which("pg_ctlcluster") and shutil.which("pg_lsclusters")):
            pytest.skip("pg_ctlcluster is not installed: the test cannot restart PostgreSQL")
        if os.geteuid() != 0:
            pytest.skip("restarting PostgreSQL with pg_ctlcluster needs root here")
        port = str(parts.port or 5432)
        listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, timeout=30)
        clusters = [line.split() for line in listed.stdout.splitlines() if line.strip()]
        found = [c for c in clusters if len(c) >= 4 and c[2] == port and c[3] == "online"]
        if not found:
            pytest.skip(f"no online local cluster listens on port {port}: the test cannot restart it")
        self.version, self.name = found[0][:2]
        self.thread: threading.Thread | None = None
        self.restarts = 0

    def ctl(self, action: str) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "-m", "fast", self.version, self.name, action],
                       check=True, capture_output=True, timeout=120)

    def stop_then_start(self, *, down_for: float) -> threading.Event:
        """Stop now (in a thread), start `down_for` seconds later; the event is set once it is down."""
        stopped = threading.Event()

        def cycle() -> None:
            try:
                self.ctl("stop")
            finally:
                stopped.set()
            time.sleep(down_for)
            self.ctl("start")

        self.restarts += 1
        self.thread = threading.Thread(target=cycle, name="pg-restart", daemon=True)
        self.thread.start()
        return stopped

    def settle(self) -> None:
        """Wait for the restart under way to finish."""
        if self.thread is not None:
            self.thread.join(120)
            assert not self.thread.is_alive(), "PostgreSQL did not come back within 2 minutes"
            self.thread = None

    def ensure_up(self) -> None:
        self.settle()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, "start"],
                       capture_output=True, timeout=120)  # exit 2 "already running" is fine


def test_postgresql_restarts_mid_batch_and_at_round_start_lose_nothing(soak_url, clean_incidents,
                                                                        monkeypatch) -> None:
    """Round 1: the server stops while a batch is being written; round 2 starts with it stopped.

    The round in flight fails (and only its writes are lost), the one that cannot list its
    sources is retried, pool_pre_ping replaces the dead connections, and in the end every
    article is stored once and the incidents are those of a clean ingest.
    """
    if not soak_url.startswith("postgresql"):
        pytest.skip("RECRUITWATCH_TEST_DATABASE_URL is not set: this test restarts a local PostgreSQL server "
                    "(on SQLite, the SIGKILL test below kills the watcher instead)")
    postgres = Postgres(soak_url)
    # A window of three: a feed that fails with the database in round 1 and by itself in round 2
    # still lists round 1's entries in round 3.
    site = HostileSite(rounds=4, window=3)
    original, calls = Ingestor._store, Counter()

    def store_then_lose_the_server(self, session, prepared, source_id):
        calls[site.round] += 1
        if site.round == 1 and calls[1] == 5:  # in the middle of main's batch: rows flushed, not committed
            session.flush()
            assert postgres.stop_then_start(down_for=0.5).wait(120)
        return original(self, session, prepared, source_id)

    def stopped_at_round_start(round_: int) -> None:
        postgres.settle()
        if round_ == 2:
            postgres.stop_then_start(down_for=1.0).wait(120)

    monkeypatch.setattr(Ingestor, "_store", store_then_lose_the_server)
    try:
        soak = run_soak(site, soak_url, monkeypatch, names=RESTART_FEEDS, before_round=stopped_at_round_start,
                        after_lost_round=lambda _round: postgres.settle())
    finally:
        postgres.ensure_up()
        site.close()
    main = soak.outcomes.seen[(1, soak.locator("main"))]
    assert main[0][0] == "failed" and "psycopg" in main[0][1], main  # the batch in flight was lost with the server...
    assert soak.lost_rounds == 1 and "cannot list" in soak.outcomes.seen[(2, "")][0][1]
    check_rounds(soak, faulty=frozenset({1}))  # ...and everything after recovered
    stored = check_store(soak)
    incidents = check_incidents(soak, clean_incidents)
    figures(soak, restarts=postgres.restarts, **stored, incidents=incidents)


def test_a_watch_killed_in_the_middle_of_a_round_resumes_without_loss_or_duplicates(soak_url, tmp_path) -> None:
    """SIGKILL inside an ingest transaction of `watch` (the second batch, the first one committed).

    The next round stores what the killed one lost, and only that: the end state equals a
    clean run's. The watcher runs in its own process (`python -m tests.soak_server`), which
    kills itself at a chosen document, so the kill lands with rows written but not committed.
    """
    site = HostileSite(rounds=1, filler=40, demos=12)  # main: 12 + 40 + 3 entries, in batches of 20
    names = ("main", "garbage", "loop")
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    try:
        register(site, soak_url, names)
        killed = subprocess.run([sys.executable, "-m", "tests.soak_server", soak_url, "--batch", "20",
                                 "--die-after", "25"], cwd=ROOT, capture_output=True, timeout=300)
        assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
        partial = len(stored_documents(soak_url))
        assert partial == 20, partial  # the first batch, committed; the second lost in flight
        with soak_fetcher() as fetcher:
            workflows.watch(url=soak_url, once=True, allow_private=True, fetcher=fetcher)
            upgrade(clean_url)
            register(site, clean_url, names)
            workflows.watch(url=clean_url, once=True, allow_private=True, fetcher=fetcher)
    finally:
        site.close()
    soak = Soak(site, soak_url, names, Outcomes())
    check_store(soak)
    assert {d.sha256 for d in stored_documents(soak_url)} == {d.sha256 for d in stored_documents(clean_url)}
    with sessions(soak_url)() as a, sessions(clean_url)() as b:
        for model in (Document, Report, Mention):
            assert a.scalar(select(func.count()).select_from(model)) == b.scalar(select(func.count()).select_from(model))
    assert incident_fields(soak_url) == incident_fields(clean_url) != []
    engine_for(clean_url).dispose()


# ---------------------------------------------------------------- what the soak found, one test each


def test_a_dripping_answer_is_cut_after_max_seconds() -> None:
    """Found by the soak: the read timeout is per read, so one byte per 0.1 s held a fetch for days."""
    site = HostileSite(rounds=1, demos=0, filler=1)
    try:
        with soak_fetcher() as fetcher, pytest.raises(FetchError, match="still sending"):
            began = time.monotonic()
            fetcher.fetch(site.url("/feeds/drip.xml"))
        assert time.monotonic() - began < MAX_SECONDS + 2 * READ_TIMEOUT + 1
        assert check_streams(site) < 1000  # a few bytes, then the client hung up
    finally:
        site.close()


def test_an_empty_answer_is_reported_as_not_a_feed() -> None:
    """Found by the soak: an empty 200 parsed as a clean feed of nothing, so a broken feed was never reported."""
    site = HostileSite(rounds=1, demos=0, filler=1)
    try:
        with soak_fetcher() as fetcher, pytest.raises(SourceError, match="not an RSS or Atom feed"):
            list(read_feed(site.url("/feeds/empty.xml"), fetcher=fetcher))
    finally:
        site.close()


def test_watch_outlives_a_database_away_when_a_round_starts(soak_url, monkeypatch) -> None:
    """Found by the soak: listing the sources at the start of a round was outside any guard, so a
    database restart at that moment ended `recruitwatch watch`; now only that round is lost."""
    site = HostileSite(rounds=1, demos=0, filler=1)
    register(site, soak_url, ("main",))
    real, calls = repo.watched_sources, Counter()

    def away_once(session):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("SELECT …", {}, Exception("server closed the connection unexpectedly"))
        return real(session)

    monkeypatch.setattr(workflows.repo, "watched_sources", away_once)
    outcomes, log = Outcomes(), logging.getLogger("recruitwatch.workflows")
    log.addHandler(outcomes)
    try:
        with soak_fetcher() as fetcher:
            with pytest.raises(OperationalError):  # --once still says so: there is no next round
                workflows.watch(url=soak_url, once=True, allow_private=True, fetcher=fetcher)
            calls.clear()
            sleeps = []

            def sleep(seconds: float) -> None:
                sleeps.append(seconds)
                outcomes.round = len(sleeps)
                if len(sleeps) == 2:
                    raise Stop

            monkeypatch.setattr(workflows, "time", SimpleNamespace(sleep=sleep))
            with pytest.raises(Stop):
                workflows.watch(url=soak_url, interval=5, allow_private=True, fetcher=fetcher,
                                report=outcomes.report)
    finally:
        log.removeHandler(outcomes)
        site.close()
    assert "cannot list the watched sources" in outcomes.seen[(0, "")][0][1]
    assert outcomes.seen[(1, site.url("/feeds/main.xml"))] == [("ok", 1 + len(BAD_ARTICLES))]
    assert sleeps == [5, 5]


def test_watch_uses_one_fetcher_and_one_schema_check_for_all_its_sources(soak_url, monkeypatch) -> None:
    """Found while building the soak: `watch` made a Fetcher per source, so the per-host interval did
    not hold across the feeds of one site (and a test could not give it short limits); and it ran
    Alembic for every source in every round, each run leaving one more entry in the engine's
    compiled-statement cache (Python's live memory blocks +7.5 % over 30 rounds; +0.9 % without)."""
    site = HostileSite(rounds=1, demos=0, filler=1)
    register(site, soak_url, ("main", "world", "static"))
    made, upgrades, real_upgrade = [], [], workflows.upgrade

    class Counted(fetch_module.Fetcher):
        def __init__(self, **options) -> None:
            made.append(options)
            super().__init__(**{**options, "min_interval": 0})

    monkeypatch.setattr(fetch_module, "Fetcher", Counted)
    monkeypatch.setattr(workflows, "upgrade", lambda url=None: upgrades.append(url) or real_upgrade(url))
    try:
        workflows.watch(url=soak_url, once=True, allow_private=True)
    finally:
        site.close()
    assert made == [{"allow_private": True, "proxy": None}]
    assert upgrades == [soak_url]
    assert len(stored_documents(soak_url)) == 3 + len(BAD_ARTICLES)


@pytest.mark.xfail(strict=True, reason="known, not fixed here: every poll of a changed feed fetches all its "
                   "articles again, and a page whose bytes change between fetches (a clock, a 'most read' box) "
                   "is stored again each time; the fix is to skip links already stored, which needs an index "
                   "on documents.url (a migration)")
def test_an_article_page_that_changes_a_little_is_stored_once(soak_url) -> None:
    import http.server

    polls = Counter()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            polls[self.path] += 1
            if self.path == "/feed.xml":  # a new entry every poll, the old one still listed
                port = self.server.server_address[1]
                items = "".join(f"<item><title>{t}</title><link>http://127.0.0.1:{port}/{t}.html</link></item>"
                                for t in ("story", *(f"new{i}" for i in range(polls[self.path]))))
                body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
            else:
                body = (f"<html><body><article><p>The same story {self.path}.</p></article>"
                        f"<aside>Most read, updated {polls[self.path]} times</aside></body></html>").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    feed = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    try:
        with sessions(soak_url)() as session, session.begin():
            repo.source(session, "feed", feed, watched=True)
        with soak_fetcher() as fetcher:
            for _ in range(3):
                workflows.watch(url=soak_url, once=True, allow_private=True, fetcher=fetcher)
    finally:
        server.shutdown()
        server.server_close()
    urls = Counter(d.url for d in stored_documents(soak_url))
    assert urls[feed.replace("feed.xml", "story.html")] == 1, urls
