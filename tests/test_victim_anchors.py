"""Who a text tells of: one person or a counted group met in one event, not a tally, a speaker or
people in general. An incident needs such a victim (the incident gate's anchors)."""

from __future__ import annotations

import pytest

from recruitwatch.extract.analysis import analyse
from recruitwatch.extract.value_features import victim_anchors
from recruitwatch.extract.victims import name_mentions, nationality_mentions, person_mentions


def _anchored(text: str, lang: str) -> list[str]:
    doc = analyse(text, lang)
    anchors = victim_anchors(doc, name_mentions(doc), nationality_mentions(doc))
    return [doc.text[start : start + 30] for _, start in anchors]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # Turkic languages keep the noun singular after a numeral: still a group, and a tally.
        ("ky", "Долбоор контракт түзгөн 628 тажикстандык жарандын тизмесин жарыялаган."),
        ("ky", "Бастрыкин 20 миң мигрантты кармап, согушка жөнөткөнүн айткан."),
        ("uz", "Урушда марказий осиёлик юзга яқин муҳожир ҳаётдан кўз юмган."),
        ("en", "Officials said 20 thousand migrant workers were checked in the raids."),
    ],
)
def test_a_counted_crowd_is_not_one_victim(lang, text):
    assert _anchored(text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "A Kyrgyz lawyer says the practice is illegal."),
        ("uz", "Qirg'izistonlik huquqshunos bunday deydi."),
    ],
)
def test_a_nationality_that_describes_a_speaker_is_not_a_victims(lang, text):
    assert nationality_mentions(analyse(text, lang)) == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # The nationality qualifies a plural noun that follows it: people in general.
        ("uz", "Hisobotda oʻzbekistonlik yollanma askarlar roʻyxati eʼlon qilindi."),
        ("uz", "Ташкилот маълумотига кўра, ўзбек ёлланма аскарлар сони ўсмоқда."),
    ],
)
def test_a_nationality_before_a_plural_noun_is_not_one_victim(lang, text):
    assert _anchored(text, lang) == []


def test_the_local_population_is_people_in_general():
    assert _anchored("Ular mahalliy aholi qilishni xohlamaydigan ishlarda ishlaydi.", "uz") == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "One Uzbek migrant was detained in Kazan and sent to the front."),
        ("en", "A Tajik migrant was detained in a raid in Kazan."),
        ("ky", "34 жаштагы кыргызстандык мигрант кармалган."),
        ("uz", "Oʻzbekistonlik yigit Moskvada ushlangan."),
    ],
)
def test_one_person_is_still_a_victim(lang, text):
    assert _anchored(text, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Nepal lets its citizens serve only in the British and Indian armies."),
        ("ru", "Раньше задержанных иностранцев депортировали через Грузию."),
    ],
)
def test_an_army_of_two_nations_and_a_country_of_transit_name_no_victims_nationality(lang, text):
    assert nationality_mentions(analyse(text, lang)) == []


def test_a_name_that_begins_like_a_person_word_is_no_person_word():
    doc = analyse("Депутат Жээнбек Асанов маалымат берди. Анын жээни Орусияда кармалган.", "ky")
    words = [doc.text[p.start : p.end] for s in range(len(doc.sentences)) for p in person_mentions(doc, s)]
    assert "Жээнбек" not in words and "жээни" in words


def test_an_uzbek_abstract_noun_of_a_person_word_is_no_person():
    doc = analyse("Oʻzbekistonda ikki fuqarolik taqiqlangan. Bir fuqaro Moskvada ushlangan.", "uz")
    words = [doc.text[p.start : p.end] for s in range(len(doc.sentences)) for p in person_mentions(doc, s)]
    assert words == ["fuqaro"]


def test_a_person_word_used_as_a_capacity_is_not_a_particular_person():
    doc = analyse("Mehnat muhojiri sifatida kelgan yigitlarga ish vaʼda qilindi. Bir muhojir Moskvada ushlandi.", "uz")
    found = [(doc.text[p.start : p.end], p.specific) for s in range(len(doc.sentences)) for p in person_mentions(doc, s)]
    assert ("muhojiri", False) in found and ("muhojir", True) in found


