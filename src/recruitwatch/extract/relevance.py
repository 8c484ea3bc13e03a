"""Is this text about coerced recruitment of foreigners or prisoners? A calibrated score.

The score is a logistic function of a few interpretable features; its weights
are data (data/relevance.yaml). The features are the contract's definition
made countable: recruitment into Russia's war and a foreign or imprisoned
person in one passage, with signs of a near topic (a home country's own
call-up, Ukraine's foreign legion, Russians' mobilisation…) counted against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from ..errors import DataError
from .analysis import Analysis
from .data_files import extract_data
from .victims import is_specific, nationality_mentions

# (group, concept) pairs whose presence means "recruitment into the war".
RECRUITMENT_SIGNS = {
    ("cues", "recruitment"),
    ("perpetrators", "pmc"),
    ("perpetrators", "enlistment_office"),
    ("methods", "summons"),
    ("outcomes", "signed_contract"),
    ("outcomes", "deployed"),
    ("outcomes", "captured"),
    ("outcomes", "prosecuted_at_home"),
}
# What ties the recruitment to Russia's war against Ukraine.
WAR_SIGNS = {("cues", "war"), ("perpetrators", "pmc"), ("perpetrators", "military"), ("outcomes", "captured")}
OUTCOME_SIGNS = {"signed_contract", "deployed", "injured", "killed", "captured", "prosecuted_at_home"}


@dataclass(frozen=True)
class Relevance:
    score: float
    relevant: bool
    features: dict[str, float]


def _sentences_with(doc: Analysis, pairs) -> set[int]:
    found = set()
    for group, concept in pairs:
        for sentence, matches in doc.hits.get(group, {}).items():
            if any(m.concept == concept for m in matches):
                found.add(sentence)
    return found


# Near topics that explain away recruitment words in their passage. Job-advert
# language is not among them: a bait advert is part of many deception cases.
EXPLAINING_TOPICS = {
    "neg_ukraine_recruitment",
    "neg_home_conscription",
    "neg_russian_mobilisation",
    "neg_prisoner_exchange",
    "neg_labour_trafficking",
    "neg_remittances",
}


def near_topic_sentences(doc: Analysis, window: int) -> set[int]:
    """Sentences within `window` of a near-topic cue (a home country's call-up, a POW exchange…)."""
    cued = {
        s for s, matches in doc.hits.get("cues", {}).items() if any(m.concept in EXPLAINING_TOPICS for m in matches)
    }
    return {p for s in cued for p in range(s - window, s + window + 1)}


def sentence_flags(doc: Analysis, window: int = 1) -> tuple[set[int], set[int]]:
    """Sentences about recruitment (not explained by a near topic), and sentences naming a foreign or imprisoned person."""
    recruit = _sentences_with(doc, RECRUITMENT_SIGNS) - near_topic_sentences(doc, window)
    target = _sentences_with(doc, {("cues", "foreigner")}) | set(doc.hits.get("statuses", {}))
    target |= {m.sentence for m in nationality_mentions(doc)}
    return recruit, target


@cache
def _config() -> tuple[float, float, int, dict[str, float]]:
    """bias, threshold, window and weights of data/relevance.yaml, checked once."""
    config = extract_data("relevance.yaml")
    try:
        weights = {name: float(value) for name, value in config["weights"].items()}
        return float(config["bias"]), float(config["threshold"]), int(config.get("window", 1)), weights
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"relevance.yaml: every weight, the bias and the threshold must be numbers ({exc})") from exc


def score_relevance(doc: Analysis) -> Relevance:
    bias, threshold, window, w = _config()
    recruit, target = sentence_flags(doc, window)
    linked_passages = [s for s in recruit if any(abs(s - t) <= window for t in target)]
    # "his son", "the man": a person near the recruitment, in a text that names foreigners elsewhere.
    persons = {
        s for s, ms in doc.hits.get("cues", {}).items()
        if any(m.concept == "victim_noun" and is_specific(doc, doc.tokens[m.last].text) for m in ms)
    }
    person_passages = [
        s for s in recruit if s not in linked_passages and any(abs(s - p) <= window for p in persons)
    ] if target else []
    linked = {p for s in linked_passages + person_passages for p in range(s - window, s + window + 1)}
    coercion = sum(
        len(doc.in_sentence("methods", s)) + sum(1 for m in doc.in_sentence("cues", s) if m.concept == "coercion")
        for s in linked
    )
    outcomes = sum(1 for s in linked for m in doc.in_sentence("outcomes", s) if m.concept in OUTCOME_SIGNS)
    negative = sum(
        1 for matches in doc.hits.get("cues", {}).values() for m in matches if m.concept.startswith("neg_")
    )
    # Russia's war: war words, a PMC, the front, or the recruitment happening in Russia.
    war = bool(_sentences_with(doc, WAR_SIGNS)) or any(
        m.concept.startswith("UA-") or (m.concept.startswith("RU-") and doc.sentence_of(m.start) in linked)
        for m in doc.all_hits("regions")
    )
    # People said to be Russian citizens, with no word of naturalisation: Russians' own mobilisation.
    naturalised = any(m.concept == "naturalised_citizen" for m in doc.all_hits("statuses"))
    russians = 0 if naturalised else len({m.sentence for m in nationality_mentions(doc, recruiting_side=True) if m.value == "RU"})
    features = {
        "link": math.log1p(len(linked_passages)),
        "person_link": math.log1p(len(person_passages)),
        "coercion": math.log1p(coercion),
        "outcome": math.log1p(outcomes),
        "recruitment": math.log1p(len(recruit)),
        "target": math.log1p(len(target)),
        "headline": 1.0 if 0 in recruit and target & {0, 1} else 0.0,
        "negative": -math.log1p(negative),
        "russian_citizens": -math.log1p(russians),
        "no_war": -1.0 if not war else 0.0,
    }
    missing = set(features) - set(w)
    if missing:
        raise DataError(f"relevance.yaml has no weight for {', '.join(sorted(missing))}")
    z = bias + sum(w[name] * value for name, value in features.items())
    score = 1.0 / (1.0 + math.exp(-z))
    return Relevance(round(score, 4), score >= threshold, features)
