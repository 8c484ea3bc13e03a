"""Relevance holds on the patterns of real reports: who is recruited, for which war, on which side."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from recruitwatch.extract.analysis import analyse
from recruitwatch.extract.relevance import (
    russian_citizen_sentences,
    score_relevance,
    sentence_flags,
)
from recruitwatch.text.langid import detect_language

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import fit_relevance  # noqa: E402


def doc_of(text: str):
    return analyse(text, detect_language(text))


def relevance(text: str):
    return score_relevance(doc_of(text))


def recruitment_sentences(text: str) -> set[int]:
    doc = doc_of(text)
    return {s for s in range(len(doc.sentences)) if "recruitment" in doc.concepts_in("cues", s)}


def test_russian_state_and_army_are_not_russian_citizen_victims():
    text = (
        "Russian authorities detained a Kyrgyz courier in Moscow. "
        "Officers of the Russian army told him to sign a contract with the Russian military."
    )
    assert russian_citizen_sentences(doc_of(text)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Russian students at a university in Kazan were pressed to sign military contracts.",
        "Российских студентов уговаривали подписать контракт с Минобороны.",
        "Recruiters approached Russian men of call-up age in the suburbs.",
    ],
)
def test_people_said_to_be_russian_citizens_count_against(text):
    assert russian_citizen_sentences(doc_of(text)) == {0}
    assert relevance(text).features["russian_citizens"] < 0


def test_russian_citizens_of_foreign_origin_are_not_russians_own_case():
    text = "Bastrykin wants Russian citizens of Uzbek origin who got Russian citizenship to serve in the army."
    assert russian_citizen_sentences(doc_of(text)) == set()


def test_students_are_no_target_in_a_text_that_names_no_foreigner():
    local = "Students of a provincial college were pushed to sign contracts with the defence ministry."
    foreign = "Indian students of a provincial college were pushed to sign contracts with the defence ministry."
    assert sentence_flags(doc_of(local))[1] == set()
    assert sentence_flags(doc_of(foreign))[1] == {0}


STORY = (
    "A Tajik migrant worker was recruited by a private military company in Moscow. "
    "Recruiters promised him a large bonus to fight in {place}, and he signed a contract. "
    "Within a month he was sent to the front in {place}, his brother said."
)


def test_recruitment_for_another_war_counts_against_and_loses_relevance():
    syria, ukraine = relevance(STORY.format(place="Syria")), relevance(STORY.format(place="Ukraine"))
    assert syria.features["other_war"] < 0 and ukraine.features["other_war"] == 0
    assert ukraine.relevant and not syria.relevant


def test_syrians_recruited_for_the_war_in_ukraine_stay_relevant():
    text = (
        "Recruiters in Syria signed up Syrian men to fight for Russia in Ukraine. "
        "The Syrian recruits were flown to Russia, signed contracts with the Russian defence ministry "
        "and were sent to the front in Ukraine. Several of them were killed near Bakhmut."
    )
    result = relevance(text)
    assert result.features["other_war"] == 0
    assert result.relevant


def test_foreigners_joining_ukraines_army_are_not_relevant():
    text = (
        "An Uzbek blogger who has lived in Kyiv for years joined the Ukrainian army and fights against Russia. "
        "He knows he may face charges at home for serving in the Ukrainian army."
    )
    result = relevance(text)
    assert result.features["ukraine_side"] < 0
    assert not result.relevant


@pytest.mark.parametrize("text", [
    # Ukraine's own prisoners joining its army
    "A district court in western Ukraine released three convicts who volunteered to join the army, the first "
    "under the new parole law. The justice minister said thousands of inmates of Ukrainian prisons could sign "
    "contracts and serve with the military units they enrol in.",
    "Суд в Житомире освободил двух осуждённых, согласившихся подписать контракт и служить в армии. "
    "Министр юстиции сказал, что из украинских колоний на фронт могут отправить тысячи заключённых.",
    # a foreigner fighting on behalf of Ukraine
    "A veteran from Ohio appears to be the first US citizen killed while fighting on behalf of Ukraine. "
    "He had signed up to work for a private military company before the invasion, his mother said.",
])
def test_recruitment_for_ukraines_side_is_not_relevant(text):
    result = relevance(text)
    assert result.features["ukraine_side"] < 0
    assert not result.relevant


def test_the_home_press_needs_no_word_of_citizenship_for_a_compatriot_named_in_full():
    lured = ("23 жаштагы Азамат Токтогулов Москвадагы ортомчулардын жумуш убадасына ишенип, Украинадагы "
             "согушка барып калган. Азыр ал Луганск облусунда, орус аскерлеринин көзөмөлүндө экенин айтууда.")
    assert relevance(lured).relevant
    at_home = ("Азамат Токтогулов быйыл Кыргызстандын армиясына мөөнөттүү кызматка чакырылды. "
               "Ал Ош шаарындагы аскер бөлүгүндө кызмат өтөйт.")
    assert not relevance(at_home).relevant  # his own country's call-up
    russian = lured.replace("Азамат Токтогулов", "Николай Панков")
    assert not relevance(russian).relevant  # a Russian name says nothing of whose citizen he is


def test_partial_mobilisation_of_migrants_is_their_case_not_russians_mobilisation():
    migrants = "Messages claim that Uzbek and Tajik migrants in Russia will be called up under the partial mobilisation."
    russians = "Russian men fled the partial mobilisation across the border to Kazakhstan."
    assert relevance(migrants).features["negative"] == 0
    assert relevance(russians).features["negative"] < 0


@pytest.mark.parametrize(
    "text",
    [
        "He enlisted three months ago and died in November.",
        "After signing a contract with the army he was taken to a base near Rostov.",
        "Его уговорили ехать на войну.",
        "Через неделю его отправили на фронт.",
        "Ал согушка барууга макулдук берген.",
        "Ол Вагнер сапында соғысқа аттанды.",
        "У урушга кетганини онаси айтди.",
        "Ӯро ба ҷанг мефиристанд.",
    ],
)
def test_recruitment_is_found_without_the_word_recruit_in_every_language(text):
    assert recruitment_sentences(text) == {0}


def test_a_kazakh_report_of_a_citizen_sent_to_the_war_is_relevant():
    text = (
        "Қазақстан азаматы Ресейде жұмыс істеп жүрген кезде соғысқа аттанды. "
        "Оны келісімшартқа қол қоюға мәжбүрлеген. Ол Украинадағы майданға жіберілді."
    )
    assert detect_language(text) == "kk"
    assert relevance(text).relevant


def test_a_place_name_that_begins_like_a_recruitment_word_is_not_recruitment():
    assert recruitment_sentences("Бои идут под Работино и Вербовым.") == set()


def test_cross_validation_folds_are_stratified_by_corpus_and_label_and_repeatable():
    y = np.array([1.0] * 12 + [0.0] * 8 + [1.0] * 6 + [0.0] * 9)
    groups = np.array([0] * 20 + [1] * 15)
    folds = fit_relevance.folds(y, groups, 5, seed=7)
    assert (folds == fit_relevance.folds(y, groups, 5, seed=7)).all()
    for stratum in ((0, 1.0), (0, 0.0), (1, 1.0), (1, 0.0)):
        counts = np.bincount(folds[(groups == stratum[0]) & (y == stratum[1])], minlength=5)
        assert counts.max() - counts.min() <= 1, stratum


def test_the_fit_refuses_the_held_out_set():
    with pytest.raises(SystemExit, match="heldout"):
        fit_relevance.dataset([Path(__file__).resolve().parent / "heldout"])


def test_the_fit_keeps_every_weight_non_negative_and_learns_the_direction():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] + 0.2 * rng.normal(size=200) > 0).astype(float)
    w, _ = fit_relevance.fit(x, y, strength=1.0)
    assert w[0] > 1.0 and w[1] >= 0.0


def test_a_report_published_before_the_full_scale_war_is_not_about_recruitment_for_it():
    import datetime as dt

    from recruitwatch.extract.pipeline import extract_text

    text = (
        "Police in Moscow detained Rustam, a migrant worker from Uzbekistan, and told him to sign a "
        "military contract or be deported. He signed and was sent to the front in Donetsk."
    )
    assert extract_text(text, published=dt.date(2024, 5, 2))["relevant"]
    before = extract_text(text, published=dt.date(2019, 5, 2))
    assert not before["relevant"] and before["incidents"] == [] and before["relevance_score"] <= 0.05
    assert extract_text(text)["relevant"]  # no date known: the words decide


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Askar Ukraina tomonidan asirga olindi. Uni Rossiya armiyasiga majburan yollashgan.", "uz"),
        ("Аскар Украина томонидан асирга олинди.", "uz"),
        ("Жигит Украина тарабынан колго түшкөн.", "ky"),
    ],
)
def test_captured_by_ukraine_is_not_fighting_on_ukraines_side(text, lang):
    """Uzbek "tomonidan" and Kyrgyz "тарабынан" mean "by": a recruit captured by Ukraine is the case."""
    doc = analyse(text, lang)
    assert "neg_ukraine_recruitment" not in {m.concept for m in doc.all_hits("cues")}


@pytest.mark.parametrize(
    ("text", "lang"),
    [("U Ukraina tomonida jang qilgan.", "uz"), ("Ал Украина тарапта согушкан.", "ky")],
)
def test_fighting_on_ukraines_side_still_counts_against(text, lang):
    assert "neg_ukraine_recruitment" in {m.concept for m in analyse(text, lang).all_hits("cues")}


def test_the_name_of_an_outlet_is_no_deed():
    """"Ozodi" is "freedom": inside Radio Ozodi's name it is not a promise of release."""
    doc = analyse("Маҳбуси тоҷик аз зиндон ба Радиои Озодӣ гуфт, ки ӯро ба ҷанг фиристоданд.", "tg")
    assert not doc.all_hits("methods")
    promised = analyse("Ба маҳбуси тоҷик дар зиндон озодӣ ваъда доданд, ки ба ҷанг равад.", "tg")
    assert {m.concept for m in promised.all_hits("methods")} == {"sentence_reduction"}


