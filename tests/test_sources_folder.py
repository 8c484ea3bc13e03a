"""Local folders: every .txt/.html/.htm file, recursively, in a stable order."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruitwatch.sources import SourceError
from recruitwatch.sources.folder import read_folder


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "saved"
    (root / "b-sub" / "deep").mkdir(parents=True)
    (root / "a-sub").mkdir()
    (root / "z.txt").write_text("Последний файл", encoding="utf-8")
    (root / "A.HTML").write_bytes(b"<html><body>upper case extension</body></html>")
    (root / "notes.md").write_text("not a source")
    (root / "image.png").write_bytes(b"\x89PNG")
    (root / "a-sub" / "page.htm").write_bytes(b"<html>htm</html>")
    (root / "b-sub" / "deep" / "report.txt").write_bytes(b"deep report")
    (root / "b-sub" / "gone.txt").symlink_to(root / "does-not-exist.txt")  # unreadable
    return root


def test_reads_text_and_html_files_sorted_and_recursively(tree: Path) -> None:
    items = list(read_folder(str(tree)))
    assert [item.meta["relative_path"] for item in items] == [
        "A.HTML",
        "z.txt",
        "a-sub/page.htm",
        "b-sub/gone.txt",
        "b-sub/deep/report.txt",
    ]
    upper, last, htm, gone, deep = items
    assert upper.media_type == "text/html" and htm.media_type == "text/html"
    assert last.media_type == "text/plain" and last.raw == "Последний файл".encode()
    assert deep.locator == str(tree.resolve() / "b-sub" / "deep" / "report.txt")
    assert {item.source_kind for item in items} == {"folder"} and all(
        item.text is None for item in items
    )
    assert "cannot read file" in gone.meta["error"] and gone.raw == b""


def test_same_folder_same_order(tree: Path) -> None:
    assert [i.locator for i in read_folder(str(tree))] == [
        i.locator for i in read_folder(str(tree))
    ]


def test_size_cap(tree: Path) -> None:
    (tree / "huge.txt").write_bytes(b"x" * 2000)
    huge = next(
        item for item in read_folder(str(tree), max_bytes=1000) if item.locator.endswith("huge.txt")
    )
    assert "larger than the 1,000-byte limit" in huge.meta["error"] and huge.raw == b""


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a folder"):
        list(read_folder(str(tmp_path / "absent")))
