"""The public appeal form: six languages, CSRF, limits while reading, throttles without a CAPTCHA, and nothing in clear at rest."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess

import pytest
import yaml
from fastapi.testclient import TestClient

from .conftest import ROOT
from .web_helpers import csrf_of

STRINGS = ROOT / "src" / "recruitwatch" / "web" / "data" / "appeal_strings.yaml"
LANGS = ("en", "ru", "uz", "uz-Cyrl", "tg", "ky")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
ADDRESS = "203.0.113.77"  # the documentation range: what a visitor's address looks like


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test seals with its own key file, never ./data/recruitwatch.key."""
    monkeypatch.delenv("RECRUITWATCH_KEY", raising=False)
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(tmp_path / "appeals.key"))


@pytest.fixture
def app(db_url):
    from recruitwatch.web.app import create_app

    return create_app(db_url)


def _client(app, address: str = ADDRESS) -> TestClient:
    return TestClient(app, client=(address, 40000))


def _send(client: TestClient, lang: str = "en", files=None, **fields):
    token = csrf_of(client.get(f"/appeal?lang={lang}").text)
    data = {"story": "They came at night", "csrf_token": token, **fields}
    return client.post(f"/appeal?lang={lang}", data=data, files=files or [])


def _code_and_secret(html: str) -> tuple[str, str]:
    return re.search(r'id="case-code">([^<]+)<', html).group(1), re.search(r'id="case-secret">([^<]+)<', html).group(1)


# -- the words


def test_every_string_has_all_six_languages_and_the_same_placeholders():
    data = yaml.safe_load(STRINGS.read_text(encoding="utf-8"))
    assert tuple(data["languages"]) == LANGS and data["languages"]["en"]["verified"] is True
    problems = []
    for key, entry in data["strings"].items():
        wanted = sorted(re.findall(r"\{\w+\}", entry["en"]))
        for lang in LANGS:
            text = entry.get(lang)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{key}: no {lang}")
            elif sorted(re.findall(r"\{\w+\}", text)) != wanted:
                problems.append(f"{key}.{lang}: placeholders differ")
            elif lang in ("ru", "uz-Cyrl", "tg", "ky") and not re.search(r"[А-Яа-яЁёҚқҒғҲҳҶҷӢӣӮӯӨөҮүҢңЎўЪъ]", text):
                problems.append(f"{key}.{lang}: not in Cyrillic")
            elif lang == "uz" and (re.search(r"[А-Яа-я]", text) or re.search(r"[oOgG]['‘’`ʼ]", text)):
                problems.append(f"{key}.uz: not Latin Uzbek with oʻ/gʻ")
    assert not problems, problems


