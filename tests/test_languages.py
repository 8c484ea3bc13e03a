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
