"""Legal references in all the ways texts cite them."""

from __future__ import annotations

import pytest

from recruitwatch.extract.pipeline import extract_text


@pytest.mark.parametrize(
    "text,codes",
    [
        ("According to Article 15 of the Federal Law “On the legal status of foreign citizens in the Russian Federation”, foreigners cannot be called up.", {"RU/115-FZ/15"}),
        ("Under Articles 154 and 154-1 of the Criminal Code of the Republic of Uzbekistan this is a crime.", {"UZ/CC/154", "UZ/CC/154-1"}),
        ("He was convicted under Article 154, Part 1 of the Uzbek Criminal Code.", {"UZ/CC/154.1"}),
        ("Ему грозит ст. 359 УК РФ за наёмничество.", {"RU/CC/359"}),
        ("Дело возбуждено по ч. 1 ст. 208 УК РФ.", {"RU/CC/208.1"}),
        ("U Jinoyat kodeksining 154-moddasi bilan ayblandi.", {"UZ/CC/154"}),
        ("Art. 15 of Federal Law No. 115-FZ bars conscription of foreigners.", {"RU/115-FZ/15"}),
        ("Ӯ тибқи моддаи 401-и Кодекси ҷиноятии Ҷумҳурии Тоҷикистон маҳкум шуд.", {"TJ/CC/401"}),
        ("Ал Кыргыз Республикасынын Кылмыш-жаза кодексинин 416-беренеси менен соттолду.", {"KG/CC/416"}),
    ],
)
def test_citations_become_contract_codes(text, codes):
    assert codes <= set(extract_text(text)["legal_refs"])


@pytest.mark.parametrize(
    "text,codes",
    [
        # each country's article, in one enumerating sentence
        ("В Узбекистане это наказывается по статье 154 Уголовного кодекса, в Таджикистане — по статье 401, в Кыргызстане — по статье 416.", {"UZ/CC/154", "TJ/CC/401", "KG/CC/416"}),
        # Uzbek names the country and the code before the article
        ("O‘zbekiston Jinoyat kodeksining 154-moddasi va 154-1-moddasi, Tojikiston JKning 401-moddasi hamda Qirg‘iziston JKning 416-moddasi.", {"UZ/CC/154", "UZ/CC/154-1", "TJ/CC/401", "KG/CC/416"}),
        # a bare Uzbek code is Uzbekistan's; a bare code elsewhere takes the place of the story
        ("U Jinoyat kodeksining 154-moddasi bilan sudlandi.", {"UZ/CC/154"}),
        ("He was stopped in St Petersburg. Then came the choice: a drug case under Art. 228 of the Criminal Code, or a contract.", {"RU/CC/228"}),
        # the same law cited again in the next sentence
        ("It relied on Article 78.1 of the Russian Criminal Code. The threat was a charge under Article 228.1.", {"RU/CC/78.1", "RU/CC/228.1"}),
    ],
)
def test_whose_code_a_bare_criminal_code_is(text, codes):
    assert set(extract_text(text)["legal_refs"]) == codes


def test_an_article_without_its_law_cites_nothing():
    assert extract_text("Article 15 says so, the lawyer added.")["legal_refs"] == []


@pytest.mark.parametrize("lang, text, code", [
    ("ru", "Суд Ташкентской области Узбекистана признал мужчину виновным по статье о наемничестве.", "UZ/CC/154"),
    ("ky", "Ош шаардык соту аны жалданмачылык беренеси боюнча күнөөлүү деп тапты.", "KG/CC/416"),
    ("uz", "Ularga Rossiya Federatsiyasida bo‘lish rejimini buzish moddasi bo‘yicha bayonnoma tuzildi.", "RU/CAO/18.8"),
    ("en", "A court in Kazakhstan jailed him under the article on mercenarism.", "KZ/CC/170"),
    # a court in a province of another country applies that country's code, whatever the language
    ("ky", "Наманган облусунун Чуст райондук соту аны жалданмачылык беренеси боюнча күнөөлүү деп тапты.", "UZ/CC/154"),
    ("ru", "Суд Согдийской области приговорил его по статье о наемничестве.", "TJ/CC/401"),
])
def test_an_article_named_by_its_subject_is_cited(lang, text, code):
    assert extract_text(text)["legal_refs"] == [code]


def test_an_offence_without_the_word_article_cites_nothing_and_a_numbered_article_wins():
    assert extract_text("He was charged with mercenarism in Uzbekistan.")["legal_refs"] == []
    text = "Суд в Оше осудил его по ч. 1 ст. 416 УК КР — это статья о наемничестве."
    assert extract_text(text)["legal_refs"] == ["KG/CC/416.1"]
