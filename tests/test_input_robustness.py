"""Any bytes in, never a traceback: encodings, HTML, empty, huge and binary inputs."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from recruitwatch.text.decode import decode_bytes
from recruitwatch.text.reader import text_from_bytes

from .conftest import SEED_YUSUF, records, run_cli

RUSSIAN = "Гражданина Узбекистана задержали в Москве и заставили подписать контракт с Минобороны."


def test_cp1251_and_koi8r_are_detected_and_decoded():
    for encoding in ("cp1251", "koi8_r"):
        text, used = decode_bytes(RUSSIAN.encode(encoding) * 3)
        assert text.startswith(RUSSIAN), encoding
        assert used.replace("-", "_").lower().startswith(encoding[:4])


def test_invalid_utf8_keeps_the_readable_text():
    data = b"Yusuf was detained in Moscow" + b"\xff\xfe\xfa" + b" and beaten."
    text, _ = decode_bytes(data)
    assert "Yusuf was detained in Moscow" in text and "beaten" in text


def test_html_is_turned_into_article_text():
    html = (
        "<html><head><title>Uzbek migrant forced to sign</title></head><body><nav>Menu Home</nav>"
        "<article><p>A citizen of Uzbekistan was detained by police in Moscow and forced to sign "
        "a contract with the Ministry of Defence.</p><p>He was sent to the front.</p></article>"
        "<footer>© 2025</footer></body></html>"
    )
    item = text_from_bytes(html.encode(), "page.html")
    assert "citizen of Uzbekistan" in item.text
    assert "<p>" not in item.text


def test_extract_reads_stdin_and_files_in_order(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Weather: sunny in Tashkent tomorrow.", encoding="utf-8")
    result = run_cli("extract", str(SEED_YUSUF), str(other), "--published", "2025-04-09")
    assert result.returncode == 0, result.stderr
    out = records(result)
    assert [r["source"] for r in out] == [str(SEED_YUSUF), str(other)]
    assert out[0]["relevant"] and not out[1]["relevant"]
    piped = run_cli("extract", "-", stdin=SEED_YUSUF.read_bytes())
    assert records(piped)[0]["source"] == "-" and records(piped)[0]["relevant"]


def test_unreadable_inputs_give_one_line_errors_and_exit_3(tmp_path):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(4096))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli("extract", str(binary), str(tmp_path / "missing.txt"), str(empty), str(SEED_YUSUF))
    assert result.returncode == 3
    out = records(result)
    assert len(out) == 4
    assert "binary" in out[0]["error"] and "no such file" in out[1]["error"]
    assert "error" not in out[2] and out[2]["relevant"] is False
    assert out[3]["relevant"]
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 2


def test_a_50_mb_file_is_processed_and_a_larger_one_refused(tmp_path):
    big = tmp_path / "big.txt"
    line = "Markets were calm on Tuesday as traders awaited the central bank decision.\n"
    with big.open("w", encoding="utf-8") as fh:
        fh.write(line * (50 * 1024 * 1024 // len(line)))
    result = run_cli("extract", str(big), timeout=300)
    assert result.returncode == 0, result.stderr
    assert records(result)[0]["relevant"] is False
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(70 * 1024 * 1024)
    result = run_cli("extract", str(huge))
    assert result.returncode == 3
    assert "limit" in records(result)[0]["error"]


def test_table_format_prints_a_readable_table():
    result = run_cli("extract", str(SEED_YUSUF), "--format", "table", "--published", "2025-04-09")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "RU-MOW" in out and "Yusuf" in out


def test_bad_published_date_is_a_usage_error():
    result = run_cli("extract", str(SEED_YUSUF), "--published", "09/04/2025")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr.decode()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_raise_a_clear_error(data):
    from recruitwatch.errors import InputError

    try:
        item = text_from_bytes(data, "fuzz")
    except InputError as exc:
        assert str(exc).startswith("fuzz:")
    else:
        assert isinstance(item.text, str)


def test_a_huge_relevant_text_is_analysed_in_pieces(yusuf_text):
    import datetime as dt

    from recruitwatch.extract.pipeline import CHUNK_CHARS, extract_text

    huge = (yusuf_text + "\n") * (CHUNK_CHARS // len(yusuf_text) + 2)
    record = extract_text(huge, published=dt.date(2025, 4, 9))
    assert record["relevant"] and len(record["incidents"]) > 1
    for incident in record["incidents"]:
        for e in incident["evidence"]:
            assert huge[e["start"] : e["end"]] == e["quote"]
