"""org_screen.py may only say "no organisation" where the full finder finds none: a
screened-out text keeps every organisation full analysis would report."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruitwatch.extract.analysis import analyse_window
from recruitwatch.extract.data_files import extract_data
from recruitwatch.extract.org_screen import may_name_organisation
from recruitwatch.text.keys import _morph
from recruitwatch.text.langid import detect_language
from recruitwatch.text.reader import read_input

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [ROOT / "tests" / "corpus", ROOT / "tests" / "heldout", ROOT / "tests" / "short",
           ROOT.parent / "shared" / "corpus" / "real"]


def _found(text: str, lang: str) -> set[str]:
    return {m.concept for m in analyse_window(text, lang, 0, len(text)).all_hits("organisations")}


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.name)
def test_no_text_of_a_corpus_names_an_organisation_the_shortcut_misses(folder):
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the shared real corpus is only on the team's machines")
    checked = 0
    for path in sorted(folder.glob("*.txt")):
        text = read_input(str(path)).text
        lang = detect_language(text)
        if _found(text, lang):
            checked += 1
            assert may_name_organisation(text, lang), path.name
    assert checked


def _ru_inflected(form: str, case: str) -> str:
    words = []
    for word in form.split():
        parse = _morph().parse(word)[0]
        changed = parse.inflect({case})
        new = changed.word if changed else word
        words.append(new.capitalize() if word[:1].isupper() else new)
    return " ".join(words)


_SUFFIXED = {"en": "'s", "uz": "ning", "tg": "ро", "ky": "дын", "kk": "дың"}


def _variants(form: str, lang: str) -> list[str]:
    if lang == "ru":
        return [form] + [_ru_inflected(form, case) for case in ("gent", "datv", "ablt", "loct")]
    variants = [form, form + _SUFFIXED[lang]]
    if lang == "uz":
        import alifbo

        variants += [alifbo.to_cyrillic(v.replace("'", "‘")).text for v in variants]
    return variants


@pytest.mark.parametrize("lang", ["en", "ru", "uz", "tg", "ky", "kk"])
def test_every_organisation_form_inflected_is_noticed(lang):
    entries = extract_data("organisations.yaml")["organisations"]
    form_lang = "ru" if lang == "ru" else lang
    checked = 0
    for entry in entries:
        for form in (entry.get("forms") or {}).get(form_lang) or ():
            for variant in _variants(form.rstrip("*"), lang):
                text = f"On Monday, {variant} said so." if lang == "en" else f"— {variant} — 2025."
                if _found(text, lang):
                    checked += 1
                    assert may_name_organisation(text, lang), (lang, variant)
    assert checked > 5


def test_ordinary_news_names_no_organisation_cheaply():
    text = "The central bank kept its key rate on Friday. Heavy rain is expected in the region on Wednesday."
    assert not may_name_organisation(text, "en")
    assert not may_name_organisation("Центробанк сохранил ключевую ставку. В пятницу ожидается дождь.", "ru")


def test_a_part_of_a_longer_word_is_no_hint():
    assert may_name_organisation("Wagner fighters were seen.", "en")
    assert not may_name_organisation("The Swagnerian style was seen.", "en")
