"""The fast screen keeps every relevant text and drops ordinary news."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from recruitwatch.extract import screen as screen_module
from recruitwatch.extract.screen import screen

from .conftest import CORPUS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from newsgen import articles  # noqa: E402


def test_screen_keeps_every_relevant_text_of_the_corpus():
    for path in CORPUS.glob("*.txt"):
        gold = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        if gold["relevant"]:
            assert screen(path.read_text(encoding="utf-8")).passed, path.name


def test_screen_drops_ordinary_news_in_three_languages():
    assert not any(screen(text).passed for text in articles(60))


def test_huge_texts_are_screened_window_by_window_with_the_same_counts(monkeypatch):
    text = ("Moskvadagi oʻzbek migrantlar armiyaga joʻnatildi. " * 40) + "Прочее. " * 30
    whole = screen(text).hits
    monkeypatch.setattr(screen_module, "WINDOW", 97)
    monkeypatch.setattr(screen_module, "OVERLAP", 40)
    assert screen(text).hits == whole
