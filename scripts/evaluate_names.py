"""Precision and recall of the named-victim decision alone (extract/roles.py) on an annotated corpus.

`recruitwatch eval` scores victim_names after relevance and incident
segmentation, so a missed relevant text hides every name in it. This scores
the names decided on every text the gold calls relevant, as document-level
sets, to tell the name finder's errors from the rest.

    python scripts/evaluate_names.py [corpus folder] [--details]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def evaluate(corpus: Path) -> dict:
    from recruitwatch.evaluate import _norm, _prf, load_gold
    from recruitwatch.extract.analysis import analyse
    from recruitwatch.extract.roles import victims
    from recruitwatch.text.langid import detect_language
    from recruitwatch.text.reader import read_input

    tp = fp = fn = 0
    disagreements = []
    for text_path, gold in load_gold(corpus):
        if not gold.get("relevant"):
            continue
        expected = {_norm(n) for i in gold["incidents"] for n in i.get("victim_names") or ()}
        text = read_input(str(text_path)).text
        found = {_norm(p.value) for p in victims(analyse(text, detect_language(text)))}
        tp, fp, fn = tp + len(expected & found), fp + len(found - expected), fn + len(expected - found)
        if expected != found:
            disagreements.append((text_path.name, sorted(expected - found), sorted(found - expected)))
    return {**_prf(tp, fp, fn), "disagreements": disagreements}


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    scores = evaluate(Path(args[0]) if args else ROOT / "tests" / "corpus")
    if "--details" in argv:
        for name, missed, spurious in scores["disagreements"]:
            print(f"{name}: missed {missed} spurious {spurious}")
    print(f"named victims on gold-relevant texts: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, "
          f"F1 {scores['f1']:.3f} (tp {scores['tp']}, fp {scores['fp']}, fn {scores['fn']})")


if __name__ == "__main__":
    main(sys.argv[1:])
