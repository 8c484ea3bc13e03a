"""Shared fixtures: the corpus, the seeds and a runner for the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
SEED_YUSUF = CORPUS / "seed_001_yusuf_police.txt"
SEED_NOTICES = CORPUS / "seed_000_uz_notices_prisoners.txt"


def run_cli(*args: str, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "recruitwatch", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=ROOT,
    )


def records(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def yusuf_text() -> str:
    return SEED_YUSUF.read_text(encoding="utf-8")
