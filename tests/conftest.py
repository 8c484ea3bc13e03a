"""Shared fixtures: the corpus, the seeds and a runner for the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
SEED_YUSUF = CORPUS / "seed_001_yusuf_police.txt"
SEED_NOTICES = CORPUS / "seed_000_uz_notices_prisoners.txt"


def run_cli(*args: str, stdin: bytes | None = None, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "recruitwatch", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def records(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines() if line.strip()]


@pytest.fixture(autouse=True, scope="session")
def _key_file(tmp_path_factory):
    """Tests encrypt with a key of their own, never the developer's ./data/recruitwatch.key."""
    if not os.environ.get("RECRUITWATCH_KEY"):
        os.environ["RECRUITWATCH_KEY_FILE"] = str(tmp_path_factory.mktemp("keys") / "recruitwatch.key")
    yield


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    """An empty database at the current schema: PostgreSQL when RECRUITWATCH_TEST_DATABASE_URL
    is set (CI runs the suite a second time that way), else a fresh SQLite file."""
    from recruitwatch.store.database import engine_for, upgrade

    url = os.environ.get("RECRUITWATCH_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"
    if url.startswith("postgresql"):
        _empty_postgres(url)
    monkeypatch.setenv("RECRUITWATCH_DATABASE_URL", url)
    upgrade(url)
    yield url
    engine_for(url).dispose()


def _empty_postgres(url: str) -> None:
    from sqlalchemy import text

    from recruitwatch.store.database import engine_for

    with engine_for(url).begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def yusuf_text() -> str:
    return SEED_YUSUF.read_text(encoding="utf-8")


@pytest.fixture
def loose_umask():
    """The common umask 022 (files 0644, folders 0755 unless a program says otherwise), for this test and its children."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path) -> int:
    """A file's permission bits, e.g. 0o600."""
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)