@pytest.mark.parametrize("lang, text", [
    ("uz", "Oʻzbekiston Respublikasi Qurolli Kuchlari delegatsiyasi Moskvaga bordi."),
    ("en", "The Uzbek armed forces sent a delegation to Moscow."),
])
def test_a_countrys_armed_forces_are_no_victims_nationality(lang, text):
    assert nationality_mentions(analyse(text, lang)) == []


@pytest.mark.parametrize("lang, text", [
    ("ru", "Мигрант решил найти работу в Южной Корее, но уехал в Россию."),
    ("en", "The migrant wanted a job in South Korea but went to Russia instead."),
])
def test_a_country_after_a_preposition_of_place_is_where_not_whose(lang, text):
    assert "KR" not in {n.value for n in nationality_mentions(analyse(text, lang))}


@pytest.mark.parametrize(
    ("lang", "text", "codes"),
    [
        ("en", "Police detained three migrants from Uzbekistan, Tajikistan and Kyrgyzstan and forced them to sign.",
         {"UZ", "TJ", "KG"}),
        ("ru", "Полиция задержала граждан Узбекистана, Таджикистана и Киргизии.", {"UZ", "TJ", "KG"}),
    ],
)
def test_countries_listed_after_the_victims_country_are_their_nationalities_too(lang, text, codes):
    assert {m.value for m in nationality_mentions(analyse(text, lang))} == codes


def test_a_long_roll_call_of_countries_names_no_victims_nationality_by_listing():
    text = "The camp holds men from Cameroon, China, Egypt, Italy, Kenya and Nigeria."
    assert not {m.value for m in nationality_mentions(analyse(text, "en"))} & {"IT", "KE", "NG"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "At least 93 Central Asian citizens, including 34 Uzbek nationals, have died at the front."),
        ("uz", "Kamida 93 nafar fuqaro halok bo‘ldi. Hozircha aniqlangan 93 nafar fuqaro mahbus bo‘lgan."),
        ("ru", "Погибли не менее 93 граждан стран Центральной Азии, в том числе 34 гражданина Узбекистана."),
    ],
)
def test_a_part_of_a_tally_and_a_tally_said_again_are_no_group_met_in_one_event(lang, text):
    assert _anchored(text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text", "codes"),
    [
        ("uz", "Shundan soʻng O‘zbekiston Respublikasi Tashqi mehnat migratsiyasi agentligi muhojirlarni ogohlantirdi.",
         set()),
        ("ky", "Кыргыз Республикасынын Тышкы иштер министрлиги мигранттарга кайрылды.", set()),
        ("uz", "O‘zbekiston Respublikasi fuqarosi Aziz Karimov Moskvada ushlandi.", {"UZ"}),
    ],
)
def test_a_republics_full_name_opening_an_institutions_name_is_no_nationality(lang, text, codes):
    assert {m.value for m in nationality_mentions(analyse(text, lang))} == codes


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        # from a Central Asian province, in the region's own languages
        ("ky", "Баткен облусунун тургуну Орусияда согушка жөнөтүлгөн.", "KG"),
        ("ru", "Уроженец Согдийской области подписал контракт с Минобороны.", "TJ"),
        ("uz", "Сурхондарёлик йигит Россия армиясига юборилди.", "UZ"),
        ("uz", "Farg'ona viloyati fuqarosi Rossiya armiyasiga yuborildi.", "UZ"),
        # born in a country: his origin, not a place of events
        ("ru", "Спортсмен родился в Таджикистане, в Россию переехал ещё ребёнком.", "TJ"),
        ("en", "The man, who was born in Kyrgyzstan, moved to Moscow as a child.", "KG"),
        ("uz", "U bolaligida Rossiyaga ko'chib ketgan, ammo Tojikistonda tug'ilgan.", "TJ"),
        ("ky", "Ал Орусияга бала кезинде көчүп барган, бирок Өзбекстанда туулган.", "UZ"),
    ],
)
def test_where_a_person_comes_from_gives_his_nationality(lang, text, code):
    assert code in {m.value for m in nationality_mentions(analyse(text, lang))}


def test_a_kyrgyz_word_that_is_also_a_district_names_no_place():
    assert not analyse("Алай болсо ал согушка кетти.", "ky").all_hits("countries")
