"""The running web server under load: incident list and search pages, driven by wrk.

Builds the store of the search benchmark (bench_search.build: 1,000,000
documents, 20,000 incidents by default) and gives it what ingest and review
would have written around it: document languages, reports and mentions linking
the relevant documents to the incidents, incident fields taken from the
annotated corpus (so filters and facets have real values) written by the
store's own code, and review states (about a third verified). The store is
cached under benchmarks/results/ (about 5 GB, 6-8 minutes to build) and rebuilt
when the generator, the corpus, the schema or the store's write code changes.

Then it starts the real server (`recruitwatch serve --workers N`, one worker per
core by default) and drives it with wrk as a signed-in analyst (an API token),
wrk sharing the machine's cores with the server as a second process on an NGO's
server would: list pages and search pages, each at 1 and 8 connections, cycling
through their paths; then the API incident list over 25 distinct pages (the
first five cursor pages of five filters and sorts) at 16 connections.
Latencies are wrk's (client side, under wrk's concurrency); p95 and p99 come
from a Lua `done()` hook. Each run also records the server's CPU time per
request (all its processes) and how much CPU other processes took meanwhile: on
a busy machine the latencies are inflated and a WARNING says so. Without wrk
(Debian: `apt-get install wrk`) the load test is skipped, loudly.

Environment: RECRUITWATCH_BENCH_DOCS, RECRUITWATCH_BENCH_INCIDENTS (as
bench_search), RECRUITWATCH_BENCH_WEB_SECONDS (per run, default 20),
RECRUITWATCH_BENCH_WEB_CONNECTIONS (default 8), RECRUITWATCH_BENCH_API_CONNECTIONS
(default 16), RECRUITWATCH_BENCH_WEB_WORKERS (default: the number of cores), RECRUITWATCH_BENCH_CACHE (a
directory for the store instead of benchmarks/results/), RECRUITWATCH_BENCH_REUSE=1
(keep the newest complete store of these sizes, migrated, however stale).
Progress goes to stderr; the last line of stdout is the JSON of the figures.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import random
import re
import resource
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "tests" / "corpus"
DATA_VERSION = "1"  # bump when enrich() changes what it writes

LIST_PATHS = [
    "/incidents",
    "/incidents?nationality=UZ",
    "/incidents?region=RU-MOW&sort=-updated",
    "/incidents?page=5",
    "/incidents?status=prisoner&sort=-sources",
    "/incidents?method=raid_detention&review_state=verified",
    "/api/v1/incidents?limit=50",
    "/api/v1/incidents?nationality=TJ&limit=50",
]
SEARCH_PATHS = [
    "/incidents?q=Москва",
    "/incidents?q=Toshkent",
    "/incidents?q=contract&nationality=TJ",
    "/incidents?q=Wagner",
    "/incidents?q=мигрант&region=RU-MOW",
    "/api/v1/search?q=police",
    "/api/v1/search?q=qamoq",
    "/api/v1/search?q=Уфа",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the store


def _fingerprint(n_docs: int, n_incidents: int) -> str:
    """Changes with the generator, the corpus, the schema or the store's write code, so a stale store is rebuilt."""
    digest = hashlib.sha256(f"{DATA_VERSION}:{n_docs}:{n_incidents}".encode())
    store = ROOT / "src" / "recruitwatch" / "store"
    files = [HERE / "bench_search.py", HERE / "newsgen.py", HERE / "news_bank.yaml", store / "models.py",
             store / "repository.py", store / "review.py", *sorted((store / "migrations" / "versions").glob("*.py")),
             *sorted(CORPUS.glob("*.txt")), *sorted(CORPUS.glob("*.yaml"))]
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def ensure_store(n_docs: int, n_incidents: int) -> Path:
    """The cached store for these sizes, built first if missing or stale (older ones are removed).

    RECRUITWATCH_BENCH_REUSE=1 keeps any complete store of these sizes (brought to the current
    schema by the migrations), for iterating while the store code changes.
    """
    cache = Path(os.environ.get("RECRUITWATCH_BENCH_CACHE") or HERE / "results")
    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"web-{n_docs}-{n_incidents}-{_fingerprint(n_docs, n_incidents)}.db"
    if os.environ.get("RECRUITWATCH_BENCH_REUSE") == "1":
        complete = sorted(cache.glob(f"web-{n_docs}-{n_incidents}-*.ok"), key=lambda p: p.stat().st_mtime)
        db = complete[-1].with_suffix(".db") if complete else db
    if db.exists() and db.with_suffix(".ok").exists():
        log(f"reusing the store {db}")
        from recruitwatch.store.database import upgrade

        upgrade(f"sqlite:///{db}")
        return db
    for old in cache.glob(f"web-{n_docs}-{n_incidents}-*"):
        old.unlink()
    sys.path.insert(0, str(HERE))
    from bench_search import build

    log(f"building the store {db} ({n_docs:,} documents, {n_incidents:,} incidents; about 6 minutes for the defaults)")
    start = time.perf_counter()
    build(db, n_docs, n_incidents)
    log(f"  bench_search.build: {time.perf_counter() - start:.0f} s")
    t = time.perf_counter()
    enrich(db)
    log(f"  enrich: {time.perf_counter() - t:.0f} s")
    db.with_suffix(".ok").write_text(json.dumps({"build_s": round(time.perf_counter() - start)}), encoding="utf-8")
    return db


