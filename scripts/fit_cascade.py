"""Check the cascade's cheap stage on the annotated corpora and measure its stop score.

The cheap stage (extract/cascade.py) learns nothing: it is a necessary condition
read from the lexicons. This script shows, per corpus, that it keeps every text
full analysis calls relevant, how many texts it stops, and how many of those the
annotators marked relevant. That share (Laplace-smoothed, over the corpora
given) is the relevance_score a stopped text gets; with --write it is stored in
data/cascade.yaml. tests/heldout is reported but never used for the score.

    python scripts/fit_cascade.py [--write] [CORPUS ...]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from recruitwatch.evaluate import load_gold
from recruitwatch.extract.cascade import triage
from recruitwatch.extract.pipeline import judged_relevant
from recruitwatch.text.langid import detect_language
from recruitwatch.text.reader import read_input

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "src" / "recruitwatch" / "extract" / "data" / "cascade.yaml"
DEFAULT = [ROOT / "tests" / "corpus", ROOT.parent / "shared" / "corpus" / "real"]
HELDOUT = ROOT / "tests" / "heldout"


def survey(corpus: Path) -> dict:
    counts = {"texts": 0, "full_relevant": 0, "missed": [], "stopped": 0, "stopped_gold_relevant": 0}
    for path, gold in load_gold(corpus):
        text = read_input(str(path)).text
        lang = detect_language(text)
        if lang == "und":
            continue
        stopped = not triage(text, lang).likely_relevant
        counts["texts"] += 1
        if judged_relevant(text, lang):
            counts["full_relevant"] += 1
            if stopped:
                counts["missed"].append(path.name)
        if stopped:
            counts["stopped"] += 1
            counts["stopped_gold_relevant"] += bool(gold.get("relevant"))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--write", action="store_true", help="store the stop score in data/cascade.yaml")
    args = parser.parse_args()
    corpora = [c for c in (args.corpora or DEFAULT) if c.is_dir()]
    stopped = relevant = 0
    for corpus in corpora + ([HELDOUT] if HELDOUT.is_dir() and HELDOUT not in corpora else []):
        c = survey(corpus)
        print(f"{corpus.name}: {c['texts']} texts, {c['full_relevant']} relevant to full analysis, "
              f"{len(c['missed'])} of them stopped {c['missed']}; stopped {c['stopped']} "
              f"({c['stopped'] / max(1, c['texts']):.0%}), {c['stopped_gold_relevant']} of those annotated relevant")
        if corpus in corpora:
            stopped += c["stopped"]
            relevant += c["stopped_gold_relevant"]
    score = round((relevant + 1) / (stopped + 2), 3)
    print(f"stop score (annotated-relevant share among stopped texts, Laplace): {score}")
    if args.write:
        text = CONFIG.read_text(encoding="utf-8")
        CONFIG.write_text(re.sub(r"(?m)^stop_score: .*$", f"stop_score: {score}", text), encoding="utf-8")


if __name__ == "__main__":
    main()
