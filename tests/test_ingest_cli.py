"""`recruitwatch ingest` end to end: every kind of source, a kill mid-run, backup and restore."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from recruitwatch.demo import demo_articles
from recruitwatch.store.database import engine_for, sessions
from recruitwatch.store.models import Document, Incident, Report

from .conftest import ROOT, mode, records, run_cli


def counts(url: str) -> tuple[int, int, int]:
    with sessions(url)() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Document, Report, Incident))


def write_jsonl(path, n_filler: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for article in demo_articles():
            fh.write(json.dumps({"text": article["text"], "url": f"https://demo.test/{article['id']}",
                                 "published": article.get("published")}, ensure_ascii=False) + "\n")
        for i in range(n_filler):
            fh.write(json.dumps({"text": f"Weather report number {i}: sunny and calm across the region.", "url": f"https://weather.test/{i}"}) + "\n")


def test_ingest_jsonl_then_list_incidents_with_their_sources(tmp_path, db_url):
    source = tmp_path / "news.jsonl"
    write_jsonl(source, 20)
    result = run_cli("ingest", str(source), env={"RECRUITWATCH_DATABASE_URL": db_url}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "new" in result.stdout.decode()
    listed = run_cli("incidents", "--nationality", "UZ", "--format", "json", env={"RECRUITWATCH_DATABASE_URL": db_url})
    rows = records(listed)
    assert rows and all("UZ" in r["victim_nationalities"] for r in rows)
    assert all(d["url"].startswith("https://demo.test/") for r in rows for d in r["documents"])
    found = run_cli("search", "Москва", env={"RECRUITWATCH_DATABASE_URL": db_url})
    assert "https://demo.test/ru_" in found.stdout.decode()
    # JSON lists every match (more than a table's page); the table says what it left out.
    every = records(run_cli("incidents", "--format", "json", env={"RECRUITWATCH_DATABASE_URL": db_url}))
    with sessions(db_url)() as s:
        stored = s.scalar(select(func.count()).select_from(Incident).where(Incident.merged_into.is_(None)))
    assert len(every) == stored > 50 and len({r["id"] for r in every}) == stored
    assert len(records(run_cli("incidents", "--format", "json", "--limit", "3", env={"RECRUITWATCH_DATABASE_URL": db_url}))) == 3
    table = run_cli("incidents", env={"RECRUITWATCH_DATABASE_URL": db_url})
    assert f"50 of {stored} matching incidents shown" in table.stderr.decode()


def test_a_killed_ingest_loses_nothing_and_resumes(tmp_path, db_url):
    source = tmp_path / "news.jsonl"
    write_jsonl(source, 3000)
    env = {**os.environ, "RECRUITWATCH_DATABASE_URL": db_url}
    process = subprocess.Popen([sys.executable, "-m", "recruitwatch", "ingest", str(source)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                if counts(db_url)[0] >= 400:
                    break
            except Exception:  # the schema may not exist yet
                continue
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    partial = counts(db_url)
    assert 0 < partial[0] < 3000 + len(demo_articles())
    again = run_cli("ingest", str(source), env={"RECRUITWATCH_DATABASE_URL": db_url}, timeout=300)
    assert again.returncode == 0, again.stderr
    resumed = counts(db_url)
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    clean = run_cli("ingest", str(source), env={"RECRUITWATCH_DATABASE_URL": clean_url}, timeout=300)
    assert clean.returncode == 0
    assert resumed == counts(clean_url)
    assert resumed[0] == 3000 + len(demo_articles())
    engine_for(clean_url).dispose()


def test_folder_telegram_and_warc_sources(tmp_path, db_url):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    text = next(a["text"] for a in demo_articles() if a["id"].startswith("en_001"))
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.html").write_text(f"<html><body><article><p>{text}</p></article></body></html>", encoding="utf-8")
    export = tmp_path / "export"
    export.mkdir()
    (export / "result.json").write_text(json.dumps({"name": "migrant news", "id": 1, "messages": [
        {"id": 7, "type": "message", "date": "2024-03-05T10:00:00", "text": [text[:400], {"type": "bold", "text": " — срочно"}]},
        {"id": 8, "type": "service", "date": "2024-03-05T10:00:00", "text": ""},
    ]}, ensure_ascii=False), encoding="utf-8")
    warc = tmp_path / "crawl.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        body = f"<html><head><title>Raid</title></head><body><p>{text}</p></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.test/raid", "response", payload=__import__("io").BytesIO(body), http_headers=headers))
    env = {"RECRUITWATCH_DATABASE_URL": db_url}
    for source in (folder, export, warc):
        result = run_cli("ingest", str(source), env=env, timeout=300)
        assert result.returncode == 0, (source, result.stderr)
    with sessions(db_url)() as s:
        kinds = set(s.scalars(select(Document.kind)))
    assert kinds == {"folder", "telegram", "warc"}


def _ingested_for_backup(tmp_path, db_url) -> tuple[dict, dict]:
    """A store with some news in it, and the environment that points commands at it (skips where
    PostgreSQL's client tools are missing)."""
    import shutil

    import pytest

    if db_url.startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL backups need pg_dump and pg_restore (the PostgreSQL client tools)")
    source = tmp_path / "news.jsonl"
    write_jsonl(source, 0)
    env = {"RECRUITWATCH_DATABASE_URL": db_url}
    assert run_cli("ingest", str(source), env=env, timeout=300).returncode == 0
    return env, counts(db_url)


def test_backup_while_running_and_restore(tmp_path, db_url):
    env, before = _ingested_for_backup(tmp_path, db_url)
    copy = tmp_path / "backup.db"
    result = run_cli("backup", str(copy), env=env)
    assert result.returncode == 0, result.stderr
    restored_url = _empty_database_like(db_url, tmp_path)
    result = run_cli("restore", str(copy), env={"RECRUITWATCH_DATABASE_URL": restored_url})
    assert result.returncode == 0, result.stderr
    assert counts(restored_url) == before
    engine_for(restored_url).dispose()


def test_backups_are_private_and_a_restore_of_anything_else_changes_nothing(tmp_path, db_url, loose_umask):
    env, before = _ingested_for_backup(tmp_path, db_url)
    copy = tmp_path / "backups" / "daily" / "rw.db"  # neither folder exists yet: the README's example on a fresh machine
    result = run_cli("backup", str(copy), env=env)
    assert result.returncode == 0, result.stderr
    assert (mode(copy), mode(copy.parent), mode(copy.parent.parent)) == (0o600, 0o700, 0o700)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for bogus in (notes, empty):
        result = run_cli("restore", str(bogus), env=env)
        stderr = result.stderr.decode()
        assert result.returncode == 6 and "Traceback" not in stderr, stderr
        assert len(stderr.strip().splitlines()) == 1 and "was not changed" in stderr, stderr
        assert counts(db_url) == before
    assert run_cli("restore", str(copy), env=env).returncode == 0
    assert counts(db_url) == before


def test_a_new_sqlite_database_and_its_journal_files_are_private(tmp_path, loose_umask):
    from pathlib import Path

    from recruitwatch.store.database import upgrade

    path = tmp_path / "data" / "nested" / "rw.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    with engine_for(url).connect() as connection:  # open, so the -wal and -shm files exist
        connection.exec_driver_sql("SELECT count(*) FROM documents")
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert [mode(f) for f in files] == [0o600] * 3
    assert mode(path.parent) == mode(path.parent.parent) == 0o700
    engine_for(url).dispose()


def _empty_database_like(url: str, tmp_path) -> str:
    """A second, empty database on the same server (or a new SQLite file)."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    from sqlalchemy import create_engine, text

    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS recruitwatch_restore_test"))
        connection.execute(text("CREATE DATABASE recruitwatch_restore_test"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/recruitwatch_restore_test"


def test_watching_a_feed_fetches_an_unchanged_feed_once(tmp_path, db_url):
    """A local feed server: the second poll sends the ETag back and gets 304; nothing is added."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    article = next(a["text"] for a in demo_articles() if a["id"].startswith("en_001"))
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            requests.append((self.path, self.headers.get("If-None-Match")))
            if self.path == "/feed.xml":
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.end_headers()
                    return
                port = self.server.server_address[1]
                body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                        f'<item><title>Raid</title><link>http://127.0.0.1:{port}/a</link><guid>a</guid></item>'
                        f'</channel></rss>').encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", '"v1"')
            else:
                body = f"<html><body><article><p>{article}</p></article></body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    feed = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    env = {"RECRUITWATCH_DATABASE_URL": db_url}
    try:
        refused = run_cli("ingest", feed, env=env)
        assert refused.returncode != 0 and "private" in (refused.stderr + refused.stdout).decode().lower()
        assert run_cli("sources", "add", feed, env=env).returncode == 0
        first = run_cli("watch", "--once", "--allow-private", env=env, timeout=300)
        assert first.returncode == 0, first.stderr
        assert counts(db_url)[0] == 1
        second = run_cli("watch", "--once", "--allow-private", env=env, timeout=300)
        assert second.returncode == 0
        assert counts(db_url)[0] == 1
        assert requests[-1] == ("/feed.xml", '"v1"')
    finally:
        server.shutdown()


