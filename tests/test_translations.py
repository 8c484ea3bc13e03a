"""Russian and Uzbek interface: every string and label is translated, codes survive, and pages come out translated.

The strings are extracted afresh from the templates and the web package (the
same extraction as scripts/update_translations.py), so a new `_("...")` or
`N_("...")` without translations fails here rather than showing English to a
monitor who reads Russian or Uzbek.
"""

from __future__ import annotations

import importlib.util
import re

import pytest
import yaml
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from .conftest import ROOT

LANGS = ("ru", "uz")
LABELS = ROOT / "src" / "recruitwatch" / "web" / "data" / "labels.yaml"
# %s, %(name)s, {name}: what str formatting would fill in.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]?\d*(?:\.\d+)?[a-zA-Z%]|\{[^{}]*\}")
# Codes a reader types or matches: 'quoted: headers', /paths, UPPERCASE codes (UZ, RU-MOW, TOKEN), the brand.
CODE = re.compile(r"'[^']*:[^']*'|/[\w/.-]*\w|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b|\b[A-Z]{2,}\b|RecruitWatch")
DATE_HINTS = {"YYYY", "YYYY-MM", "YYYY-MM-DD"}  # a format hint, written the language's way (ru: ГГГГ-ММ-ДД)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Uzbek Latin writes oʻ and gʻ with U+02BB; a typewriter or curly apostrophe there is a misspelling.
UZ_WRONG_APOSTROPHE = re.compile(r"[oOgG]['‘’`ʼ]")
UZ_TURNED_COMMA = re.compile(r"(?<![oOgG])ʻ")


def _load_script():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _load_script()


@pytest.fixture(scope="module")
def template():
    return SCRIPT.extract()


@pytest.fixture(scope="module")
def catalogs():
    found = {}
    for lang in LANGS:
        with SCRIPT.po_path(lang).open("rb") as handle:
            found[lang] = read_po(handle, locale=lang)
    return found


def _msgids(catalog) -> list:
    return [message.id for message in catalog if message.id]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _translations(catalog) -> list[tuple[str, str]]:
    """(msgid, translation) pairs, plural forms flattened."""
    pairs = []
    for message in catalog:
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            pairs.extend((ids[min(i, len(ids) - 1)], s) for i, s in enumerate(_strings(message)))
    return pairs


def _label_entries() -> list[tuple[str, str, dict]]:
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    return [(kind, code, entry) for kind, entries in data.items() if kind != "source" for code, entry in entries.items()]


# -- extraction and catalogues


def test_the_script_covers_every_interface_language():
    assert SCRIPT.languages() == list(LANGS)


def test_extraction_finds_strings_from_every_place_they_are_written(template):
    from recruitwatch.legal.provisions import CONFIDENCES
    from recruitwatch.store.review import RELIABILITY_GRADES
    from recruitwatch.web.i18n import DATE_PRECISIONS, HISTORY_ACTIONS, PLACE_PRECISIONS

    ids = set(_msgids(template))
    expected = {
        "Sign in",  # _() in a template
        "Newest first", "Least recently changed",  # sort names: a dict inside _() in incidents.html
        "Wrong username or password.", "The two new passwords differ.",  # N_() in web/ui/accounts.py
        "Form expired", "There is no such incident.",  # N_() in web/app.py and web/ui/incidents.py
        "Incidents by",  # _() in web/ui/dashboard.py
    }
    expected |= set(RELIABILITY_GRADES.values()) | set(CONFIDENCES)
    expected |= set(DATE_PRECISIONS) | set(PLACE_PRECISIONS) | set(HISTORY_ACTIONS)
    assert expected <= ids, sorted(expected - ids)
    assert "" not in ids and None not in ids


def test_every_history_action_the_store_writes_is_marked():
    """The incident page shows history actions with _(action); they are written outside the web package."""
    from recruitwatch.web.i18n import HISTORY_ACTIONS

    written = set()
    for path in (ROOT / "src" / "recruitwatch").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'\baction="(\w+)"', source))
        written |= set(re.findall(r'_set_state\(\s*session,\s*\w+,\s*"\w+",\s*"(\w+)"', source))
    assert written and written <= set(HISTORY_ACTIONS), sorted(written - set(HISTORY_ACTIONS))


@pytest.mark.parametrize("lang", LANGS)
def test_every_extracted_string_is_translated(template, catalogs, lang):
    catalog = catalogs[lang]
    untranslated = []
    for msgid in _msgids(template):
        message = catalog.get(msgid)
        if message is None or message.fuzzy or not all(s and s.strip() for s in _strings(message)):
            untranslated.append(msgid)
    assert not untranslated, f"{lang}: run scripts/update_translations.py and translate: {untranslated}"


def test_the_po_files_are_up_to_date(template, catalogs):
    """What the script would write is what is committed: no msgid missing, none stale, same bytes."""
    ids = set(_msgids(template))
    for lang, catalog in catalogs.items():
        present = set(_msgids(catalog))
        assert not ids - present, f"{lang}: missing {sorted(ids - present)}; run scripts/update_translations.py"
        assert not present - ids, f"{lang}: no longer used {sorted(present - ids)}; run scripts/update_translations.py"
    stale = [str(path.relative_to(ROOT)) for path, content in SCRIPT.outputs().items() if not path.exists() or path.read_bytes() != content]
    assert not stale, f"out of date: {stale}; run scripts/update_translations.py"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_and_codes_survive_translation(catalogs, lang):
    problems = []
    for msgid, text in _translations(catalogs[lang]):
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text)):
            problems.append((msgid, text, "placeholders differ"))
        for code in set(CODE.findall(msgid)) - DATE_HINTS:
            if code not in text:
                problems.append((msgid, text, f"{code!r} is missing"))
    assert not problems, problems


