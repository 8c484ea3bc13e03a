"""The cascade's cheap stage: it may stop a text before full analysis only when full
analysis would not call it relevant, and a stopped text keeps its organisations and
legal references."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from recruitwatch.extract.analysis import analyse_window
from recruitwatch.extract.cascade import triage
from recruitwatch.extract.data_files import extract_data
from recruitwatch.extract.pipeline import _chunks, extract_text, judged_relevant, refs_orgs
from recruitwatch.extract.relevance import RECRUITMENT_SIGNS, WAR_CAP, _config
from recruitwatch.legal.citations import mentions_article
from recruitwatch.text.langid import detect_language
from recruitwatch.text.reader import read_input

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {
    "corpus": ROOT / "tests" / "corpus",
    "heldout": ROOT / "tests" / "heldout",
    "real": ROOT.parent / "shared" / "corpus" / "real",
}
STOP_SCORE = extract_data("cascade.yaml")["stop_score"]


def _texts(name: str):
    folder = CORPORA[name]
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the shared real corpus is only on the team's machines")
    for path in sorted(folder.glob("*.txt")):
        text = read_input(str(path)).text
        yield path.name, text, detect_language(text)


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_every_text_full_analysis_calls_relevant_passes_the_cheap_stage(corpus):
    missed = [name for name, text, lang in _texts(corpus) if judged_relevant(text, lang) and not triage(text, lang).likely_relevant]
    assert missed == []


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_a_stopped_text_keeps_what_full_analysis_finds_besides_relevance(corpus):
    stopped = 0
    for name, text, lang in _texts(corpus):
        if not triage(text, lang).likely_relevant:
            stopped += 1
            refs, orgs = set(), set()
            for start, end in _chunks(text):
                refs_orgs(analyse_window(text, lang, start, end), start, end, refs, orgs)
            record = extract_text(text, source=name)
            assert record["relevant"] is False and record["incidents"] == [], name
            assert record["relevance_score"] == STOP_SCORE, name
            assert (record["legal_refs"], record["organisations"]) == (sorted(refs), sorted(orgs)), name
    assert stopped  # every corpus has near-topic negatives the cheap stage settles


def test_ordinary_news_stops_without_full_analysis():
    text = "The central bank kept its key rate on Friday. Heavy rain is expected in the region on Wednesday."
    decision = triage(text, "en")
    assert not decision.likely_relevant and decision.reason == "screened_out"
    record = extract_text(text)
    assert record["language"] == "en" and record["relevant"] is False and record["relevance_score"] == STOP_SCORE


def test_news_without_a_military_or_a_target_word_stops_at_the_screen():
    raid = "Police in Kazan checked the papers of twenty migrants at a market on Tuesday. Three were fined and let go."
    assert triage(raid, "en").reason == "screened_out"  # no military word
    assert triage("Заключённого колонии в Ростове завербовали в ЧВК.", "ru").reason != "screened_out"


def test_a_migrant_raid_without_recruitment_stops():
    text = "Police in Kazan checked the papers of twenty migrants at a market on Tuesday. Three were fined and let go."
    assert triage(text, "en", screened=True).reason == "no_sign"


def test_recruitment_without_a_foreign_or_imprisoned_person_stops():
    text = "The defence ministry said volunteers signed contracts and went to the front this spring. Officials praised them."
    assert triage(text, "en", screened=True).reason == "no_target"


def test_recruitment_and_a_migrant_far_apart_stop():
    text = ("Migrants from Uzbekistan queued for work permits in Moscow. The queue moved slowly. Officials blamed "
            "a computer fault. Lunch was served at noon. The defence ministry said volunteers went to the front.")
    assert triage(text, "en", screened=True).reason == "apart"


def test_a_coerced_migrant_goes_on_to_full_analysis():
    text = ("Police in Kazan detained Aziz, a Tajik bricklayer, at a market. After three days in a cell he "
            "signed a contract with the defence ministry and was sent to the front.")
    assert triage(text, "en").likely_relevant
    record = extract_text(text)
    assert record["relevant"] is True and record["incidents"]


def test_russian_recruitment_of_a_prisoner_goes_on_to_full_analysis():
    text = "Заключённого колонии в Ростове завербовали в ЧВК и отправили на фронт."
    assert triage(text, "ru").likely_relevant


def test_a_stopped_text_still_reports_organisations_and_legal_references():
    text = ("Human Rights Watch said a citizen of Tajikistan was fined under Article 322 of the Criminal Code "
            "of the Russian Federation for crossing the border. The court in Orenburg ordered his deportation.")
    assert not triage(text, "en").likely_relevant
    record = extract_text(text)
    assert record["organisations"] == ["Human Rights Watch"]
    assert record["legal_refs"] == ["RU/CC/322"]


def test_very_long_texts_always_get_full_analysis():
    longest = extract_data("cascade.yaml")["full_analysis_above_chars"]
    text = "The weather was calm. " * (longest // 20)
    assert triage(text, "en").reason == "long"


def test_the_cheap_stage_looks_for_every_recruitment_sign_relevance_uses():
    signs = yaml.safe_load(
        (ROOT / "src" / "recruitwatch" / "extract" / "data" / "cascade.yaml").read_text(encoding="utf-8")
    )["signs"]
    listed = {(group, concept) for group, concepts in signs.items() for concept in concepts}
    assert set(RECRUITMENT_SIGNS) <= listed
    # A concept that implies a sign (killed at the front -> deployed) makes that sign in analysis.
    implying = {
        (group, concept)
        for group in {g for g, _ in RECRUITMENT_SIGNS}
        for concept, spec in (extract_data(f"{group}.yaml").get("concepts") or {}).items()
        if any((group, implied) in RECRUITMENT_SIGNS for implied in (spec or {}).get("implies") or ())
    }
    assert implying and implying <= listed


def test_the_cheap_stage_is_at_least_as_wide_as_relevance_passages_and_counts():
    bias, threshold, window, weights = _config()
    cascade = extract_data("cascade.yaml")
    assert cascade["window"] >= max(window, 1)
    # Below count_only sign + target sentences, with no passage joining them, the counts
    # alone cannot reach the threshold (the counts split evenly is the worst case).
    half = cascade["count_only_sentences"] / 2
    best = bias + 2 * max(weights["recruitment"], weights["target"]) * math.log1p(half)
    best += max(0.0, weights["war"]) * WAR_CAP  # war words count without a passage, up to a cap
    assert 1 / (1 + math.exp(-best)) < threshold


@pytest.mark.parametrize("phrase", [
    "under Article 322 of the Criminal Code", "Art. 359 of the Criminal Code", "по ч. 1 ст. 359 УК РФ",
    "статьёй 208 Уголовного кодекса", "Jinoyat kodeksining 154-1-moddasi", "моддаи 401 Кодекси ҷиноятӣ",
])
def test_any_article_citation_is_noticed(phrase):
    assert mentions_article(f"The court ruled {phrase} last week.")


def test_a_number_alone_is_no_citation():
    assert not mentions_article("Article writers met 300 readers; the state budget grew by 5 percent.")
