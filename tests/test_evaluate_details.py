"""`recruitwatch eval` scores victim_details only on documents whose gold carries them."""

from __future__ import annotations

import yaml

from recruitwatch.evaluate import evaluate_corpus

CASE = (
    "Police in Moscow detained Davron Yusupov, 29, from Namangan, an Uzbek migrant worker, in a raid on a "
    "market and forced him to sign a contract with the Russian army. "
    "His mother Mavluda said he was sent to the front a week later.\n"
)
OTHER = (
    "Police in Kazan detained Ravshan Nazarov, 27, a Tajik bricklayer, and forced him to sign a contract with "
    "the Russian army. He was sent to the front in Donetsk.\n"
)


def _incident(name: str, **extra) -> dict:
    return {
        "victim_nationalities": ["UZ"], "victim_status": "migrant_worker", "victim_count": 1,
        "victim_names": [name], "location_country": "RU", "location_regions": [], "perpetrators": ["police"],
        "methods": ["raid_detention"], "outcomes": ["signed_contract", "deployed"], "date": None, **extra,
    }


def _write(folder, name: str, text: str, gold: dict) -> None:
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(gold, allow_unicode=True), encoding="utf-8")


def test_details_are_scored_where_gold_has_them(tmp_path):
    details = [{"name": "Davron Yusupov", "age": 30, "home_locality": "Namangan", "surname": "Yusupov"}]
    _write(tmp_path, "a", CASE, {"relevant": True, "incidents": [_incident("Davron Yusupov", victim_details=details)]})
    _write(tmp_path, "b", OTHER, {"relevant": True, "incidents": [_incident("Ravshan Nazarov")]})
    scores = evaluate_corpus(tmp_path)
    d = scores["victim_details"]
    assert d["documents"] == 1  # b's gold has no details: what is found there is not scored
    assert (d["home_locality"]["tp"], d["home_locality"]["fp"], d["home_locality"]["fn"]) == (1, 0, 0)
    assert (d["age"]["tp"], d["age"]["fp"], d["age"]["fn"]) == (0, 1, 1)  # found 29, gold says 30
    assert (d["given_name"]["tp"], d["given_name"]["fp"], d["given_name"]["fn"]) == (0, 1, 0)
    assert {"document": "a.txt", "field": "victim_details.age", "missed": ["30"], "spurious": ["29"]} in scores["disagreements"]


def test_no_details_section_without_gold_details(tmp_path):
    _write(tmp_path, "b", OTHER, {"relevant": True, "incidents": [_incident("Ravshan Nazarov")]})
    scores = evaluate_corpus(tmp_path)
    assert "victim_details" not in scores
    assert not any(d["field"].startswith("victim_details") for d in scores["disagreements"])
