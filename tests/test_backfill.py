"""`recruitwatch backfill` on a real two-worker Dask cluster: the same store as one process, resumable."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from itertools import chain

import pytest
from sqlalchemy import select

from recruitwatch.demo import demo_articles
from recruitwatch.ingest import Ingestor
from recruitwatch.scale import backfill
from recruitwatch.scale.partitions import expand, plan
from recruitwatch.sources.jsonl import read_jsonl
from recruitwatch.sources.warc import read_warc
from recruitwatch.store.database import engine_for, sessions, upgrade
from recruitwatch.store.models import Document, Incident, Mention, Report

from .conftest import ROOT, run_cli

CHUNK = 8192  # a few articles per range: the JSONL file is cut into many partitions


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1GiB",
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture
def inputs(tmp_path):
    """A JSON Lines file of the demo articles mixed with filler (a blank line, a bad line, a repeat), and a WARC."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    articles = demo_articles()
    lines = []
    for i, article in enumerate(articles):
        lines.append(json.dumps({"text": article["text"], "url": f"https://demo.test/{article['id']}",
                                 "published": article.get("published")}, ensure_ascii=False))
        if i % 4 == 0:
            lines.append(json.dumps({"text": f"Weather report {i}: sunny and calm across the region."}))
    lines[10:10] = ["", "{not json", lines[3]]
    lines[20:20] = ['{"text": "Half an emoji \\ud83d and a NUL \\u0000."}', '{"x": ' + "[" * 5000 + "]" * 5000 + "}"]
    jsonl = tmp_path / "news.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    warc = tmp_path / "crawl.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n, article in enumerate(articles[:3] + [{"text": "Football: the home side won 2-1."}]):
            body = f"<html><head><title>Page {n}</title></head><body><p>{article['text']}</p></body></html>".encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.test/{n}", "response",
                                                          payload=io.BytesIO(body), http_headers=headers))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.test/a.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=image))
    return [str(jsonl), str(warc)]


def reference(paths: list[str], tmp_path) -> str:
    """The same files through the single-process ingest, into a SQLite file of its own."""
    url = f"sqlite:///{tmp_path / 'reference.db'}"
    upgrade(url)
    Ingestor(url).run(chain(read_jsonl(paths[0]), read_warc(paths[1])))
    return url


def snapshot(url: str) -> dict:
    """What a store holds, without its ids: documents by hash, reports, and incidents by the documents they link."""
    with sessions(url)() as s:
        sha = dict(s.execute(select(Document.id, Document.sha256)).all())
        documents = {
            d.sha256: (d.kind, d.locator, d.title, d.text, d.search_text, d.language, d.screened,
                       sha.get(d.cluster_id), d.minhash, json.dumps(d.meta, sort_keys=True))
            for d in s.scalars(select(Document))
        }
        reports = {(sha[r.document_id], r.relevant, json.dumps(r.record, sort_keys=True)) for r in s.scalars(select(Report))}
        linked: dict[int, list] = {}
        for incident_id, document_id, position, score in s.execute(
            select(Mention.incident_id, Report.document_id, Mention.position, Mention.link_score).join(Report)
        ):
            linked.setdefault(incident_id, []).append((sha[document_id], position, round(score, 6)))
        incidents = sorted(
            (json.dumps(i.fields, sort_keys=True, ensure_ascii=False), tuple(sorted(linked.get(i.id, []))))
            for i in s.scalars(select(Incident))
        )
    return {"documents": documents, "reports": reports, "incidents": incidents}


