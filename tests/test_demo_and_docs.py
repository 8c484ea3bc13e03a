"""The main job (`make run` → `recruitwatch demo`) and the README that a new user follows."""

from __future__ import annotations

import json
import re
from pathlib import Path

from recruitwatch.cli import app
from recruitwatch.demo import demo_articles

from .conftest import ROOT, mode, run_cli


def test_demo_loads_the_articles_once_and_lists_the_incidents(tmp_path, db_url, loose_umask):
    out = tmp_path / "out" / "incidents.jsonl"
    first = run_cli("demo", "--out", str(out), timeout=300, env={"RECRUITWATCH_DATABASE_URL": db_url})
    assert first.returncode == 0, first.stderr
    assert (mode(out), mode(out.parent)) == (0o600, 0o700)  # victims' names: the owner's eyes only
    assert f"Loaded {len(demo_articles())} demo articles" in first.stdout.decode()
    # The README tells a new user what the demo links: the figure must be the one they will see.
    linked = re.search(r"(\d+) reports linked to an existing incident", first.stdout.decode())
    stated = re.search(r"the demo links (\d+) of the\s+reports", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert linked and stated and linked.group(1) == stated.group(1)
    incidents = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(incidents) >= 40 and all(i["documents"] for i in incidents)
    again = run_cli("demo", "--out", str(out), timeout=300, env={"RECRUITWATCH_DATABASE_URL": db_url})
    assert again.returncode == 0 and "Loaded" not in again.stdout.decode()
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(incidents)


def _documentation() -> str:
    """The README (the front page) and the manual, where every command and setting is described."""
    return "\n".join((ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/manual.md"))


def test_the_readme_is_a_front_page_that_leads_to_the_manual():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme and "docs/manual.md" in readme
    assert len(readme.split()) < 1200  # read in a few minutes
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert doc.name == "index.md" or f"]({doc.name})" in index, doc.name


def test_the_readmes_pictures_exist():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", readme)
    assert len(pictures) >= 6
    for picture in pictures:
        assert (ROOT / picture).is_file() and (ROOT / picture).stat().st_size > 10_000, picture


def test_every_command_is_documented_in_the_readme():
    readme = _documentation()
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"recruitwatch {name}" in readme, name
    for group in app.registered_groups:
        for command in group.typer_instance.registered_commands:
            name = f"{group.name} {command.name or command.callback.__name__}"
            assert f"recruitwatch {name}" in readme or f"recruitwatch {group.name} " in readme, name


def test_every_setting_read_from_the_environment_is_declared_and_documented():
    import re

    from recruitwatch.settings import SETTINGS

    readme = _documentation()
    declared = {setting.name for setting in SETTINGS}
    used = set()
    for path in (ROOT / "src").rglob("*.py"):
        used.update(re.findall(r"RECRUITWATCH_[A-Z0-9_]+", path.read_text(encoding="utf-8")))
    assert used and used <= declared, used - declared
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, setting.name
        assert setting.help


def _start_serve(tmp_path, *args: str, seconds: float = 240):
    """`recruitwatch serve ARGS` in tmp_path on a free port, read until it prints its address.
    Returns (process, port, output so far)."""
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RECRUITWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "recruitwatch", "serve", *args, "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output, deadline = "", time.monotonic() + seconds
    while "is serving on" not in output and time.monotonic() < deadline and process.poll() is None:
        output += process.stdout.readline()
    return process, port, output


def test_serve_prepares_everything_and_prints_the_admin_password_and_address(tmp_path):
    """What `make run` does: demo data, a first admin with a one-time password, the app on a printed address."""
    import re
    import time

    import httpx

    process, port, output = _start_serve(tmp_path, "--demo")
    try:
        assert f"http://127.0.0.1:{port}" in output, output
        password = re.search(r"one-time password (\S+)", output).group(1)
        for _ in range(100):
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/login")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert page.status_code == 200 and "csrf_token" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        signed = httpx.post(f"http://127.0.0.1:{port}/login", cookies=page.cookies,
                            data={"username": "admin", "password": password, "csrf_token": token, "next": "/incidents"})
        assert signed.status_code == 303 and signed.headers["location"] == "/account/password"
    finally:
        process.terminate()
        process.wait(20)


def test_serve_with_several_workers_answers_from_each_process(tmp_path):
    """`serve --workers 2`: a supervisor and two worker processes, each building the app from the settings."""
    import os
    import time

    import httpx

    process, port, output = _start_serve(tmp_path, "--workers", "2", seconds=120)
    deadline = time.monotonic() + 120
    try:
        assert "with 2 worker processes" in output, output
        answers = []
        while len(answers) < 20 and time.monotonic() < deadline:
            try:
                answers.append(httpx.get(f"http://127.0.0.1:{port}/incidents", timeout=10))
            except httpx.TransportError:
                time.sleep(0.2)
        assert [a.status_code for a in answers] == [200] * 20
        children = set()
        for task in os.listdir(f"/proc/{process.pid}/task"):
            children.update(Path(f"/proc/{process.pid}/task/{task}/children").read_text().split())
        workers = [c for c in children if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]  # uvicorn's worker processes
        assert len(workers) == 2, children
    finally:
        process.terminate()
        process.wait(20)
    output += process.stdout.read()
    # no access log: people who appeal must leave no address behind
    assert "GET /incidents" not in output and "127.0.0.1:" not in output.replace(f"http://127.0.0.1:{port}", ""), output


def test_a_bad_thread_count_is_refused_with_the_setting_named(monkeypatch):
    import pytest

    from recruitwatch.errors import UsageError
    from recruitwatch.settings import web_threads

    monkeypatch.delenv("RECRUITWATCH_WEB_THREADS", raising=False)
    assert web_threads() == 4
    monkeypatch.setenv("RECRUITWATCH_WEB_THREADS", "12")
    assert web_threads() == 12
    for bad in ("0", "-3", "lots", "1000"):
        monkeypatch.setenv("RECRUITWATCH_WEB_THREADS", bad)
        with pytest.raises(UsageError, match="RECRUITWATCH_WEB_THREADS"):
            web_threads()
