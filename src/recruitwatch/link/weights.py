"""Fellegi-Sunter weights: how much each comparison's level says for or against one incident.

A level's weight is log2(m/u): m is how often pairs of mentions of one
incident show that level, u how often pairs of different incidents do. A
pair's score is the sum over comparisons; above `link_at` the mentions are
one incident, between `review_at` and `link_at` an analyst decides. The
numbers are fitted by scripts/fit_link_weights.py (data/link_weights.json,
with its cross-validated figures), never set by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

WEIGHTS_FILE = Path(__file__).parent / "data" / "link_weights.json"
LABELS_FILE = Path(__file__).parent / "data" / "comparisons.yaml"


@dataclass(frozen=True)
class Comparison:
    """One line of a link's explanation: what was compared, how it came out, what that weighs."""

    field: str
    level: str
    weight: float

    @property
    def label(self) -> str:
        return comparison_label(self.field, self.level)

    def as_dict(self) -> dict:
        return {"field": self.field, "level": self.level, "weight": self.weight, "label": self.label}


class LinkModel:
    def __init__(self, model: dict):
        self.weights: dict[str, dict[str, dict]] = model["weights"]
        self.link_at = float(model["link_at"])
        self.review_at = float(model["review_at"])
        self.prior_bits = float(model.get("prior_bits", 0.0))  # log2 of the odds that two compared mentions match

    def weigh(self, levels: dict[str, str]) -> list[Comparison]:
        """Each comparison with its weight; a level the model never saw weighs nothing."""
        return [
            Comparison(field, level, float(self.weights.get(field, {}).get(level, {}).get("weight", 0.0)))
            for field, level in levels.items()
        ]

    def probability(self, score: float) -> float:
        """The chance that two mentions with this score are one incident, given the prior odds."""
        return round(1.0 / (1.0 + 2.0 ** -(score + self.prior_bits)), 3)

    def score(self, levels: dict[str, str]) -> float:
        return round(sum(c.weight for c in self.weigh(levels)), 3)


@cache
def comparison_labels() -> dict[str, dict[str, dict[str, str]]]:
    """What each comparison's level means, in words, per language (data/comparisons.yaml)."""
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


def comparison_label(field: str, level: str, lang: str = "en") -> str:
    words = comparison_labels().get(field, {}).get(level) or {}
    return words.get(lang) or words.get("en") or f"{field} {level}"


@cache
def link_model() -> LinkModel:
    return LinkModel(json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")))
