"""Pairwise precision and recall of linking against a gold clustering of reports."""

from __future__ import annotations

from itertools import combinations


def pairwise(gold: dict[str, str], predicted: dict[str, set[int]]) -> dict:
    """gold: report -> incident label; predicted: report -> incidents it was linked to.

    A pair of reports is predicted together when they share an incident, and is
    truly together when their gold labels are equal.
    """
    reports = sorted(gold)
    tp = fp = fn = 0
    wrong: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    for a, b in combinations(reports, 2):
        together = bool(predicted.get(a, set()) & predicted.get(b, set()))
        truly = gold[a] == gold[b]
        if together and truly:
            tp += 1
        elif together:
            fp += 1
            wrong.append((a, b))
        elif truly:
            fn += 1
            missed.append((a, b))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "pairs_true": tp + fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "wrongly_linked": wrong,
        "missed": missed,
    }