def _corpus() -> dict[str, dict]:
    """The annotated corpus by the first 300 characters of each text (what bench_search stores as text)."""
    out = {}
    for txt in sorted(CORPUS.glob("*.txt")):
        meta = txt.with_suffix(".yaml")
        out[txt.read_text(encoding="utf-8")[:300]] = yaml.safe_load(meta.read_text(encoding="utf-8")) if meta.exists() else {}
    return out


def _vary_date(rng: random.Random, date) -> str | None:
    """Another date of the same precision between 2022-09 and 2025-08."""
    if not date:
        return None
    day = dt.date(2022, 9, 1) + dt.timedelta(days=rng.randrange(1095))
    return day.isoformat()[: len(str(date))]


def enrich(db: Path) -> None:
    """What ingest and review write around bench_search's documents and incidents, so the pages have real work.

    Documents get their language (detected, as ingest does for screened-out news too); the
    corpus texts among them get a report each; every incident gets the fields of an annotated
    incident of one of those texts (date and names varied), written by the store's own code
    (search text, facet rows, history), a mention from that text and for a third a second
    one, and a review state: 35% verified, 5% rejected, the rest as the machine left them.
    """
    from sqlalchemy import select

    from recruitwatch.store import repository, review
    from recruitwatch.store.database import engine_for, sessions
    from recruitwatch.store.models import Incident
    from recruitwatch.text.langid import detect_language

    rng = random.Random(11)
    corpus = _corpus()
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE TEMP TABLE langs (text TEXT PRIMARY KEY, language TEXT, relevant INTEGER, published TEXT)")
    rows = []
    for (text,) in con.execute("SELECT DISTINCT text FROM documents"):
        meta = corpus.get(text)
        published = meta.get("published") if meta else None
        language = (meta or {}).get("language") or detect_language(text)
        rows.append((text, language, int(meta is not None), str(published) if published else None))
    con.executemany("INSERT INTO langs VALUES (?,?,?,?)", rows)
    con.execute(
        "UPDATE documents SET (language, screened, published) = "
        "(SELECT language, relevant, published FROM langs WHERE langs.text = documents.text)"
    )
    relevant = [(i, corpus[text]) for i, text in con.execute("SELECT id, text FROM documents WHERE screened = 1 ORDER BY id")]
    records = {}
    for doc_id, meta in relevant:
        records[doc_id] = {"relevant": bool(meta.get("relevant")), "relevance_score": 0.9 if meta.get("relevant") else 0.2,
                           "language": meta.get("language"), "incidents": [], "organisations": meta.get("organisations") or []}
    con.executemany(
        "INSERT INTO reports (document_id, extractor_version, current, relevant, relevance_score, record, created_at) "
        "VALUES (?, 'bench', 1, ?, ?, '{}', '2025-01-01 00:00:00')",
        [(doc_id, int(r["relevant"]), r["relevance_score"]) for doc_id, r in records.items()],
    )
    report_of = dict(con.execute("SELECT document_id, id FROM reports"))
    con.commit()
    con.close()

    linkable = [(doc_id, meta["incidents"]) for doc_id, meta in relevant if meta.get("incidents")]
    names = sorted({n for _d, found in linkable for i in found for n in i.get("victim_names") or ()})
    url = f"sqlite:///{db}"
    mentions, times = [], []
    with sessions(url)() as session:
        ids = list(session.scalars(select(Incident.id).order_by(Incident.id)))
        for start in range(0, len(ids), 1000):
            for k, incident in enumerate(session.scalars(select(Incident).where(Incident.id.in_(ids[start : start + 1000]))), start):
                doc_id, found = linkable[k % len(linkable)]
                fields = {key: value for key, value in found[(k // len(linkable)) % len(found)].items() if key != "evidence"}
                fields["date"] = _vary_date(rng, fields.get("date"))
                if fields.get("victim_names"):
                    fields["victim_names"] = rng.sample(names, len(fields["victim_names"]))
                repository.refresh_incident(session, incident, fields, actor="machine", action="created", detail={})
                state = rng.choices(("verified", "machine", "rejected"), (35, 60, 5))[0]
                if state == "verified":
                    review.confirm(session, incident.id, actor="bench")
                elif state == "rejected":
                    review.reject(session, incident.id, actor="bench", reason="not coerced recruitment (benchmark)")
                for source_doc in [doc_id] + ([linkable[rng.randrange(len(linkable))][0]] if k % 3 == 0 else []):
                    incidents = records[source_doc]["incidents"]
                    mentions.append((report_of[source_doc], len(incidents), incident.id, 1.0 if source_doc == doc_id else 0.8,
                                     "new incident" if source_doc == doc_id else "same victims, place and date"))
                    incidents.append({**fields, "evidence": []})
                updated = dt.datetime(2024, 1, 1) + dt.timedelta(minutes=rng.randrange(800_000))
                times.append(((updated - dt.timedelta(minutes=rng.randrange(100_000))).isoformat(" "), updated.isoformat(" "), incident.id))
            session.commit()
        repository.tidy_incident_search(session)  # as the end of an ingest run does
        session.commit()
    engine_for(url).dispose()

    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    con.executemany("UPDATE incidents SET first_seen = ?, updated_at = ? WHERE id = ?", times)  # not all "now"
    con.executemany(
        "INSERT INTO mentions (report_id, position, incident_id, link_score, link_reason) VALUES (?,?,?,?,?)", mentions
    )
    con.executemany(
        "UPDATE reports SET record = ? WHERE document_id = ?",
        [(json.dumps(record, ensure_ascii=False), doc_id) for doc_id, record in records.items()],
    )
    con.commit()
    # no ANALYZE: neither ingest nor bench_search runs it, so the planner sees what it sees in use
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def bench_token(url: str) -> str:
    """A new API token of the analyst `bench` (created on first use)."""
    from recruitwatch.security.accounts import create_user
    from recruitwatch.store import accounts
    from recruitwatch.store.database import engine_for, transaction

    with transaction(url) as session:
        user = accounts.user_by_name(session, "bench")
        if user is None:
            user = create_user(session, "bench", "analyst", password=secrets.token_urlsafe(24)).user
        token = accounts.add_api_token(session, user, "bench")
    engine_for(url).dispose()
    return token


# -- the server and the load


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int, log_file) -> subprocess.Popen:
    """`recruitwatch serve --workers N` on the store, as an NGO's server would run it."""
    env = {**os.environ, "RECRUITWATCH_DATABASE_URL": url}
    cmd = [sys.executable, "-m", "recruitwatch", "serve", "--workers", str(workers), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log_file.seek(0)
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log_file.read()[-4000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5):
                if len(server_pids(proc.pid)) > workers or workers == 1:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the server did not answer within 180 s")


def server_pids(pid: int) -> list[int]:
    """The server process and its worker processes (uvicorn's children)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text(errors="replace"):
                pids.append(int(child))
    return pids


def quoted(path: str) -> str:
    """The path with non-ASCII query text percent-encoded, as a browser sends it."""
    return urllib.parse.quote(path, safe="/?&=-_.~")


def _get(port: int, path: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{quoted(path)}", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _hits(path: str, body: bytes) -> int:
    """Incidents a response lists (what proves a path hits real rows)."""
    if path.startswith("/api/"):
        data = json.loads(body)
        return len(data.get("items") or data.get("incidents") or [])
    return len(set(re.findall(rb'href="/incidents/(\d+)"', body)))


def check_paths(port: int, token: str, paths: list[str], repeat: int = 5) -> dict[str, float]:
    """Every path answers 200 with incidents; its median latency with one client (after one warm-up)."""
    medians = {}
    for path in paths:
        status, body = _get(port, path, token)
        if status != 200 or _hits(path, body) == 0:
            raise RuntimeError(f"{path}: status {status}, {_hits(path, body) if status == 200 else 0} incidents listed")
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            _get(port, path, token)
            times.append((time.perf_counter() - t) * 1000)
        medians[path] = round(statistics.median(times), 1)
        log(f"  {path:58} {_hits(path, body):3} listed, {medians[path]:7.1f} ms median alone")
    return medians


LUA = """
local paths = {%(paths)s}
local i = 0
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) %% #paths + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\\"p50\\":%%d,\\"p75\\":%%d,\\"p90\\":%%d,\\"p95\\":%%d,\\"p99\\":%%d,\\"max\\":%%d,\\"mean\\":%%.0f," ..
    "\\"requests\\":%%d,\\"duration_us\\":%%d,\\"status_errors\\":%%d,\\"socket_errors\\":%%d}\\n",
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


def _busy_s() -> float:
    """CPU seconds the whole machine has been busy (all processes, all cores), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in Path("/proc/stat").read_text().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _process_cpu_s(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(wrk: str, port: int, token: str, paths: list[str], seconds: int, connections: int, pids: list[int]) -> dict:
    """One wrk run cycling through `paths`: latencies in ms, requests/s, the server's CPU time per
    request, and how much CPU other processes took meanwhile (other work on the machine skews latency)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        lua_paths = ", ".join(json.dumps(quoted(p)) for p in paths)
        script.write(LUA % {"paths": lua_paths, "token": token})
    threads = max(1, min(2, connections))
    cmd = [wrk, "--latency", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", script.name,
           f"http://127.0.0.1:{port}"]
    log("  $ " + " ".join(cmd))
    server_cpu_before = sum(_process_cpu_s(p) for p in pids)
    busy, children = _busy_s(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    wall = time.monotonic() - start
    server_cpu = sum(_process_cpu_s(p) for p in pids) - server_cpu_before
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    others = max(0.0, _busy_s() - busy - server_cpu - wrk_cpu)
    log("\n".join("    " + line for line in out.splitlines()))
    # wrk's threads each run the Lua state: one done() line per run, from the main state
    stats = json.loads(out.split("BENCH_JSON", 1)[1].splitlines()[0])
    if stats["status_errors"] or stats["socket_errors"]:
        raise RuntimeError(f"wrk saw {stats['status_errors']} non-2xx answers and {stats['socket_errors']} socket errors")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    ms = {f"{k}_ms": round(stats[k] / 1000, 1) for k in ("p50", "p75", "p90", "p95", "p99", "max", "mean")}
    other_pct = round(100 * others / wall)
    log(f"    server CPU {1000 * server_cpu / max(1, stats['requests']):.1f} ms per request, wrk {100 * wrk_cpu / wall:.0f}% "
        f"of a core; other processes used {other_pct}% of a core meanwhile")
    if other_pct > 10:
        log(f"    WARNING: other processes used {other_pct}% of a core during this run: the latencies are inflated")
    return {**ms, "requests": stats["requests"], "requests_per_s": round(rps, 1),
            "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, stats["requests"]), 1), "other_cpu_pct": other_pct}


def peak_rss_mb(pid: int) -> int:
    """VmHWM of a running process (its peak resident memory)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)


def api_pages(port: int, token: str, pages: int = 5) -> list[str]:
    """Distinct API list pages: the first `pages` pages (by cursor) of several filters and sorts,
    so the load reads many pages, as mirrors and scripts do, not one page again and again."""
    paths = []
    for start in API_STARTS:
        path = start
        for _ in range(pages):
            paths.append(path)
            status, body = _get(port, path, token)
            cursor = json.loads(body).get("next_cursor") if status == 200 else None
            if not cursor:
                break
            path = f"{start}&cursor={cursor}"
    return paths


API_STARTS = [
    "/api/v1/incidents?limit=50",
    "/api/v1/incidents?limit=50&nationality=TJ",
    "/api/v1/incidents?limit=50&region=RU-MOW",
    "/api/v1/incidents?limit=50&sort=-updated",
    "/api/v1/incidents?limit=50&review_state=verified&method=raid_detention",
]


def main() -> None:
    # a fixed key for the benchmark's store (victims' names are encrypted at rest); never a real one
    os.environ["RECRUITWATCH_KEY"] = base64.urlsafe_b64encode(hashlib.sha256(b"recruitwatch benchmark").digest()).decode()
    n_docs = int(os.environ.get("RECRUITWATCH_BENCH_DOCS", 1_000_000))
    n_incidents = int(os.environ.get("RECRUITWATCH_BENCH_INCIDENTS", 20_000))
    seconds = int(os.environ.get("RECRUITWATCH_BENCH_WEB_SECONDS", 20))
    connections = int(os.environ.get("RECRUITWATCH_BENCH_WEB_CONNECTIONS", 8))
    api_connections = int(os.environ.get("RECRUITWATCH_BENCH_API_CONNECTIONS", 16))
    workers = int(os.environ.get("RECRUITWATCH_BENCH_WEB_WORKERS", os.cpu_count() or 1))
    result: dict = {"web_docs": n_docs, "web_incidents": n_incidents, "web_connections": connections,
                    "web_workers": workers, "api_connections": api_connections}
    wrk = shutil.which("wrk")
    if wrk is None:
        log("bench_web: SKIPPED the load test: wrk is not installed (Debian/Ubuntu: `sudo apt-get install -y wrk`)")
        print(json.dumps({**result, "web_skipped": "wrk not installed"}))
        return
    db = ensure_store(n_docs, n_incidents)
    url = f"sqlite:///{db}"
    token = bench_token(url)
    port = _free_port()
    with tempfile.TemporaryFile("w+") as server_log:
        server = start_server(url, port, workers, server_log)
        try:
            pids = server_pids(server.pid)
            result["web_server_rss_mb_idle"] = sum(peak_rss_mb(p) for p in pids)
            runs = [("list", LIST_PATHS, connections), ("search", SEARCH_PATHS, connections)]
            for kind, paths, clients in runs:
                log(f"{kind} pages, one request at a time:")
                result[f"web_{kind}_alone_median_ms"] = check_paths(port, token, paths)
                for n in sorted({1, clients}):
                    log(f"{kind} pages under load ({n} connections; {workers} server workers and wrk share the machine's cores):")
                    figures = run_wrk(wrk, port, token, paths, seconds, n, pids)
                    prefix = f"web_{kind}_" if n == clients else f"web_{kind}_c{n}_"
                    result.update({prefix + key: value for key, value in figures.items()})
            paths = api_pages(port, token)
            log(f"API incident list: {len(paths)} distinct pages, {api_connections} connections:")
            check_paths(port, token, paths[:: max(1, len(paths) // 5)], repeat=3)
            result.update({f"api_list_{key}": value for key, value in
                           run_wrk(wrk, port, token, paths, seconds, api_connections, pids).items()})
            result["api_list_distinct_pages"] = len(paths)
            result["web_server_peak_rss_mb"] = sum(peak_rss_mb(p) for p in pids)
            result["web_server_peak_rss_mb_per_worker"] = max(peak_rss_mb(p) for p in pids[1:] or pids)
        finally:
            server.terminate()
            server.wait(timeout=30)
            server_log.seek(0)
            problems = "\n".join(line for line in server_log.read().splitlines()
                                 if line.strip() and "is serving on" not in line and "First admin" not in line)
            if problems:
                log("server output:\n" + problems[-4000:])
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
