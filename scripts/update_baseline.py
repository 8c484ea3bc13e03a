"""Record the dev-corpus scores as the quality baseline (tests/corpus/baseline.json).

Run after an improvement: python scripts/update_baseline.py. `make test`
fails when a change scores below this baseline (tests/test_evaluation.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from recruitwatch.evaluate import evaluate_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


def main() -> None:
    scores = evaluate_corpus(CORPUS)
    baseline = {
        "documents": scores["documents"],
        "relevance_f1": scores["relevance"]["f1"],
        "micro_f1": scores["micro"]["f1"],
        "fields_f1": {name: s["f1"] for name, s in scores["fields"].items()},
    }
    (CORPUS / "baseline.json").write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(baseline, indent=2))


if __name__ == "__main__":
    main()