def test_two_ingests_of_one_file_at_once_store_each_document_once(tmp_path, db_url):
    """The second run used to die with an IntegrityError traceback on the first document the other had stored."""
    source = tmp_path / "news.jsonl"
    write_jsonl(source, 1500)
    env = {**os.environ, "RECRUITWATCH_DATABASE_URL": db_url}
    runs = [subprocess.Popen([sys.executable, "-m", "recruitwatch", "ingest", str(source)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0 and b"Traceback" not in stderr, stderr.decode()[-2000:]
    with sessions(db_url)() as s:
        stored = s.scalar(select(func.count()).select_from(Document))
        distinct = s.scalar(select(func.count(func.distinct(Document.sha256))))
        reports = s.scalar(select(func.count()).select_from(Report))
        documents_with_reports = s.scalar(select(func.count(func.distinct(Report.document_id))))
    assert stored == distinct == 1500 + len(demo_articles())
    assert reports == documents_with_reports  # no document extracted twice


def test_bad_lines_are_reported_by_number_and_every_good_one_is_stored(tmp_path, db_url):
    """A lone surrogate or NUL once failed the batch's INSERT, so nothing was stored, on every rerun."""
    article = next(a["text"] for a in demo_articles() if a["id"].startswith("en_001"))
    lines = [
        json.dumps({"text": "Weather: sunny in Tashkent.", "url": "https://w.test/1"}),
        '{"text": "Half an emoji \\ud83d here, and a NUL \\u0000 there.", "title": "\\udc00"}',  # 2: stored, replaced
        "{not json",  # 3
        '{"text": "deep", "x": ' + "[" * 200_000 + "]" * 200_000 + "}",  # 4
        json.dumps({"text": "z" * (17 << 20)}),  # 5: over the 16 MB limit
        json.dumps({"text": article, "url": "https://demo.test/raid"}, ensure_ascii=False),
    ]
    source = tmp_path / "news.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {"RECRUITWATCH_DATABASE_URL": db_url}
    for run in range(2):
        result = run_cli("ingest", str(source), env=env, timeout=300)
        stderr = result.stderr.decode()
        assert result.returncode == 3 and "Traceback" not in stderr, stderr[-3000:]
        assert "3 could not be read" in result.stdout.decode()
        for number, why in ((3, "not valid UTF-8 JSON"), (4, "nested too deeply"), (5, "longer than the 16,777,216-byte limit")):
            assert f"could not read {source}#line-{number}: line {number} is {why}" in stderr, stderr
        if run == 0:
            assert "(line 2)" not in stderr and f"warning: {source}#line-2: characters no database can store" in stderr
    with sessions(db_url)() as s:
        documents = {d.locator: d for d in s.scalars(select(Document))}
    assert len(documents) == 6  # the five lines with bytes, and one entry for the line too long to keep
    assert documents["https://demo.test/raid"].screened and "https://w.test/1" in documents
    replaced = documents[f"{source}#line-2"]
    assert replaced.text == "Half an emoji \ufffd here, and a NUL \ufffd there." and replaced.title == "\ufffd"
    assert "U+FFFD" in replaced.meta["warning"]


def test_one_source_that_cannot_be_read_does_not_stop_the_others(tmp_path, db_url):
    first, last = tmp_path / "first.jsonl", tmp_path / "pages"
    first.write_text(json.dumps({"text": "Weather: sunny in Tashkent."}) + "\n", encoding="utf-8")
    last.mkdir()
    (last / "a.txt").write_text("Weather: rain in Samarkand.", encoding="utf-8")
    (last / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 16)
    result = run_cli("ingest", str(first), str(tmp_path / "missing.jsonl"), "http://127.0.0.1:9/feed.xml", str(last),
                     env={"RECRUITWATCH_DATABASE_URL": db_url}, timeout=300)
    stderr = result.stderr.decode()
    assert result.returncode == 3 and "Traceback" not in stderr
    assert "missing.jsonl: no such file or folder" in stderr and "refusing http://127.0.0.1:9/feed.xml" in stderr
    assert f"could not read {last / 'photo.txt'}: " in stderr and "binary" in stderr  # found in decoding it
    assert f"{first}: 1 read, 1 new" in result.stdout.decode() and f"{last}: 2 read, 2 new" in result.stdout.decode()
    assert counts(db_url)[0] == 3
