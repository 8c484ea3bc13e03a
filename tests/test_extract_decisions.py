"""The learned stage of extraction: the incident gate, the decision per candidate value, and their data."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from recruitwatch.errors import DataError
from recruitwatch.extract.analysis import analyse
from recruitwatch.extract.decide import LinearModel, Models, models_from, shipped_models
from recruitwatch.extract.incidents import build_incidents
from recruitwatch.extract.pipeline import extract_text
from recruitwatch.extract.places import place_role


def _values(record: dict, field: str) -> set:
    found = set()
    for incident in record["incidents"]:
        value = incident[field]
        found.update(value if isinstance(value, list) else [value])
    return found


def test_a_trend_paragraph_is_relevant_but_tells_of_no_incident():
    text = (
        "Since January some 900 citizens of Uzbekistan have been recruited into the Russian army. "
        "Recruiters promise migrants Russian citizenship and threaten prisoners with new terms."
    )
    record = extract_text(text)
    assert record["relevant"] is True
    assert record["incidents"] == []


def test_a_general_remark_beside_a_case_does_not_lend_the_case_its_values():
    text = (
        "Police in Kazan detained Aziz, a Tajik bricklayer, and held him until he signed a contract. "
        "Activists say recruiters usually promise such men two million roubles."
    )
    record = extract_text(text)
    assert "raid_detention" in _values(record, "methods")
    assert "payment_promise" not in _values(record, "methods")
    assert "Aziz" in _values(record, "victim_names")


def test_every_kept_value_is_quoted_from_the_text():
    text = (
        "Rustam, an Uzbek migrant in Yekaterinburg, was detained in a raid. Officers told him he would be "
        "deported unless he signed a contract with the Ministry of Defence. He refused and flew home."
    )
    record = extract_text(text)
    assert record["incidents"], record
    for incident in record["incidents"]:
        supported = {(e["field"], str(e["value"])) for e in incident["evidence"]}
        for e in incident["evidence"]:
            assert text[e["start"] : e["end"]] == e["quote"]
        for field, value in incident.items():
            if field == "evidence" or value in (None, [], "unknown"):
                continue
            if field == "victim_details":  # each detail is quoted on its own: victim_details.<key>
                for detail in value:
                    for key, item in detail.items():
                        assert (f"{field}.{key}", str(item)) in supported, (field, key, item)
                continue
            for item in value if isinstance(value, list) else [value]:
                assert (field, str(item)) in supported, (field, item)


def _models(value_bias: float, gate_bias: float) -> Models:
    return Models(LinearModel({}, value_bias, 0.5), LinearModel({}, gate_bias, 0.5))


def test_the_gate_and_the_value_model_decide_what_stands():
    doc = analyse("Police detained Aziz, a Tajik migrant in Kazan, and forced him to sign a military contract.", "en")
    everything = build_incidents(doc, None, relevance=0.9, models=_models(5.0, 5.0))
    assert everything and "raid_detention" in everything[0]["methods"]
    assert build_incidents(doc, None, relevance=0.9, models=_models(5.0, -5.0)) == []  # the gate says: no incident
    assert build_incidents(doc, None, relevance=0.9, models=_models(-5.0, 5.0)) == []  # no value stands


def test_the_shipped_model_states_its_cross_validated_scores():
    data = json.loads(resources.files("recruitwatch.extract").joinpath("data/value_model.json").read_text("utf-8"))
    cv = data["cross_validated"]
    assert cv["folds"] >= 3
    assert all(0.0 <= cv[corpus]["micro_f1"] <= 1.0 for corpus in cv if corpus != "folds")
    assert "heldout" not in cv  # the guard set is never fitted on
    models = shipped_models()
    assert 0.0 < models.values.threshold < 1.0 and 0.0 < models.gate.threshold < 1.0


def test_a_broken_model_file_is_a_clear_error():
    with pytest.raises(DataError, match="value_model.json"):
        models_from({"values": {"weights": {"x": "heavy"}, "bias": 0, "threshold": 0.5}, "gate": {}})


@pytest.mark.parametrize(
    ("lang", "text", "place", "role"),
    [
        ("ru", "Его задержали в Москве.", "Москве", "in"),
        ("ru", "Потом его увезли в Москву.", "Москву", "to"),
        ("ru", "Он приехал из Самарканда.", "Самарканда", "from"),
        ("en", "He flew from Kathmandu to Moscow.", "Kathmandu", "from"),
        ("en", "He flew from Kathmandu to Moscow.", "Moscow", "aside"),
        ("en", "Then they took him to Moscow.", "Moscow", "to"),
        ("en", "He boarded a flight from Nairobi to Moscow.", "Moscow", "aside"),
        ("en", "The embassy in Moscow did nothing.", "Moscow", "aside"),
        ("en", "The camp lies a few hours south of Moscow.", "Moscow", "aside"),
        ("ru", "Он купил билет до Москвы.", "Москвы", "aside"),
        ("ru", "Посольство в Москве не ответило.", "Москве", "aside"),
        ("uz", "Moskvadagi elchixona javob bermadi.", "Moskvadagi", "aside"),
        ("ky", "Москвадагы элчилиги жооп берген жок.", "Москвадагы", "aside"),
        ("uz", "U Moskvada ushlangan.", "Moskvada", "in"),
        ("uz", "U Samarqanddan kelgan.", "Samarqanddan", "from"),
        ("en", "Men were drawn by a package Moscow unveiled last year.", "Moscow", "state"),
        ("en", "Why they joined Moscow's war effort differs.", "Moscow", "state"),
        ("en", "Hundreds more fight for Moscow, Zelensky says.", "Moscow", "state"),
        ("en", "Moscow police detained him at a market.", "Moscow", "other"),
        ("en", "A worker at a plant in Omsk says he was summoned.", "Omsk", "in"),
    ],
)
def test_a_place_is_told_as_where_it_happened_or_where_someone_came_from(lang, text, place, role):
    doc = analyse(text, lang)
    start = text.index(place)
    assert place_role(doc, start, start + len(place)) == role


def test_an_unnamed_lead_inside_a_named_victims_story_is_about_him():
    text = (
        "Bakhodir Tursunov, 31, said he left Tajikistan for work in Russia two years ago. "
        "A Tajik man aged 31 has told how he was tricked with offers of work and pushed into the Russian army. "
        "Bakhodir Tursunov said a stranger promised him a job at a warehouse near Moscow. "
        "Instead, he was taken to a military unit and made to sign a contract."
    )
    record = extract_text(text)
    assert len(record["incidents"]) == 1
    assert record["incidents"][0]["victim_names"] == ["Bakhodir Tursunov"]


def test_a_job_as_a_builder_is_what_the_named_prisoner_was_offered_not_a_new_person():
    text = (
        "Two Chinese citizens, Li Wenjun and Zhou Haoran, who fought for the Russian army, were captured by Ukraine. "
        "The Chinese prisoners said Russia recruits foreigners through middlemen. "
        "Zhou Haoran said he had not been told what his contract with the Russian army said. "
        "He was first offered a job as a builder, then made to sign a contract. "
        "His bank card was taken by the Russians, said Zhou Haoran."
    )
    record = extract_text(text)
    assert len(record["incidents"]) == 1


@pytest.mark.parametrize("lang, text", [
    ("en", "The UN High Commissioner for Human Rights and the International Organization for Migration said "
           "that the Red Cross had visited Tajik migrants whom police in Kazan forced to sign army contracts."),
    ("ru", "Управление Верховного комиссара ООН по правам человека и Международный комитет Красного Креста "
           "сообщили, что полиция в Казани заставила мигрантов из Таджикистана подписать контракт."),
    ("en", "The Red Cross said Tajik prisoners were sent to Storm-Z units and the Africa Corps, "
           "after police in Kazan forced them to sign army contracts."),
])
def test_the_un_and_state_bodies_are_not_organisations_but_the_red_cross_is(lang, text):
    record = extract_text(text)
    assert record["language"] == lang
    assert record["organisations"] == ["International Committee of the Red Cross"]


@pytest.mark.parametrize(
    ("lang", "text", "general"),
    [
        ("ru", "Мансур Ходжиев был депортирован из России в октябре, всего через несколько дней после отказа.", False),
        ("en", "Several days later Aziz was sent to the front.", False),
        ("ky", "Сардарбек бир нече ай мурда Орусиянын жарандыгын алган.", False),
        ("en", "Several migrants were sent to the front.", True),
        ("ru", "Несколько мигрантов отправили на фронт.", True),
    ],
)
def test_a_count_of_days_or_months_is_no_general_remark(lang, text, general):
    from recruitwatch.extract.value_features import doc_context

    ctx = doc_context(analyse(text, lang), [], [], {}, 0, 1.0)
    assert (0 in ctx.general) == general
