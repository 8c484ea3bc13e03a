"""Is this text about coerced recruitment of foreigners or prisoners? A calibrated score.

The score is a logistic function of a few interpretable features; its weights
are data (data/relevance.yaml). The features are the contract's definition
made countable: recruitment and a foreign/prisoner target in one passage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .analysis import Analysis
from .data_files import extract_data

RECRUITMENT_SIGNS = {
    ("cues", "recruitment"),
    ("perpetrators", "pmc"),
    ("perpetrators", "enlistment_office"),
    ("methods", "summons"),
    ("outcomes", "signed_contract"),
    ("outcomes", "deployed"),
}
TARGET_GROUPS = ("statuses",)
TARGET_CUES = {"foreigner"}
OUTCOME_SIGNS = {"signed_contract", "deployed", "injured", "killed", "captured", "prosecuted_at_home"}
HOME_COUNTRIES_EXCLUDED = {"RU", "UA"}


@dataclass(frozen=True)
class Relevance:
    score: float
    relevant: bool
    features: dict[str, float]


def sentence_flags(doc: Analysis) -> tuple[set[int], set[int]]:
    """Sentences that speak of recruitment, and sentences that name a foreign or imprisoned target."""
    recruit, target = set(), set()
    for (group, concept) in RECRUITMENT_SIGNS:
        for sentence, matches in doc.hits.get(group, {}).items():
            if any(m.concept == concept for m in matches):
                recruit.add(sentence)
    for sentence, matches in doc.hits.get("cues", {}).items():
        if any(m.concept in TARGET_CUES for m in matches):
            target.add(sentence)
    for group in TARGET_GROUPS:
        target.update(doc.hits.get(group, {}))
    for sentence, matches in doc.hits.get("countries", {}).items():
        if any(m.concept not in HOME_COUNTRIES_EXCLUDED for m in matches):
            target.add(sentence)
    return recruit, target


def score_relevance(doc: Analysis) -> Relevance:
    config = extract_data("relevance.yaml")
    w = config["weights"]
    window = int(config.get("window", 1))
    recruit, target = sentence_flags(doc)
    linked: set[int] = set()
    for s in recruit:
        if any(t in target for t in range(s - window, s + window + 1)):
            linked.update(range(s - window, s + window + 1))
    linked_passages = sum(1 for s in recruit if any(abs(s - t) <= window for t in target))
    coercion = sum(
        len(doc.in_sentence("methods", s)) + sum(1 for m in doc.in_sentence("cues", s) if m.concept == "coercion")
        for s in linked
    )
    outcomes = sum(1 for s in linked for m in doc.in_sentence("outcomes", s) if m.concept in OUTCOME_SIGNS)
    negative = sum(
        1 for matches in doc.hits.get("cues", {}).values() for m in matches if m.concept.startswith("neg_")
    )
    headline = 1.0 if 0 in recruit and any(t in target for t in (0, 1)) else 0.0
    features = {
        "link": math.log1p(linked_passages),
        "coercion": math.log1p(coercion),
        "outcome": math.log1p(outcomes),
        "recruitment": math.log1p(len(recruit)),
        "target": math.log1p(len(target)),
        "headline": headline,
        "negative": -math.log1p(negative),
    }
    z = float(config["bias"]) + sum(float(w[name]) * value for name, value in features.items())
    score = 1.0 / (1.0 + math.exp(-z))
    return Relevance(round(score, 4), score >= float(config["threshold"]), features)
