"""The learned decisions: is there a concrete incident at all, and which candidate values stand.

Both are logistic models over named features (value_features.py, gate
features below). Their weights are data (data/value_model.json), fitted by
scripts/fit_values.py on the annotated corpora, which writes its k-fold
cross-validated scores beside them. A missing or broken model file is an
error, never a silent fallback: the rules alone were measured to be far
worse on real text.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..errors import DataError
from .analysis import Analysis
from .segment import EVENT_GROUPS
from .value_features import DocContext, bucket

MODEL_FILE = "value_model.json"


@dataclass(frozen=True)
class LinearModel:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Models:
    values: LinearModel
    gate: LinearModel


def _linear(block: dict, where: str) -> LinearModel:
    try:
        return LinearModel(
            {str(k): float(v) for k, v in block["weights"].items()}, float(block["bias"]), float(block["threshold"])
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"{MODEL_FILE}: {where} needs numeric weights, bias and threshold ({exc})") from exc


def models_from(data: dict) -> Models:
    return Models(
        _linear(data.get("values") or {}, "values"),
        _linear(data.get("gate") or {}, "gate"),
    )


@cache
def shipped_models() -> Models:
    ref = resources.files("recruitwatch.extract").joinpath("data").joinpath(MODEL_FILE)
    try:
        data = json.loads(ref.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"bundled model {MODEL_FILE} is missing: run scripts/fit_values.py --write") from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"bundled model {MODEL_FILE} is not valid JSON: {exc}") from exc
    return models_from(data)


def gate_features(ctx: DocContext) -> dict[str, float]:
    """Does the text tell of a particular victim, or of a pattern? Document-level signs."""
    doc: Analysis = ctx.doc
    n = max(1, len(doc.sentences))
    out = {
        "relevance": ctx.relevance,
        f"drafts={bucket(ctx.n_drafts, (0, 1, 2))}": 1.0,
        f"anchors={bucket(len(ctx.anchors), (0, 1, 3, 8))}": 1.0,
        "anchor_share": len(ctx.anchors) / n,
        "general_share": len(ctx.general) / n,
        "hedged_share": len(ctx.hedged) / n,
        "log_sentences": math.log1p(n),
        "named": 1.0 if doc.hits.get("names") else 0.0,
    }
    for group in ("cues", "statuses", "outcomes", "methods", "perpetrators"):
        for concept in {m.concept for m in doc.all_hits(group)}:
            out[f"has:{group}:{concept}"] = 1.0
    events = {s for group in EVENT_GROUPS for s in doc.hits.get(group, {})}
    anchored_events = [s for s in ctx.anchors if s in events]
    out["log_anchored_events"] = math.log1p(len(anchored_events))
    out["anchored_event_share"] = len(anchored_events) / n
    out["anchored_event_plain"] = 1.0 if any(s not in ctx.general and s not in ctx.hedged for s in anchored_events) else 0.0
    event_clauses = {
        ctx.clause(doc.sentence_of(m.start), m.start)
        for group in ("methods", "outcomes") for m in doc.all_hits(group)
    }
    plain = ctx.anchor_clauses - ctx.general_clauses - ctx.hedged_clauses
    out["victim_event_clause"] = 1.0 if plain & event_clauses else 0.0
    out["log_victim_event_clauses"] = math.log1p(len(plain & event_clauses))
    out["named_victim"] = 1.0 if ctx.named else 0.0
    out["named_event"] = 1.0 if ctx.named & events else 0.0
    out["headline_anchor"] = 1.0 if ctx.anchors and ctx.anchors[0] <= 1 else 0.0
    out["tally_share"] = sum(1 for s in range(len(doc.sentences)) if _has_tally(ctx, s)) / n
    return out


def _has_tally(ctx: DocContext, sentence: int) -> bool:
    """A number of a hundred or more that is not a year: "902 citizens", "48,000 prisoners"."""
    for i in ctx.doc.token_range(sentence):
        word = ctx.doc.tokens[i].text
        if word.isdigit() and len(word) >= 3 and not (len(word) == 4 and word[:2] in ("19", "20")):
            return True
    return False