@pytest.mark.parametrize(
    "text",
    [
        "Pyongyang has sent about 10,000 North Korean troops to Russia's Kursk region. Ukrainian officials "
        "said the North Korean soldiers were deployed to the front and several were killed in combat.",
        "Иностранные граждане, воевавшие в составе войск ВСУ, обвинены в наёмничестве по статье 359 УК РФ. "
        "Британец и швед попали в плен к российским войскам и были осуждены в Ростове.",
        "Three Colombian mercenaries fighting for Kyiv were killed near Pokrovsk; their coffins were sent home. "
        "Recruiters had promised them high pay.",
    ],
)
def test_state_troops_and_foreigners_on_ukraines_side_are_not_relevant(text):
    assert not relevance(text).relevant


def test_people_of_countries_whose_citizens_fight_for_ukraine_count_against():
    from recruitwatch.extract.relevance import western_share

    tried = (
        "A court in Rostov-on-Don is trying three Britons, a Croat and a Swede as mercenaries. "
        "The men were captured in Mariupol in 2022 and say they served under contract."
    )
    assert western_share(doc_of(tried)) == 1.0 and relevance(tried).features["western"] == -1.0
    assert not relevance(tried).relevant
    recruited = "Police in Kazan detained an Uzbek migrant and a Tajik builder and forced them to sign army contracts."
    assert western_share(doc_of(recruited)) == 0.0


def test_a_victim_named_beside_his_nationality_is_a_foreign_person_wherever_he_is_named_again():
    text = (
        "When Mr Dil Kumar Gurung left his village for Russia late in 2023, the Nepali hoped to pay off his debts. "
        "He had run a small shop before the pandemic. The shop failed. His wife stayed with their daughter. "
        "In Moscow, Mr Gurung joined the Russian army and was sent to the front."
    )
    doc = doc_of(text)
    recruit, target = sentence_flags(doc)
    joined = next(s for s in range(len(doc.sentences)) if "joined" in doc.text[slice(*doc.sentences[s])])
    assert joined in recruit and joined in target


def test_a_named_victims_remittances_are_his_story_not_news_of_remittances():
    story = (
        "Mr Dil Kumar Gurung, a Nepali, joined the Russian army in 2024. "
        "Mr Gurung regularly sent money home to his family."
    )
    news = "Remittances sent home by migrants fell this year, a bank said."
    assert relevance(story).features["negative"] == 0
    assert relevance(news).features["negative"] < 0