def test_russian_is_in_cyrillic(catalogs):
    latin_only = [(msgid, text) for msgid, text in _translations(catalogs["ru"]) if not CYRILLIC.search(text)]
    assert not latin_only, latin_only


def test_uzbek_is_latin_and_spelt_with_the_turned_comma(catalogs):
    problems = [
        (msgid, text)
        for msgid, text in _translations(catalogs["uz"])
        if text == msgid or CYRILLIC.search(text) or UZ_WRONG_APOSTROPHE.search(text) or UZ_TURNED_COMMA.search(text)
    ]
    assert not problems, problems


def test_the_translated_catalogues_load(catalogs):
    from recruitwatch.web.i18n import translations

    for lang in LANGS:
        translations.cache_clear()
        assert translations(lang).gettext("Sign in") == catalogs[lang].get("Sign in").string


# -- vocabulary labels


def test_every_label_has_english_russian_and_uzbek():
    problems = []
    for kind, code, entry in _label_entries():
        for lang in ("en", *LANGS):
            if not isinstance(entry.get(lang), str) or not entry[lang].strip():
                problems.append(f"{kind}.{code}: no {lang}")
        if not CYRILLIC.search(entry.get("ru") or ""):
            problems.append(f"{kind}.{code}: ru is not in Cyrillic")
        uz = entry.get("uz") or ""
        if CYRILLIC.search(uz) or UZ_WRONG_APOSTROPHE.search(uz) or UZ_TURNED_COMMA.search(uz):
            problems.append(f"{kind}.{code}: uz {uz!r} is not Latin Uzbek with oʻ/gʻ")
    assert not problems, problems


def test_every_vocabulary_value_has_a_label():
    from recruitwatch.vocab import INCIDENT_FIELDS, METHODS, OUTCOMES, PERPETRATORS, VICTIM_STATUSES

    labelled = {(kind, code) for kind, code, _entry in _label_entries()}
    wanted = {("fields", f) for f in INCIDENT_FIELDS} | {("victim_status", v) for v in VICTIM_STATUSES}
    wanted |= {("perpetrators", v) for v in PERPETRATORS} | {("methods", v) for v in METHODS} | {("outcomes", v) for v in OUTCOMES}
    wanted |= {("review_state", s) for s in ("machine", "verified", "rejected")}
    assert wanted <= labelled, sorted(wanted - labelled)


def test_labels_come_out_in_the_viewers_language():
    from recruitwatch.web.i18n import label

    assert label("methods", "summons", "ru") == "Повестка"
    assert label("methods", "summons", "uz") == "Chaqiruv qogʻozi"
    assert label("review_state", "verified", "uz") == "Tasdiqlangan"
    assert label("methods", "no_such_code", "uz") == "no_such_code"


# -- pages


@pytest.fixture
def client(db_url):
    from recruitwatch.web.app import create_app

    with TestClient(create_app(db_url)) as test_client:
        yield test_client


def test_lang_ru_shows_russian_and_is_remembered(client):
    page = client.get("/login?lang=ru")
    assert page.status_code == 200
    assert '<html lang="ru">' in page.text and "Войти" in page.text and "Имя пользователя" in page.text
    assert "Sign in" not in page.text
    assert "rw_lang=ru" in page.headers["set-cookie"]
    again = client.get("/login")  # the cookie, without ?lang=
    assert "Войти" in again.text


def test_lang_uz_shows_uzbek(client):
    page = client.get("/login?lang=uz")
    assert page.status_code == 200
    assert '<html lang="uz">' in page.text and "Kirish" in page.text and "Foydalanuvchi nomi" in page.text
    assert "Sign in" not in page.text
    assert "rw_lang=uz" in page.headers["set-cookie"]


@pytest.mark.parametrize(("header", "lang", "word"), [("ru", "ru", "Войти"), ("uz-UZ,ru;q=0.8", "uz", "Kirish"), ("fr, en;q=0.5", "en", "Sign in")])
def test_the_browsers_language_is_used_without_lang(client, header, lang, word):
    page = client.get("/login", headers={"Accept-Language": header})
    assert f'<html lang="{lang}">' in page.text and word in page.text
    assert "rw_lang" not in page.headers.get("set-cookie", "")


def test_strings_passed_from_python_are_translated(client, db_url):
    from .web_helpers import make_user, sign_in

    missing = client.get("/incidents/999999?lang=ru")
    assert missing.status_code == 404 and "Не найдено" in missing.text and "Такого инцидента нет." in missing.text
    make_user(db_url, "ana", "analyst")
    refused = sign_in(client, "ana", "wrong password!")  # the rw_lang cookie says ru
    assert refused.status_code == 401 and "Неверное имя пользователя или пароль." in refused.text


def test_the_dashboard_in_uzbek(client):
    page = client.get("/dashboard?lang=uz")
    assert page.status_code == 200
    assert "Hududlar boʻyicha hodisalar" in page.text and "Hodisalar taqsimoti: fuqarolik" in page.text
