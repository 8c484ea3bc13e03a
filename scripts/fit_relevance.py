"""Fit the relevance weights (data/relevance.yaml) by regularised logistic regression.

The features are the interpretable ones of extract/relevance.py; fitting them on
the annotated dev corpus calibrates the score (a 0.8 means about 8 in 10 such
texts are relevant). Strong L2 regularisation keeps the weights near the
hand-set prior, so a small corpus cannot push them to extremes. Prints the
Brier score and expected calibration error before and after; with --write,
stores the new weights.

    python scripts/fit_relevance.py [--write] [--l2 1.0] [CORPUS ...]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import yaml

from recruitwatch.evaluate import load_gold
from recruitwatch.extract.analysis import analyse
from recruitwatch.extract.relevance import score_relevance
from recruitwatch.text.langid import detect_language
from recruitwatch.text.reader import read_input

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "src" / "recruitwatch" / "extract" / "data" / "relevance.yaml"


def dataset(corpora: list[Path]):
    rows, labels, names = [], [], None
    for corpus in corpora:
        for path, gold in load_gold(corpus):
            text = read_input(str(path)).text
            features = score_relevance(analyse(text, detect_language(text))).features
            names = names or list(features)
            rows.append([features[n] for n in names])
            labels.append(1.0 if gold.get("relevant") else 0.0)
    return np.array(rows), np.array(labels), names


def calibration(p: np.ndarray, y: np.ndarray, bins: int = 5) -> tuple[float, float]:
    brier = float(np.mean((p - y) ** 2))
    ece = 0.0
    for lo in np.linspace(0, 1, bins, endpoint=False):
        mask = (p >= lo) & (p < lo + 1 / bins)
        if mask.any():
            ece += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return brier, float(ece)


def fit(x, y, prior_w, prior_b, l2: float, steps: int = 20000, lr: float = 0.05):
    """Gradient descent on log-loss + l2 * |w - prior|^2 (the prior is the hand-set weights)."""
    w, b = prior_w.copy(), prior_b
    for _ in range(steps):
        z = x @ w + b
        p = 1 / (1 + np.exp(-z))
        grad_w = x.T @ (p - y) / len(y) + 2 * l2 * (w - prior_w) / len(y)
        grad_b = float(np.mean(p - y))
        w -= lr * grad_w
        b -= lr * grad_b
    return w, b


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpora", nargs="*", type=Path, default=[ROOT / "tests" / "corpus"])
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    x, y, names = dataset(args.corpora)
    prior_w = np.array([float(config["weights"][n]) for n in names])
    prior_b = float(config["bias"])
    before = 1 / (1 + np.exp(-(x @ prior_w + prior_b)))
    w, b = fit(x, y, prior_w, prior_b, args.l2)
    after = 1 / (1 + np.exp(-(x @ w + b)))
    for label, p in (("hand-set", before), ("fitted", after)):
        brier, ece = calibration(p, y)
        errors = int(((p >= 0.5) != (y == 1)).sum())
        print(f"{label:9} Brier {brier:.4f}  ECE {ece:.4f}  errors {errors}/{len(y)}")
    print("bias", round(b, 3), {n: round(float(v), 3) for n, v in zip(names, w, strict=True)})
    if args.write:
        text = CONFIG.read_text(encoding="utf-8")
        lines = []
        for line in text.splitlines():
            key = line.strip().split(":")[0]
            if line.startswith("bias:"):
                line = f"bias: {b:.3f}"
            elif line.startswith("  ") and key in names:
                comment = line.split("#", 1)[1] if "#" in line else ""
                value = f"{float(w[names.index(key)]):.3f}"
                line = f"  {key}: {value}"
                line = f"{line.ljust(max(21, len(line) + 2))}# {comment.strip()}" if comment else line
            lines.append(line)
        CONFIG.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"written to {CONFIG.relative_to(ROOT)}")
    if not math.isfinite(b):
        raise SystemExit("fit diverged")


if __name__ == "__main__":
    main()
