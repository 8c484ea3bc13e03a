"""Fit the Fellegi-Sunter weights of incident linking (link/data/link_weights.json), with cross-validation.

Every pair of incident mentions from two different relevant reports of the
linking sets is compared (link/compare.py); a pair is a match when the gold
incidents agree. m = P(level | match), u = P(level | non-match), smoothed;
the weight of a level is log2(m/u). The link threshold is the lowest score at
which the training pairs keep precision >= TARGET_PRECISION; the review
threshold (possible duplicates for an analyst) is REVIEW_BELOW below it.

Figures are grouped k-fold over incidents (a pair is tested only when both of
its reports are in the held-out fold), pooled over folds: training-set scores
are no measurement.

    python scripts/fit_link_weights.py [--folds 5] [--write] [sets...]
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT / "tests" / "linking" / "reports.jsonl", ROOT.parent / "shared" / "corpus" / "real-linking" / "reports.jsonl"]
OUT = ROOT / "src" / "recruitwatch" / "link" / "data" / "link_weights.json"
SMOOTHING = 1.0  # pseudo-count per level: a level never seen among matches is rare, not impossible
TARGET_PRECISION = 0.98
REVIEW_BELOW = 6.0  # bits below the link threshold that still go to an analyst as possible duplicates


def mentions(paths: list[Path]) -> list[dict]:
    """Every incident mention of every relevant report of the sets, with its gold incident."""
    import datetime as dt

    from recruitwatch.extract.pipeline import extract_text
    from recruitwatch.vocab import contract_fields

    found = []
    for path in paths:
        if not path.exists():
            print(f"skipped {path}: not found")
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            published = dt.date.fromisoformat(row["published"]) if row.get("published") else None
            record = extract_text(row["text"], source=row.get("url") or row["id"], published=published)
            if not record["relevant"]:
                continue
            for position, incident in enumerate(record["incidents"]):
                fields = contract_fields(incident)
                fields["victim_details"] = incident.get("victim_details") or []
                found.append({"report": f"{path.parent.name}/{row['id']}", "position": position,
                              "gold": f"{path.parent.name}/{row['incident']}", "fields": fields})
    return found


def pairs(found: list[dict]) -> list[tuple[dict, dict, dict[str, str], bool]]:
    from recruitwatch.link.compare import compare

    out = []
    for a, b in combinations(found, 2):
        if a["report"] != b["report"]:
            out.append((a, b, compare(a["fields"], b["fields"]), a["gold"] == b["gold"]))
    return out


def fit(training) -> dict:
    from recruitwatch.link.compare import COMPARISONS

    matches = [levels for _, _, levels, same in training if same]
    others = [levels for _, _, levels, same in training if not same]
    weights = {}
    for comparison in COMPARISONS:
        m_counts = Counter(levels[comparison] for levels in matches)
        u_counts = Counter(levels[comparison] for levels in others)
        seen = sorted(set(m_counts) | set(u_counts) | set(_LEVELS.get(comparison, ())))
        m_total = len(matches) + SMOOTHING * len(seen)
        u_total = len(others) + SMOOTHING * len(seen)
        weights[comparison] = {
            level: {
                "m": round((m_counts[level] + SMOOTHING) / m_total, 4),
                "u": round((u_counts[level] + SMOOTHING) / u_total, 4),
                "weight": round(math.log2(((m_counts[level] + SMOOTHING) / m_total) / ((u_counts[level] + SMOOTHING) / u_total)), 3),
            }
            for level in seen
        }
    for comparison, level in UNINFORMATIVE:
        weights[comparison][level]["weight"] = 0.0
    for comparison, order in ORDERED.items():
        _monotone(weights[comparison], order, m_counts=Counter(levels[comparison] for levels in matches))
    model = {"weights": weights, "link_at": 0.0, "review_at": 0.0,
             "prior_bits": round(math.log2((len(matches) + SMOOTHING) / (len(others) + SMOOTHING)), 3)}
    scored = sorted(((_score(model, a, b, levels), same) for a, b, levels, same in training if not _vetoed(a, b)),
                    key=lambda item: -item[0])
    tp = fp = 0
    link_at = max(s for s, _ in scored) + 1 if scored else 0.0
    for score, same in scored:  # the lowest threshold that keeps TARGET_PRECISION
        tp, fp = tp + same, fp + (not same)
        if tp and tp / (tp + fp) >= TARGET_PRECISION:
            link_at = score
    model["link_at"] = round(link_at, 3)
    model["review_at"] = round(link_at - REVIEW_BELOW, 3)
    return model


# Levels every model knows, seen or not (so a fold without one still weighs it).
_LEVELS = {
    "name": ("full_rare", "full_common", "given_rare", "given_common", "unclear", "different", "missing"),
    "nationality": ("agree", "disagree", "missing"),
    "region": ("agree", "disagree", "missing"),
    "date": ("close", "near", "far", "missing"),
    "status": ("agree", "disagree", "missing"),
    "story": ("high", "some", "low", "missing"),
    "age": ("agree", "disagree", "missing"),
    "home": ("agree", "disagree", "missing"),
    "sentence": ("agree", "disagree", "missing"),
    "count": ("agree", "disagree", "missing"),
    "text": ("copy", "other"),
}


# Levels that identify no one, whatever the sets say: a common given name alone ("Mohammed",
# "Yusuf") is shared by thousands of men, but the sets are too small to hold two different victims
# who share one, so its u would be a guess. It weighs nothing; the other comparisons decide.
UNINFORMATIVE = (("name", "given_common"),)

# Levels from most to least telling of one incident: a weight may not rise down the list (pooled
# where the sample says otherwise, as when no two different victims happened to share a common
# given name in the sets: "Mohammed" alone must never weigh more than a rare full name).
ORDERED = {
    "name": ("full_rare", "full_common", "given_rare", "unclear", "missing", "different"),
    "date": ("close", "near", "far"),
    "story": ("high", "some", "low"),
    **{c: ("agree", "missing", "disagree") for c in ("nationality", "region", "status", "age", "home", "sentence", "count")},
}


def _monotone(levels: dict[str, dict], order: tuple[str, ...], m_counts: Counter) -> None:
    """Pool adjacent violators: weights made non-increasing along `order`, each pool's weight the
    mean of its levels' weighted by how many matching pairs showed them (plus the smoothing)."""
    blocks: list[tuple[list[str], float, float]] = []  # levels, mean weight, total count
    for level in order:
        if level not in levels:
            continue
        blocks.append(([level], levels[level]["weight"], m_counts[level] + SMOOTHING))
        while len(blocks) > 1 and blocks[-1][1] > blocks[-2][1]:
            (la, wa, na), (lb, wb, nb) = blocks[-2], blocks[-1]
            blocks[-2:] = [(la + lb, (wa * na + wb * nb) / (na + nb), na + nb)]
    for names, weight, _ in blocks:
        for level in names:
            levels[level]["weight"] = round(weight, 3)


