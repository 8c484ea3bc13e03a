"""Linking: the same incident across outlets, languages and scripts is one record; different victims never are."""

from __future__ import annotations

import importlib.util

import pytest

from recruitwatch.link.incidents import decide, merge_fields
from recruitwatch.link.names import fold_name, name_match

from .conftest import ROOT

BASE = {
    "victim_nationalities": ["UZ"],
    "victim_status": "migrant_worker",
    "victim_count": 1,
    "victim_names": ["Yusuf Qurbonov"],
    "location_country": "RU",
    "location_regions": ["RU-MOW"],
    "perpetrators": ["police"],
    "methods": ["raid_detention", "debt_leverage"],
    "outcomes": ["refused"],
    "date": "2025-04",
}


@pytest.mark.parametrize(
    "a,b",
    [("Yusuf", "Юсуф"), ("Qurbonov", "Курбонов"), ("Kurbonov", "Қурбонов"), ("Sunnat", "Суннат"), ("Shukhrat", "Шуҳрат"), ("Shuxrat", "Shukhrat")],
)
def test_names_meet_across_scripts_and_spellings(a, b):
    assert fold_name(a) == fold_name(b)


def test_devanagari_names_are_reduced_to_latin():
    assert name_match(["राम बहादुर"], ["Ram Bahadur"]) == "full"


def test_the_same_man_in_another_script_is_linked():
    other = {**BASE, "victim_names": ["Юсуф Курбонов"], "date": "2025-04-07", "methods": ["raid_detention"]}
    decision = decide(other, BASE)
    assert decision.linked and "full name agrees" in decision.explain()


@pytest.mark.parametrize(
    "change,why",
    [
        ({"victim_names": ["Jasur Toshev"]}, "different victim names"),
        ({"victim_nationalities": ["TJ"]}, "different nationalities"),
        ({"victim_names": [], "location_regions": ["RU-BA"]}, "different regions"),
        ({"victim_names": [], "date": "2023-01"}, "dates too far apart"),
        ({"location_regions": ["RU-BA"], "date": "2022"}, "another place and another time"),
    ],
)
def test_different_victims_are_never_merged(change, why):
    decision = decide({**BASE, **change}, BASE)
    assert not decision.linked
    assert why in decision.explain()


def test_an_unnamed_report_needs_place_time_and_story_to_agree():
    unnamed = {**BASE, "victim_names": []}
    assert decide(unnamed, BASE).linked
    assert not decide({**unnamed, "methods": ["summons"], "outcomes": ["deployed"]}, BASE).linked


def test_a_report_without_nationality_needs_status_and_story_to_agree_as_well():
    stateless = {**BASE, "victim_names": [], "victim_nationalities": []}
    assert decide(stateless, BASE).linked
    assert not decide({**stateless, "victim_status": "prisoner"}, BASE).linked
    assert not decide({**stateless, "victim_status": "unknown"}, BASE).linked
    assert not decide({**stateless, "methods": ["summons"]}, BASE).linked
    assert not decide({**stateless, "date": None}, BASE).linked


def test_merging_keeps_one_name_per_person_and_the_more_precise_date():
    merged = merge_fields(BASE, {**BASE, "victim_names": ["Юсуф Курбонов"], "date": "2025-04-07", "outcomes": ["released"]})
    assert merged["victim_names"] == ["Yusuf Qurbonov"]
    assert merged["date"] == "2025-04-07"
    assert merged["outcomes"] == ["refused", "released"]


def test_linking_set_precision_and_recall():
    """tests/linking: 82 reports of 30 incidents with near misses (scripts/evaluate_linking.py)."""
    spec = importlib.util.spec_from_file_location("evaluate_linking", ROOT / "scripts" / "evaluate_linking.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scores = module.evaluate(ROOT / "tests" / "linking" / "reports.jsonl")
    assert scores["precision"] >= 0.98, scores["wrongly_linked"]
    # 0.961 until the value model was refitted on 2026-12-07 (P up on every held-out set); 0.935 since:
    # an Uzbek report's Kursk region and new citizenship now fall below the value threshold and two of
    # its pairs no longer link. The target is 0.90.
    assert scores["recall"] >= 0.92


REAL_LINKING = ROOT.parent / "shared" / "corpus" / "real-linking" / "reports.jsonl"


def test_real_linking_set_precision_and_recall():
    """../shared/corpus/real-linking: 67 real reports of 31 incidents in 21 languages, with look-alikes."""
    if not REAL_LINKING.exists():
        pytest.skip(f"{REAL_LINKING} is absent: the shared real corpus is only on the team's machines")
    spec = importlib.util.spec_from_file_location("evaluate_linking", ROOT / "scripts" / "evaluate_linking.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scores = module.evaluate(REAL_LINKING)
    assert scores["precision"] >= 0.95, scores["wrongly_linked"]
    assert scores["recall"] >= 0.71  # 0.727 on 2026-12-07 in four arrival orders; the target is 0.80 (issue 13)


def test_an_uncommon_given_name_with_the_same_nationality_and_story_links():
    base = {**BASE, "victim_nationalities": ["KE"], "victim_names": ["Kipchumba Wanyonyi"], "location_regions": [],
            "date": None, "methods": ["deception"], "outcomes": ["captured"]}
    decision = decide({**base, "victim_names": ["Кипчумба"]}, base)
    assert decision.linked and "given name agrees +" in decision.explain()
    common = {**base, "victim_nationalities": ["UZ"], "victim_names": ["Yusuf Qurbonov"]}
    assert not decide({**common, "victim_names": ["Yusuf"]}, common).linked  # Yusuf could be anyone


def test_a_near_copy_of_a_sparse_report_joins_its_original():
    sparse = {"victim_names": [], "victim_nationalities": [], "location_regions": [], "date": None,
              "victim_status": "unknown", "victim_count": 1, "methods": ["deception"], "outcomes": []}
    assert not decide(sparse, sparse).linked  # two such records alone say too little
    copy = decide(sparse, sparse, same_text=True)
    assert copy.linked and "near-copy of the same text" in copy.explain()
    assert not decide({**sparse, "victim_nationalities": ["UZ"]}, {**sparse, "victim_nationalities": ["TJ"]}, same_text=True).linked


def test_the_record_keeps_the_fullest_name_a_report_gave():
    """'Даниэль' then 'Daniel Wekesa': the full name replaces the given name alone, so a later report naming
    him in full (in any script) finds him by his name's blocking keys, whatever order reports came in."""
    short = {**BASE, "victim_names": ["Даниэль"]}
    merged = merge_fields(short, {**BASE, "victim_names": ["Daniel Wekesa"]})
    assert merged["victim_names"] == ["Daniel Wekesa"]
    assert merge_fields(merged, short)["victim_names"] == ["Daniel Wekesa"]  # and never goes back
    two = merge_fields({**BASE, "victim_names": ["Daniel Wekesa"]}, {**BASE, "victim_names": ["Yusuf Qurbonov"]})
    assert two["victim_names"] == ["Daniel Wekesa", "Yusuf Qurbonov"]  # another person is added, not swapped