def test_patterns_name_each_archive_once_in_a_fixed_order(tmp_path):
    from recruitwatch.sources import SourceError

    (tmp_path / "b").mkdir()
    for name in ("a.jsonl", "b/c.warc.gz", "b/d.jsonl.gz", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    found = expand([str(tmp_path / "*.jsonl"), str(tmp_path), str(tmp_path / "a.jsonl")])
    assert found == [str(tmp_path / n) for n in ("a.jsonl", "b/c.warc.gz", "b/d.jsonl.gz")]
    for bad in ("notes.txt", "missing.jsonl", "*.warc"):
        with pytest.raises(SourceError):
            expand([str(tmp_path / bad)])


def test_jsonl_ranges_number_lines_as_the_whole_file_reader_does(inputs):
    parts = plan(expand(inputs), CHUNK)
    assert len([p for p in parts if p.kind == "jsonl"]) > 5
    from recruitwatch.scale.tasks import items, scan

    first, mine = 1, []
    for part in parts:
        mine.extend(items(part, first))
        first += scan(part).lines
    whole = [*read_jsonl(inputs[0]), *read_warc(inputs[1])]
    assert [(i.locator, i.raw, i.meta) for i in mine] == [(i.locator, i.raw, i.meta) for i in whole]


def test_lines_over_the_limit_are_numbered_and_each_reported_as_ingest_does(tmp_path, monkeypatch):
    from recruitwatch.scale import tasks

    monkeypatch.setattr(tasks, "MAX_LINE_BYTES", 1024)
    long = json.dumps({"text": "x" * 3000})
    lines = [json.dumps({"text": f"Weather report {i}: sunny."}) if i % 3 else long for i in range(30)]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, mine, prepared = 1, [], []
    for part in plan(expand([str(path)]), 2048):
        mine.extend(tasks.items(part, first))
        prepared.extend(p.item for p in tasks.prepare_partition(part, first, frozenset()).prepared)
        first += tasks.scan(part).lines
    whole = list(read_jsonl(str(path), max_line_bytes=1024))
    assert [(i.locator, i.raw, i.meta) for i in mine] == [(i.locator, i.raw, i.meta) for i in whole]
    too_long = [i.meta["line"] for i in prepared if "longer than the 1,024-byte limit" in i.meta.get("error", "")]
    assert too_long == list(range(1, 31, 3))  # the same empty identity, and still each one reported


def test_backfill_stores_what_one_process_stores_and_a_rerun_adds_nothing(inputs, db_url, client, tmp_path):
    stats = backfill(inputs, url=db_url, client=client, chunk_bytes=CHUNK)
    assert stats.partitions > 5 and stats.partitions_done == stats.partitions and not stats.failures
    assert stats.documents.relevant > 40 and stats.documents.incidents_created > 20
    assert stats.documents.incidents_linked > 0 and stats.documents.errors  # the WARC repeats three articles; one bad line
    expected = snapshot(reference(inputs, tmp_path))
    got = snapshot(db_url)
    assert got["documents"].keys() == expected["documents"].keys()
    assert got == expected
    with sessions(db_url)() as s:
        assert {d.source_id is not None for d in s.scalars(select(Document))} == {True}

    again = backfill(inputs, url=db_url, client=client, chunk_bytes=CHUNK)
    assert again.documents.added == 0 and again.documents.seen == stats.documents.seen
    assert again.documents.duplicates == again.documents.seen
    assert snapshot(db_url) == got


def test_resuming_after_a_partial_run_gives_the_same_store(inputs, db_url, client, tmp_path):
    """Batches already committed (a run killed after them) are skipped; the rest is stored as if never stopped."""
    items = [*read_jsonl(inputs[0]), *read_warc(inputs[1])]
    Ingestor(db_url).run(items[:37])
    stats = backfill(inputs, url=db_url, client=client, chunk_bytes=CHUNK)
    assert stats.documents.duplicates >= 37
    assert snapshot(db_url) == snapshot(reference(inputs, tmp_path))


def test_the_command_resumes_after_a_kill(tmp_path, db_url):
    source = tmp_path / "news.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for article in demo_articles():
            fh.write(json.dumps({"text": article["text"], "url": f"https://demo.test/{article['id']}"}) + "\n")
        for i in range(1500):
            # Screened in (army, migrant), so each costs an extraction: the run cannot finish
            # between two looks at the store (screened-out news is stored faster than that).
            fh.write(json.dumps({"text": f"Weather report {i}: the army band played for migrant workers "
                                         "in the park; sunny and calm across the region."}) + "\n")
    env = {**os.environ, "RECRUITWATCH_DATABASE_URL": db_url}
    args = [sys.executable, "-m", "recruitwatch", "backfill", str(source), "--workers", "1", "--batch", "50"]
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _count(db_url) < 100:
            time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the driver and its workers, as a crash would
        process.wait(timeout=30)
    partial = _count(db_url)
    assert 0 < partial < 1500 + len(demo_articles())
    again = run_cli("backfill", str(source), "--workers", "1", env={"RECRUITWATCH_DATABASE_URL": db_url}, timeout=120)
    assert again.returncode == 0, again.stderr
    out = again.stdout.decode()
    assert f"{1500 + len(demo_articles()) - partial} new" in out, out
    assert _count(db_url) == 1500 + len(demo_articles())
    engine_for(db_url).dispose()


def _count(url: str) -> int:
    from sqlalchemy import func

    try:
        with sessions(url)() as s:
            return s.scalar(select(func.count()).select_from(Document))
    except Exception:  # the schema may not exist yet
        return 0
