"""Every source kind is one registered reader with the same shape: a generator, source first."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from recruitwatch.sources import READERS, SourceError, reader_for

KINDS = ["feed", "folder", "jsonl", "page", "telegram", "warc"]


def test_every_kind_is_registered() -> None:
    for kind in KINDS:
        reader_for(kind)
    assert sorted(READERS) == KINDS
    with pytest.raises(SourceError, match="unknown source kind 'ftp'"):
        reader_for("ftp")


@pytest.mark.parametrize("kind", KINDS)
def test_reader_shape(kind: str) -> None:
    reader = reader_for(kind)
    assert inspect.isgeneratorfunction(reader), "readers stream: callers may stop and resume"
    first, *options = inspect.signature(reader).parameters.values()
    assert first.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(option.kind is inspect.Parameter.KEYWORD_ONLY for option in options)


def test_readers_are_lazy_and_silent(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    # Nothing is read before the first next(); nothing is printed while reading.
    missing = reader_for("jsonl")(str(tmp_path / "absent.jsonl"))
    (tmp_path / "note.txt").write_text("a saved note")
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "x"}) + "\n{bad\n")
    (tmp_path / "result.json").write_text(
        json.dumps({"name": "c", "messages": [{"id": 1, "type": "message", "text": "t"}]})
    )
    for kind, source in [
        ("jsonl", tmp_path / "a.jsonl"),
        ("folder", tmp_path),
        ("telegram", tmp_path),
    ]:
        assert list(reader_for(kind)(str(source)))
    with pytest.raises(SourceError):
        next(missing)
    assert capfd.readouterr() == ("", "")
