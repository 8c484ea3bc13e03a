"""The main job (`make run` → `recruitwatch demo`) and the README that a new user follows."""

from __future__ import annotations

import json

from recruitwatch.cli import app
from recruitwatch.demo import demo_articles

from .conftest import ROOT, run_cli


def test_demo_extracts_every_bundled_article_and_writes_json_lines(tmp_path):
    out = tmp_path / "demo.jsonl"
    result = run_cli("demo", "--out", str(out), timeout=300)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(demo_articles()) >= 60
    assert sum(r["relevant"] for r in records) >= 30
    stdout = result.stdout.decode()
    assert "JSON Lines written to" in stdout and str(out) in stdout


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"recruitwatch {name}" in readme, name


def test_every_setting_read_from_the_environment_is_documented():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set()
    for path in (ROOT / "src").rglob("*.py"):
        used.update(re.findall(r"RECRUITWATCH_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert used
    for name in used:
        assert f"`{name}`" in readme, name
