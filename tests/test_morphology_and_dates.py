"""Inflected and re-spelled forms meet their lexicon entry; dates resolve with the article date."""

from __future__ import annotations

import datetime as dt

import pytest

from recruitwatch.extract.analysis import analyse
from recruitwatch.extract.data_files import extract_data
from recruitwatch.extract.dates import find_dates


def regions(text: str, lang: str) -> set[str]:
    return {m.concept for m in analyse(text, lang).all_hits("regions")}


@pytest.mark.parametrize(
    "text,lang,code",
    [
        ("Его задержали в Москве.", "ru", "RU-MOW"),
        ("Он приехал из Башкортостана.", "ru", "RU-BA"),
        ("Рейд прошёл в Московской области.", "ru", "RU-MOS"),
        ("Мигрантов увезли в Красногорск.", "ru", "RU-MOS"),
        ("He was detained in Ufa last week.", "en", "RU-BA"),
        ("U Moskvada ishlagan.", "uz", "RU-MOW"),
        ("U Boshqirdistondagi koloniyada.", "uz", "RU-BA"),
        ("У Москвада ишлаган.", "uz", "RU-MOW"),
        ("Under the self-proclaimed Luhansk People's Republic.", "en", "UA-09"),
    ],
)
def test_place_names_are_found_in_every_case_form(text, lang, code):
    assert code in regions(text, lang)


@pytest.mark.parametrize("text", ["Oʻzbekiston fuqarosi", "O'zbekiston fuqarosi", "O‘zbekiston fuqarosi", "Oʼzbekiston fuqarosi", "Ўзбекистон фуқароси", "oʻzbekistonlik yigit"])
def test_uzbek_apostrophes_and_scripts_meet_one_country(text):
    doc = analyse(text, "uz")
    assert "UZ" in {m.concept for m in doc.all_hits("countries")}


@pytest.mark.parametrize(
    "text,published,value",
    [
        ("On October 12, he received a notice.", dt.date(2025, 4, 9), "2024-10-12"),
        ("On March 3, he was detained.", dt.date(2025, 4, 9), "2025-03-03"),
        ("On November 24, 2023, he signed a contract.", None, "2023-11-24"),
        ("Его задержали 14.02.2024 на складе.", None, "2024-02-14"),
        ("Это случилось 12 октября 2023 года.", None, "2023-10-12"),
        ("Весной 2024 года он уехал.", None, "2024"),
        ("2023-yil 24-noyabrda shartnoma imzoladi.", None, "2023-11-24"),
        ("U 12-oktyabrda chaqiruv qog'ozi oldi.", dt.date(2025, 4, 9), "2024-10-12"),
        ("2024-yil martida qamaldi.", None, "2024-03"),
        ("in March 2024 he was sent to the front", None, "2024-03"),
        # counted back from the article's date
        ("Last October, he received a summons.", dt.date(2024, 2, 10), "2023-10"),
        ("В прошлом месяце его вызвали в военкомат.", dt.date(2024, 5, 20), "2024-04"),
        ("Его задержали в октябре прошлого года.", dt.date(2024, 5, 20), "2023-10"),
        ("ўтган йил декабрь ойида ҳарбийлар келди", dt.date(2025, 1, 20), "2024-12"),
        ("o‘tgan yilning kuzida uni koloniyadan olib ketishdi", dt.date(2023, 3, 10), "2022"),
        ("He signed a contract in March at the recruitment point.", dt.date(2024, 6, 28), "2024-03"),
        ("2024 йил августида Самарада", None, "2024-08"),
    ],
)
def test_dates_in_three_languages(text, published, value):
    found = find_dates(text, published)
    assert found and found[0].value == value


def test_day_and_month_without_a_year_or_article_date_give_nothing():
    assert find_dates("On October 12 he received a notice.", None) == []
    assert find_dates("Last October he received a notice.", None) == []


def test_fast_uzbek_fold_agrees_with_alifbo_on_the_corpus():
    import re

    import alifbo

    from recruitwatch.text.keys import APOSTROPHE_TABLE, uz_fold
    from recruitwatch.text.tokens import WORD_RE

    from .conftest import CORPUS

    words = set()
    for path in CORPUS.glob("uz_*.txt"):
        words.update(w for w in WORD_RE.findall(path.read_text(encoding="utf-8")) if re.fullmatch(r"[A-Za-z'’‘ʻʼ`]+", w))
    differ = [w for w in words if uz_fold(w) != alifbo.fold_search_key(w.translate(APOSTROPHE_TABLE))]
    assert len(words) > 1000
    assert not differ


@pytest.mark.parametrize(
    "text,value",
    [
        ("Ал 2025-жылдын 14-августунда кармалган.", "2025-08-14"),  # Kyrgyz: possessive + locative
        ("2024-жылдын январында келишимге кол койгон.", "2024-01"),
        ("2025-yil 14-avgustda qo'lga olingan.", "2025-08-14"),
    ],
)
def test_turkic_month_forms_with_a_possessive_and_a_case(text, value):
    assert [d.value for d in find_dates(text, None, 0, len(text))] == [value]


def test_only_a_date_from_the_war_to_the_report_can_date_an_incident():
    import datetime as dt

    from recruitwatch.extract.dates import could_date_incident

    report = dt.date(2024, 6, 1)
    assert could_date_incident("2023-10-12", report) and could_date_incident("2022", report)
    assert could_date_incident("2022-02", report)  # the month the war began
    assert not could_date_incident("2022-02-24", report)  # its first day: "since the invasion began on..."
    assert could_date_incident("2022-02-25", report)
    assert not could_date_incident("2011", report)  # "working in Yakutia since 2011"
    assert not could_date_incident("2022-01", report)  # before the full-scale war
    assert not could_date_incident("2025", report) and not could_date_incident("2024-07", report)  # after the report
    assert could_date_incident("2024-06", report) and could_date_incident("2031", None)


def test_an_abbreviated_month_takes_no_case_ending():
    published = dt.date(2025, 1, 20)
    # Kyrgyz "бери" (since) begins like the Ukrainian abbreviation "бер" (March)
    assert [d.value for d in find_dates("2022-жылдан бери өлкөдө 338 иш козголгон", published)] == ["2022"]
    assert [d.value for d in find_dates("12 бер. 2024", published)] == ["2024-03-12"]
    # whole names still take them
    assert [d.value for d in find_dates("2024-yil mayida", published)] == ["2024-05"]
    assert [d.value for d in find_dates("12 мартида", published)] == ["2024-03-12"]


def test_every_listed_abbreviation_is_a_month_form():
    data = extract_data("months.yaml")
    forms = {str(f).lower() for month in data["months"].values() for fs in month.values() for f in fs or ()}
    assert {str(a).lower() for a in data["abbreviations"]} <= forms