def _score(model, a, b, levels) -> float:
    from recruitwatch.link.weights import LinkModel

    return LinkModel(model).score(levels)


def _vetoed(a, b) -> bool:
    from recruitwatch.link.incidents import must_not_link

    return must_not_link(a["fields"], b["fields"]) is not None


def evaluate(model, testing) -> Counter:
    counts = Counter()
    for a, b, levels, same in testing:
        score = None if _vetoed(a, b) else _score(model, a, b, levels)  # a vetoed pair is never linked nor asked
        linked = score is not None and score >= model["link_at"]
        review = not linked and score is not None and score >= model["review_at"]
        counts["tp" if linked and same else "fp" if linked else "fn" if same else "tn"] += 1
        if review:
            counts["review_true" if same else "review_false"] += 1
    return counts


def _figures(counts: Counter) -> str:
    p = counts["tp"] / (counts["tp"] + counts["fp"]) if counts["tp"] + counts["fp"] else 1.0
    r = counts["tp"] / (counts["tp"] + counts["fn"]) if counts["tp"] + counts["fn"] else 1.0
    return (f"P {p:.3f} R {r:.3f} (tp {counts['tp']}, fp {counts['fp']}, fn {counts['fn']}); "
            f"to review: {counts['review_true']} true, {counts['review_false']} false")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    found = mentions(args.sets or SETS)
    every = pairs(found)
    print(f"{len(found)} mentions, {len(every)} pairs, {sum(s for *_, s in every)} matching")
    incidents = sorted({m["gold"] for m in found})
    random.Random(args.seed).shuffle(incidents)
    fold_of = {incident: i % args.folds for i, incident in enumerate(incidents)}
    pooled = Counter()
    for fold in range(args.folds):
        training = [p for p in every if fold_of[p[0]["gold"]] != fold and fold_of[p[1]["gold"]] != fold]
        testing = [p for p in every if fold_of[p[0]["gold"]] == fold and fold_of[p[1]["gold"]] == fold]
        pooled += evaluate(fit(training), testing)
    print(f"{args.folds}-fold CV over incidents, pairs of mentions: Fellegi-Sunter {_figures(pooled)}")
    model = fit(every)
    print(f"all pairs (training set, not a measurement): {_figures(evaluate(model, every))}; "
          f"link at {model['link_at']}, review at {model['review_at']}")
    if args.write:
        model["fitted_on"] = [str(p.relative_to(ROOT.parent)) if p.is_relative_to(ROOT.parent) else str(p) for p in (args.sets or SETS)]
        model["cv"] = {"folds": args.folds, "seed": args.seed, **{k: pooled[k] for k in ("tp", "fp", "fn", "tn")}}
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
