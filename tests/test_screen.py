"""The fast screen keeps every relevant text and drops ordinary news."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from recruitwatch.extract import screen as screen_module
from recruitwatch.extract.screen import screen

from .conftest import CORPUS, ROOT

REAL = ROOT.parent / "shared" / "corpus" / "real"  # the real reports, beside a checkout

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from newsgen import articles  # noqa: E402


def test_screen_keeps_every_relevant_text_of_the_corpus():
    for path in CORPUS.glob("*.txt"):
        gold = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        if gold["relevant"]:
            assert screen(path.read_text(encoding="utf-8")).passed, path.name


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real (the real-report corpus) is not beside this checkout")
def test_screen_keeps_every_relevant_real_report():
    for path in REAL.glob("*.txt"):
        gold = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        if gold["relevant"]:
            assert screen(path.read_text(encoding="utf-8")).passed, path.name


@pytest.mark.parametrize(
    "text",
    [
        # Kazakh: a young man from Kazakhstan who went to the war with a private army.
        "Сыртқы істер министрлігі Вагнер сапында соғысқа аттанған қазақстандық жігіт туралы мәлімдеме жасады.",
        # English: recruits from a country the screen did not list before, no "migrant" word.
        "Dozens of Kenyans were promised jobs in Russia and ended up on the front line after signing contracts.",
    ],
)
def test_screen_keeps_recruitment_news_in_kazakh_and_of_newer_source_countries(text):
    assert screen(text).passed


def test_screen_drops_ordinary_news_in_three_languages():
    assert not any(screen(text).passed for text in articles(60))


def test_huge_texts_are_screened_window_by_window_with_the_same_counts(monkeypatch):
    text = ("Moskvadagi oʻzbek migrantlar armiyaga joʻnatildi. " * 40) + "Прочее. " * 30
    whole = screen(text).hits
    monkeypatch.setattr(screen_module, "WINDOW", 97)
    monkeypatch.setattr(screen_module, "OVERLAP", 40)
    assert screen(text).hits == whole
