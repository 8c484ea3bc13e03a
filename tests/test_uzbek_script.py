"""The help pages' Uzbek Cyrillic is transliterated from the Uzbek Latin texts: "ts" is "ц" only in
Russian loanwords, and borrowed month names keep their soft sign."""

from __future__ import annotations

import re

import pytest

from recruitwatch.legal import guidance
from recruitwatch.legal.uzbek_script import latin_to_cyrillic


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("ruxsatsiz", "рухсатсиз"),
        ("Ruxsatsiz chiqish", "Рухсатсиз чиқиш"),
        ("politsiya", "полиция"),
        ("Rossiya Federatsiyasi", "Россия Федерацияси"),
        ("ratsion", "рацион"),
        ("tsement", "цемент"),
        ("protsessual", "процессуал"),
        ("printsip", "принцип"),
        ("litsenziyasiz", "лицензиясиз"),
        ("2025-yil 5-fevraldan", "2025-йил 5-февральдан"),
        ("sentabr", "сентябрь"),
        ("oktabrda", "октябрьда"),
        ("iyun va iyul", "июнь ва июль"),
        ("RecruitWatchga yozing", "RecruitWatchга ёзинг"),
    ],
)
def test_loanwords_suffixes_and_months(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


def _uzbek_texts():
    data = guidance.load_guidance()
    for statement in data.statements:
        yield statement.id, statement.texts["uz"].text, statement.texts["uz-Cyrl"].text
    for key, texts in data.ui.items():
        yield key, texts["uz"].text, texts["uz-Cyrl"].text


LOAN = re.compile(r"ts(iy|io|ent|ert|ikl|ess|ip|enz)", re.IGNORECASE)


def test_every_word_of_the_texts_writes_ts_as_the_orthography_does():
    """Each Latin word with 'ts' outside a loanword shape gives 'тс' in Cyrillic, never 'ц'."""
    for label, latin, cyrillic in _uzbek_texts():
        assert "\u200c" not in cyrillic, label
        for word in re.findall(r"[\wʻʼ'-]+", latin):
            if "ts" in word.lower()[1:] and not LOAN.search(word):
                assert "ц" not in latin_to_cyrillic(word).lower(), (label, word)
                assert latin_to_cyrillic(word).lower().count("тс") >= 1, (label, word)
        months = re.findall(r"\b(январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)(?!ь)", cyrillic, re.IGNORECASE)
        assert months == [], (label, months)