@pytest.mark.parametrize(("lang", "title", "submit"), [
    ("en", "Ask for help", "Send"), ("ru", "Обратиться за помощью", "Отправить"), ("uz", "Yordam soʻrash", "Yuborish"),
    ("uz-Cyrl", "Ёрдам сўраш", "Юбориш"), ("tg", "Дархости кӯмак", "Фиристодан"), ("ky", "Жардам суроо", "Жөнөтүү"),
])
def test_the_form_speaks_the_language_asked_for_and_says_when_it_is_unchecked(app, lang, title, submit):
    page = _client(app).get(f"/appeal?lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    assert f"<h1>{title}</h1>" in page.text and f">{submit}</button>" in page.text
    assert ('class="muted" lang=' in page.text) == (lang != "en")  # the unverified-translation notice
    assert page.headers["cache-control"] == "no-store"
    assert "captcha" not in page.text.lower() and "<script" not in page.text


def test_without_a_choice_the_browser_language_or_russian_is_used(app):
    client = _client(app)
    assert '<html lang="tg">' in client.get("/appeal", headers={"accept-language": "tg-TJ,ru;q=0.8"}).text
    assert '<html lang="uz-Cyrl">' in client.get("/appeal", headers={"accept-language": "uz-Cyrl-UZ"}).text
    assert '<html lang="ru">' in client.get("/appeal", headers={"accept-language": "de"}).text


# -- sending


def test_an_appeal_gives_its_code_and_secret_once_and_the_status_can_be_checked(app, db_url):
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    client = _client(app)
    done = _send(client, "ru", nationality="TJ", citizen="unknown", situation="relative_sent_to_front", consent="yes",
                 files=[("files", ("повестка.pdf", PDF, "application/pdf"))])
    assert done.status_code == 200 and "Ваше обращение получено" in done.text and done.headers["cache-control"] == "no-store"
    code, secret = _code_and_secret(done.text)
    assert re.fullmatch(r"RW-[A-Z2-9]{4}-[A-Z2-9]{4}", code) and len(secret.replace("-", "")) >= 20
    with transaction(db_url) as session:
        case = cases.case_by_code(session, code)
        assert case.language == "ru" and case.answers == {"nationality": "TJ", "citizen": "unknown", "situation": "relative_sent_to_front"}
        assert case.consent_to_link and case.consent_recorded_by == "appeal form" and case.anonymous
        assert [f["name"] for f in cases.files_of(session, case)] == ["повестка.pdf"]
        cases.add_note(session, case, "internal: the brother is in Rostov", actor="kamila")
        cases.change_status(session, case, "triaged", actor="kamila")

    token = csrf_of(client.get("/appeal/status?lang=en").text)
    shown = client.post("/appeal/status?lang=en", data={"code": code.lower(), "secret": secret.upper(), "csrf_token": token})
    assert shown.status_code == 200 and "Being reviewed" in shown.text and "Received" in shown.text
    assert "Rostov" not in shown.text and "kamila" not in shown.text and secret not in shown.text
    again = client.get("/appeal/status?lang=en").text
    assert secret not in again and code not in again  # shown once, nowhere to see it again


def test_a_missing_story_or_a_wrong_answer_keeps_what_was_typed_and_says_what_to_fix(app):
    client = _client(app)
    empty = _send(client, "uz", story="   ", name="Dilnoza")
    assert empty.status_code == 400 and "Iltimos, nima boʻlganini yozing." in empty.text and 'value="Dilnoza"' in empty.text
    wrong = _send(client, "en", situation="<b>not a choice</b>")
    assert wrong.status_code == 400 and "One of the answers is not among the choices" in wrong.text
    long = _send(client, "en", story="x" * 10_001)
    assert long.status_code == 400 and "longer than 10,000 characters" in long.text


def test_the_form_without_its_csrf_token_is_refused(app, db_url):
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Case

    client = _client(app)
    client.get("/appeal")
    assert client.post("/appeal", data={"story": "x", "csrf_token": "forged"}).status_code == 403
    assert TestClient(app).post("/appeal", data={"story": "x"}).status_code == 403  # no cookie either
    with transaction(db_url) as session:
        assert session.query(Case).count() == 0


# -- uploads


def test_a_program_renamed_pdf_is_refused_and_nothing_is_kept(app, db_url):
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Case, CaseFile

    refused = _send(_client(app), "en", files=[("files", ("contract.pdf", EXE, "application/pdf"))])
    assert refused.status_code == 400 and "does not match its type" in refused.text
    other = _send(_client(app, "198.51.100.2"), "en", files=[("files", ("setup.exe", EXE, "application/x-msdownload"))])
    assert other.status_code == 400 and "Only JPEG, PNG, PDF, plain text, OGG voice and MP4 video" in other.text
    with transaction(db_url) as session:
        assert session.query(Case).count() == 0 and session.query(CaseFile).count() == 0


def test_a_file_over_the_limit_or_too_many_files_get_413(app, db_url):
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Case
    from recruitwatch.web.ui.appeals import AppealLimits

    app.state.appeal_limits = AppealLimits(max_file_bytes=4096)
    big = _send(_client(app), "en", files=[("files", ("scan.pdf", PDF + b"0" * 5000, "application/pdf"))])
    assert big.status_code == 413 and "at most 3 files, each at most 1 MB" in big.text
    four = [("files", (f"{n}.pdf", PDF, "application/pdf")) for n in range(4)]
    assert _send(_client(app, "198.51.100.3"), "en", files=four).status_code == 413
    declared = _client(app, "198.51.100.4").post("/appeal", content=b"x", headers={
        "content-type": "multipart/form-data; boundary=b", "content-length": str(50 * 1024 * 1024)})
    assert declared.status_code == 413  # refused from the header, before reading a byte
    with transaction(db_url) as session:
        assert session.query(Case).count() == 0


def test_the_default_limit_is_five_megabytes(app):
    from recruitwatch.web.ui.appeals import AppealLimits

    assert AppealLimits().max_file_bytes == 5 * 1024 * 1024 and AppealLimits().max_files == 3
    assert "each at most 5 MB" in _client(app).get("/appeal?lang=en").text


async def _parse(chunks, limits):
    from starlette.datastructures import Headers

    from recruitwatch.web.uploads import _Parser

    consumed = []

    async def stream():
        for chunk in chunks:
            consumed.append(chunk)
            yield chunk

    parser = _Parser(Headers({"content-type": "multipart/form-data; boundary=B"}), stream(), limits)
    return parser, consumed, await parser.parse()


def test_an_oversized_file_is_refused_while_it_arrives_and_kept_in_memory_below_the_limit():
    import asyncio

    from recruitwatch.web.uploads import FormLimits, TooLarge

    head = b'--B\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    chunks = [head] + [b"0" * 1024] * 100 + [b"\r\n--B--\r\n"]
    with pytest.raises(TooLarge):
        asyncio.run(_parse(chunks, FormLimits(max_files=3, max_file_bytes=10 * 1024)))
    small = [head, PDF, b"\r\n--B--\r\n"]
    parser, consumed, form = asyncio.run(_parse(small, FormLimits(max_files=3, max_file_bytes=10 * 1024)))
    upload = form.getlist("files")[0]
    assert len(consumed) == 3 and not upload.file._rolled  # never written to a temporary file on disk
    assert parser.spool_max_size > 10 * 1024


def test_reading_stops_at_the_limit_not_after_the_whole_body():
    import asyncio

    from recruitwatch.web.uploads import FormLimits, TooLarge

    head = b'--B\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n'
    chunks = [head] + [b"0" * 1024] * 1000

    consumed = []

    async def run():
        from starlette.datastructures import Headers

        from recruitwatch.web.uploads import _Parser

        async def stream():
            for chunk in chunks:
                consumed.append(chunk)
                yield chunk

        await _Parser(Headers({"content-type": "multipart/form-data; boundary=B"}), stream(),
                      FormLimits(max_files=3, max_file_bytes=8 * 1024)).parse()

    with pytest.raises(TooLarge):
        asyncio.run(run())
    assert len(consumed) < 20  # about 8 KB read of 1 MB sent


# -- throttles


def test_the_status_check_with_a_wrong_secret_fails_and_is_then_throttled(app):
    client = _client(app)
    code, secret = _code_and_secret(_send(client, "en").text)
    token = csrf_of(client.get("/appeal/status?lang=en").text)
    for _ in range(5):
        wrong = client.post("/appeal/status?lang=en", data={"code": code, "secret": "aaaa-bbbb-cccc-dddd-eeee", "csrf_token": token})
        assert wrong.status_code == 400 and "The code or the secret key is wrong." in wrong.text
    throttled = client.post("/appeal/status?lang=en", data={"code": code, "secret": secret, "csrf_token": token})
    assert throttled.status_code == 429 and "Too many attempts" in throttled.text and throttled.headers["retry-after"]
    elsewhere = _client(app, "198.51.100.9")  # the code is locked, whoever asks
    token = csrf_of(elsewhere.get("/appeal/status").text)
    assert elsewhere.post("/appeal/status", data={"code": code, "secret": secret, "csrf_token": token}).status_code == 429


def test_many_checks_from_one_address_are_throttled_whatever_the_code(app):
    client = _client(app)
    token = csrf_of(client.get("/appeal/status?lang=en").text)
    answers = [client.post("/appeal/status?lang=en", data={"code": f"RW-2222-{n:04d}", "secret": "x", "csrf_token": token}).status_code
               for n in range(12)]
    assert answers[:10] == [400] * 10 and answers[10:] == [429, 429]


def test_a_flood_from_one_address_is_stopped_without_a_captcha_and_no_address_is_kept(app, db_url, caplog):
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Case

    caplog.set_level(logging.DEBUG)
    client = _client(app)
    token = csrf_of(client.get("/appeal?lang=en").text)
    answers = [client.post("/appeal?lang=en", data={"story": f"flood {n}", "csrf_token": token}).status_code for n in range(30)]
    assert answers[:5] == [200] * 5 and set(answers[5:]) == {429}
    refused = client.post("/appeal?lang=en", data={"story": "one more", "csrf_token": token})
    assert "Too many attempts" in refused.text and "captcha" not in refused.text.lower()
    with transaction(db_url) as session:
        assert session.query(Case).count() == 5
    assert ADDRESS not in caplog.text and "203.0.113" not in caplog.text
    assert ADDRESS.encode() not in _everything_stored(db_url)


def test_a_crowd_of_addresses_meets_the_ceiling_for_everybody(app):
    from recruitwatch.web.ratelimit import Rule
    from recruitwatch.web.ui.appeals import AppealLimits

    app.state.appeal_limits = AppealLimits(appeals_per_minute=Rule(4, 60))
    answers = [_send(_client(app, f"198.51.100.{n}"), "en").status_code for n in range(6)]
    assert answers == [200] * 4 + [429] * 2
    busy = _send(_client(app, "198.51.100.99"), "ru")
    assert busy.status_code == 429 and "Сейчас приходит очень много обращений" in busy.text


def test_the_limiter_keeps_only_keyed_hashes_and_forgets_after_its_window():
    from recruitwatch.web.ratelimit import RateLimiter, Rule

    now = [1000.0]
    limiter, other = RateLimiter(clock=lambda: now[0]), RateLimiter()
    key = limiter.pseudonym(ADDRESS)
    assert ADDRESS not in key and key != other.pseudonym(ADDRESS) and key == limiter.pseudonym(ADDRESS)
    rule = Rule(2, 60)
    assert limiter.check({key: rule}) is None and limiter.check({key: rule}) is None
    assert limiter.check({key: rule}) == pytest.approx(60)
    now[0] += 61
    assert limiter.check({key: rule}) is None
    assert all(ADDRESS not in k for k in limiter._hits)


# -- nothing personal in clear at rest


NEEDLES = {
    "name": "Zebadiah Quorn-Ostapenko",
    "contact": "zq.hidden.contact@example.org",
    "story": "Xylophone-bridge 4471 night raid",
    "story_cyrillic": "Ночью пришли в общежитие на Складочной",
    "file_name": "Vortigern-passport-scan.txt",
    "file_content": "Quillfeather file body 9182",
    "note": "Marmalade-note 3310 from the caseworker",
    "referral": "Consulate desk Peregrine 5521",
    "secret": None,  # filled in after sending
}


def _variants(text: str) -> list[bytes]:
    """The ways a string could sit in a database file: UTF-8, JSON-escaped, UTF-16, and hex (pg_dump's bytea)."""
    raw = text.encode("utf-8")
    return [raw, json.dumps(text)[1:-1].encode("ascii"), text.encode("utf-16-le"), raw.hex().encode("ascii")]


def _everything_stored(db_url: str) -> bytes:
    """SQLite: the database file and its WAL, as bytes. PostgreSQL: pg_dump's output and every row of every table as text."""
    from sqlalchemy import inspect, text

    from recruitwatch.settings import sqlite_path
    from recruitwatch.store.database import engine_for

    path = sqlite_path(db_url)
    if path is not None:
        engine_for(db_url).dispose()  # close connections; the WAL file stays readable too
        return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    engine = engine_for(db_url)
    parts = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            rows = connection.execute(text(f'SELECT row_to_json(t)::text FROM "{table}" t')).scalars()
            parts.extend(row.encode("utf-8") for row in rows)
    dump = shutil.which("pg_dump")
    if dump:
        plain_url = re.sub(r"^postgresql\+\w+://", "postgresql://", db_url)
        parts.append(subprocess.run([dump, "--data-only", plain_url], capture_output=True, check=True, timeout=120).stdout)
    return b"\n".join(parts)


def test_reading_the_raw_database_finds_no_personal_data_in_clear(app, db_url):
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    client = _client(app)
    done = _send(
        client, "en", story=f"{NEEDLES['story']}. {NEEDLES['story_cyrillic']}", name=NEEDLES["name"], contact=NEEDLES["contact"],
        nationality="UZ", citizen="no", situation="summons", consent="yes",
        files=[("files", (NEEDLES["file_name"], NEEDLES["file_content"].encode(), "text/plain"))],
    )
    assert done.status_code == 200, done.text
    code, secret = _code_and_secret(done.text)
    with transaction(db_url) as session:
        case = cases.case_by_code(session, code)
        cases.add_note(session, case, NEEDLES["note"], actor="kamila")
        cases.refer(session, case, "consulate", NEEDLES["referral"], actor="kamila")
        assert cases.details(case)["name"] == NEEDLES["name"]  # it is there, sealed
    stored = _everything_stored(db_url)
    assert code.encode() in stored  # the search does see the database's contents
    for what, needle in {**NEEDLES, "secret": secret}.items():
        for variant in _variants(needle):
            assert variant not in stored, (what, variant[:40])
    for fragment in ("Zebadiah", "Xylophone", "Quillfeather", "Marmalade", "Peregrine", "Vortigern", "Складочной"):
        for variant in _variants(fragment):
            assert variant not in stored, fragment
    assert ADDRESS.encode() not in stored and b"testclient" not in stored


def test_only_the_appeal_throttle_reads_a_visitors_address():
    """(That `serve` writes no access log is checked by running it: test_demo_and_docs.)"""
    readers = [p.name for p in (ROOT / "src" / "recruitwatch").rglob("*.py") if re.search(r"request\.client\b", p.read_text(encoding="utf-8"))]
    assert readers == ["appeals.py"]  # the only reader of the address: it hashes it for the in-memory throttle


@pytest.mark.skipif(not os.environ.get("RECRUITWATCH_TEST_DATABASE_URL"), reason="PostgreSQL only")
def test_on_postgresql_the_dump_is_searched_too(db_url):
    assert shutil.which("pg_dump"), "install the PostgreSQL client (pg_dump) to search the dump"
