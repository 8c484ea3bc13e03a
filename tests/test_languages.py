"""Language identification tells en/ru/uk/uz (both scripts)/tg/ky/kk apart."""

from __future__ import annotations

import pytest

from recruitwatch.text.langid import detect_language

SAMPLES = {
    "en": "A citizen of Uzbekistan living in Moscow said he had received a conscription notice from the enlistment office.",
    "ru": "Гражданин Узбекистана, проживающий в Москве, рассказал, что получил повестку из военкомата.",
    "uk": "Громадянин Узбекистану, який мешкає в Москві, розповів, що отримав повістку з військкомату, і це його дуже здивувало.",
    "uz": "Moskvada yashovchi Oʻzbekiston fuqarosi harbiy komissariatdan chaqiruv qogʻozi olganini aytdi.",
    "uz-cyrl": "Москвада яшовчи Ўзбекистон фуқароси ҳарбий комиссариатдан чақирув қоғози олганини айтди.",
    "tg": "Шаҳрванди Тоҷикистон, ки дар Маскав зиндагӣ мекунад, гуфт, ки аз комиссариати ҳарбӣ даъватнома гирифтааст.",
    "ky": "Москвада жашаган Кыргызстандын жараны аскер комиссариатынан чакыруу кагазын алганын айтты. Ал мекенине кайтып келүүнү көздөйт.",
    "kk": "Мәскеуде тұратын Қазақстан азаматы әскери комиссариаттан шақыру қағазын алғанын айтты.",
}


@pytest.mark.parametrize("label,text", sorted(SAMPLES.items()))
def test_language_is_identified(label, text):
    assert detect_language(text) == label.split("-")[0]


def test_text_without_letters_has_no_language():
    assert detect_language("12345 !!! ---") == "und"


# Tajik typed with ў for ӯ (a common keyboard substitute) and few other Tajik letters.
TAJIK_WITH_UZBEK_LETTER = (
    "Ў дар шаҳри Маскав ҳамчун ронанда кор мекард. Полис ўро дар кўча боздошт кард ва гуфт, "
    "ки ў бояд бо артиш шартнома бандад. Ба гуфтаи хешовандонаш, ў аз ин кор саркашӣ кард, "
    "вале ўро ба ҳарбиён супориданд."
)
# Uzbek Cyrillic typed without ў: only the letters it shares with Tajik (ҳ, қ).
UZBEK_WITHOUT_ITS_LETTER = (
    "Тошкентлик йигит Россияда ишлаган. У полиция томонидан ушланди ва ҳарбий шартнома "
    "имзолашга мажбур қилинди, деб хабар берди унинг онаси. Бу ҳақда маҳаллий нашр ёзди."
)


def test_tajik_is_told_from_uzbek_by_its_words_when_letters_mislead():
    assert detect_language(TAJIK_WITH_UZBEK_LETTER) == "tg"
    assert detect_language(UZBEK_WITHOUT_ITS_LETTER) == "uz"


def test_letters_shared_by_tajik_and_uzbek_do_not_make_a_text_uzbek():
    tajik = "Ҳукумати Тоҷикистон аз муҳоҷирон хоҳиш кард, ки ба ҷанг нараванд, зеро ин кор ҷиноят аст."
    assert detect_language(tajik) == "tg"
