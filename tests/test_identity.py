"""Identity details for linking: name parts, age, home locality, court and sentence, each with evidence."""

from __future__ import annotations

import pytest

from recruitwatch.extract.analysis import analyse
from recruitwatch.extract.identity import _home_after, age_spans, name_parts, prosecution
from recruitwatch.extract.names import name_spans
from recruitwatch.extract.pipeline import extract_text


@pytest.mark.parametrize(
    ("text", "lang", "age"),
    [
        ("A 22-year-old courier from Samarkand was detained.", "en", 22),
        ("Police said the man, aged 41, was taken to the enlistment office.", "en", 41),
        ("Задержали 38-летнего уроженца Таджикистана.", "ru", 38),
        ("34 yoshli muhojir politsiya tomonidan ushlandi.", "uz", 34),
        ("26 жаштагы жаран согушка жөнөтүлгөн.", "ky", 26),
        ("Ҷавони 22-сола дар Русия боздошт шуд.", "tg", 22),
    ],
)
def test_ages_are_read_in_every_language(text, lang, age):
    found = age_spans(analyse(text, lang))
    assert [a.value for a in found] == [age]
    assert text[found[0].start : found[0].end] == str(age)


def test_terms_and_dates_are_not_ages():
    doc = analyse("He was sentenced to 12 years; in 2023 some 300 men signed.", "en")
    assert age_spans(doc) == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Aziz Rustamovich Karimov signed.", "en", {"given_name": "Aziz", "patronymic": "Rustamovich", "surname": "Karimov"}),
        ("Каримов Азиз Рустамович подписал контракт.", "ru", {"given_name": "Азиз", "patronymic": "Рустамович", "surname": "Каримов"}),
        ("The defendant, Bakyt Zh., was detained.", "en", {"given_name": "Bakyt", "initials": "Zh."}),
        ("Hari Prasad Aryal died at the front.", "en", {"given_name": "Hari Prasad", "surname": "Aryal"}),
    ],
)
def test_name_parts_are_split_with_their_offsets(text, lang, expected):
    span = max(name_spans(analyse(text, lang)), key=lambda s: len(s.parts))
    parts = name_parts(span)
    assert {k: v.value for k, v in parts.items()} == expected
    for found in parts.values():
        assert text[found.start : found.end] == found.value


def test_a_court_and_a_term_are_read_from_a_sentencing():
    text = "The Tashkent city court sentenced him to 6 years 8 months in prison for mercenarism."
    found = prosecution(analyse(text, "en"), {0})
    assert found["court"].value == "Tashkent city court"
    assert found["sentence"].value == "6 years 8 months"


def test_no_court_without_a_sentence_being_passed():
    text = "He said the court in Samarkand was closed that day and he had lived there 6 years."
    assert prosecution(analyse(text, "en"), {0}) == {}


def test_uzbek_court_and_term():
    text = "Toshkent shahar sudi uni 5 yilga ozodlikdan mahrum qildi."
    found = prosecution(analyse(text, "uz"), {0})
    assert found["court"].value == "Toshkent shahar sudi"
    assert found["sentence"].value == "5 yilga"


def _incident_with(record: dict, name: str) -> dict:
    return next(i for i in record["incidents"] if name in i["victim_names"])


def test_extract_gives_victim_details_with_evidence_for_every_value():
    text = (
        "Police in Moscow detained Davron Yusupov, 29, from Namangan, an Uzbek migrant worker, in a raid on a "
        "market and forced him to sign a contract with the Russian army. "
        "His mother Mavluda said he was sent to the front a week later."
    )
    record = extract_text(text)
    incident = _incident_with(record, "Davron Yusupov")
    assert incident["victim_names"] == ["Davron Yusupov"]
    details = incident["victim_details"]
    assert details == [
        {"name": "Davron Yusupov", "given_name": "Davron", "surname": "Yusupov", "age": 29, "home_locality": "Namangan"}
    ]
    backed = {(e["field"], str(e["value"])) for e in incident["evidence"]}
    for key, value in details[0].items():
        assert (f"victim_details.{key}", str(value)) in backed
    for e in incident["evidence"]:
        assert e["quote"] == text[e["start"] : e["end"]]


