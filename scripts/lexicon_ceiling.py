"""Recall ceiling of the lexicons: which gold values are found anywhere in their document.

A dev tool for lexicon work. Extraction can only return a value some accepted
lexicon match supports, so the share of gold values that an accepted match
exists for (anywhere in the relevant document, after negation, modality and
context) bounds the recall of methods, outcomes and perpetrators. Misses show
what vocabulary is missing; `--blocked` lists matches that negation or
modality cancelled, with the gold verdict, to check those rules.

    PYTHONPATH=src python scripts/lexicon_ceiling.py ../shared/corpus/real [--misses] [--blocked]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from recruitwatch.evaluate import document_values, load_gold
from recruitwatch.extract import analysis
from recruitwatch.text.langid import detect_language
from recruitwatch.text.reader import read_input

FIELDS = ("perpetrators", "methods", "outcomes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--misses", action="store_true", help="list gold values no match supports")
    parser.add_argument("--blocked", action="store_true", help="list matches cancelled by modality")
    args = parser.parse_args()

    blocked: list[tuple] = []
    if args.blocked:
        original = analysis._modal

        def recording(doc, m, scopes):
            cancelled = original(doc, m, scopes)
            if cancelled:
                start, end = doc.sentences[doc.sentence_of(m.start)]
                blocked.append((m.group, m.concept, doc.text[m.start : m.end], doc.text[start:end][:160]))
            return cancelled

        analysis._modal = recording

    total, hit, candidates = Counter(), Counter(), Counter()
    misses = []
    for path, gold in load_gold(args.corpus):
        if not gold.get("relevant") or not gold.get("incidents"):
            continue
        text = read_input(str(path)).text
        start = len(blocked)
        doc = analysis.analyse(text, detect_language(text))
        gold_all = {f: document_values(gold, f) for f in FIELDS}
        for group, concept, quote, sentence in blocked[start:]:
            verdict = "GOLD" if concept.lower() in gold_all.get(group, set()) else "    "
            print(f"blocked {path.name[:36]:36s} {group[:5]} {concept:18s} {verdict} {quote!r} :: {sentence!r}")
        for field in FIELDS:
            found = {m.concept.lower() for m in doc.all_hits(field)}
            total[field] += len(gold_all[field])
            hit[field] += len(gold_all[field] & found)
            candidates[field] += len(found)
            misses += [(path.name[:40], field, v) for v in sorted(gold_all[field] - found)]
    for field in FIELDS:
        share = hit[field] / max(1, total[field])
        print(f"{field:13s} gold {total[field]:4d}  found {hit[field]:4d} ({share:.2f})  candidates {candidates[field]}")
    if args.misses:
        for name, field, value in misses:
            print("miss", name, field, value)


if __name__ == "__main__":
    main()