def test_a_court_and_sentence_are_given_only_for_a_prosecution_at_home():
    text = (
        "The Andijan regional court sentenced Jasur Alimov, 33, to 6 years in prison for mercenarism. "
        "Alimov had been recruited by Wagner in a Russian colony and fought near Bakhmut before he came home."
    )
    incident = _incident_with(extract_text(text), "Jasur Alimov")
    assert "prosecuted_at_home" in incident["outcomes"]
    assert incident["victim_details"][0]["court"] == "Andijan regional court"
    assert incident["victim_details"][0]["sentence"] == "6 years"


def test_a_sentence_served_in_russia_is_no_prosecution_at_home():
    text = (
        "Rustam Tursunov, 35, an Uzbek serving 9 years in a colony in Bashkortostan, was recruited by Wagner "
        "in 2022; the court had sentenced him for theft. He was killed near Bakhmut."
    )
    incident = _incident_with(extract_text(text), "Rustam Tursunov")
    assert "prosecuted_at_home" not in incident["outcomes"]
    assert incident["victim_details"][0]["age"] == 35
    assert "court" not in incident["victim_details"][0] and "sentence" not in incident["victim_details"][0]


def test_identity_details_stay_out_of_stored_incident_fields_and_public_views():
    from recruitwatch.publish.redact import Policy, public_fields
    from recruitwatch.vocab import INCIDENT_FIELDS, contract_fields

    text = (
        "Police in Moscow detained Davron Yusupov, 29, from Namangan, an Uzbek migrant worker, in a raid on a "
        "market and forced him to sign a contract with the Russian army."
    )
    found = _incident_with(extract_text(text), "Davron Yusupov")
    assert found["victim_details"]
    stored = contract_fields(found)
    assert set(stored) == set(INCIDENT_FIELDS)  # the public search text is built from these
    public = public_fields({**stored, "victim_details": found["victim_details"]}, Policy())
    assert "victim_details" not in public and public["victim_names"] == []


@pytest.mark.parametrize(
    "text,nationality",
    [
        ("Ajith Menon, a native of Kerala, signed a contract with the Russian army in March.", "IN"),
        ("Raul Pérez, a construction worker from Villa Clara, was sent to the front in Ukraine.", "CU"),
        ("Peter Otieno, 29, a young man from Kakamega, was recruited by an agent and sent to Russia.", "KE"),
    ],
)
def test_a_home_state_or_province_tells_the_nationality(text, nationality):
    from recruitwatch.extract.victims import nationality_mentions

    assert {m.value for m in nationality_mentions(analyse(text, "en"))} == {nationality}


def test_a_division_name_that_is_a_word_or_a_name_tells_nothing():
    from recruitwatch.extract.victims import nationality_mentions

    text = "Mary, a migrant from the Delta, signed a contract with the Russian army in March."
    assert nationality_mentions(analyse(text, "en")) == []


def test_a_place_before_native_or_resident_is_the_victims_home():
    from recruitwatch.extract.identity import named_details

    text = ("Kottayam, Kerala native Vinod Pillai, 36, was sent to the front. "
            "A Kollam resident Rahul Menon said he had been promised a job.")
    doc = analyse(text, "en")
    spans = name_spans(doc)
    homes = {s.parts: named_details(doc, s.parts, [s], {s.sentence}).get("home_locality") for s in spans}
    assert homes[("Vinod", "Pillai")].value == "Kottayam, Kerala"
    assert homes[("Rahul", "Menon")].value == "Kollam"



@pytest.mark.parametrize("text, home", [
    ("Bolchev tells how recruiters from Wagner visited the colony.", None),
    ("Bolchev from Karakol district signed a contract.", "Karakol district"),
])
def test_an_organisation_after_from_is_nobodys_home(text, home):
    doc = analyse(text, "en")
    found = _home_after(doc, name_spans(doc)[0])
    assert (found.value if found else None) == home


@pytest.mark.parametrize("text, lang, home", [
    ("Farg'ona viloyatining Marg'ilon shahrida tug'ilgan 31 yoshli Bekzod Kursk viloyatida halok bo'ldi.", "uz",
     "Marg'ilon"),
    ("Ал эми Ош шаарында төрөлгөн 25 жаштагы Сардарбек Маматиллаев аскер комиссариатына чакырылган.", "ky", "Ош"),
])
def test_a_home_town_with_the_word_for_its_kind_before_born_is_the_victims_home(text, lang, home):
    doc = analyse(text, lang)
    found = _home_after(doc, name_spans(doc)[-1])
    assert (found.value if found else None) == home
