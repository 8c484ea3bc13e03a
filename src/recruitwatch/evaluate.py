"""Score the extractor against an annotated corpus (tests/corpus/README.md).

Fields are compared as document-level sets of values (the union over
incidents), so a value counts once per document whichever incident holds it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import yaml

from .errors import UsageError
from .extract.pipeline import extract_text
from .text.reader import read_input

INCIDENT_SET_FIELDS = (
    "victim_nationalities",
    "victim_status",
    "victim_count",
    "victim_names",
    "location_country",
    "location_regions",
    "perpetrators",
    "methods",
    "outcomes",
    "date",
)
DOC_FIELDS = ("legal_refs", "organisations")
FIELDS = INCIDENT_SET_FIELDS + DOC_FIELDS
# Identity details (optional key `victim_details`): scored only on documents whose gold has them.
DETAIL_KEYS = ("name", "given_name", "patronymic", "surname", "initials", "age", "home_locality", "court", "sentence")
_APOS = str.maketrans({c: "'" for c in "’‘ʻʼ`"})


def _norm(value) -> str:
    text = unicodedata.normalize("NFC", str(value)).translate(_APOS)
    return " ".join(text.casefold().replace("ё", "е").split())


def document_values(record: dict, field: str) -> set[str]:
    if field in DOC_FIELDS:
        return {_norm(v) for v in record.get(field) or ()}
    values: set[str] = set()
    for incident in record.get("incidents") or ():
        value = incident.get(field)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is None or item == "unknown" or item == "":
                continue
            values.add(_norm(item))
    return values


def detail_values(record: dict, key: str) -> set[str]:
    """One key of every incident's victim_details, as a document-level set like the other fields."""
    return {
        _norm(item[key])
        for incident in record.get("incidents") or ()
        for item in incident.get("victim_details") or ()
        if item.get(key) not in (None, "")
    }


def has_details(gold: dict) -> bool:
    return any("victim_details" in incident for incident in gold.get("incidents") or ())


def load_gold(corpus: Path) -> list[tuple[Path, dict]]:
    if not corpus.is_dir():
        raise UsageError(f"{corpus}: not a folder of ID.txt + ID.yaml pairs")
    pairs = []
    for text_path in sorted(corpus.glob("*.txt")):
        gold_path = text_path.with_suffix(".yaml")
        if not gold_path.exists():
            continue
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}
        gold.setdefault("incidents", [])
        pairs.append((text_path, gold))
    if not pairs:
        raise UsageError(f"{corpus}: no annotated texts (ID.txt with ID.yaml) found")
    return pairs


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def evaluate_corpus(corpus: Path) -> dict:
    counts = {f: [0, 0, 0] for f in FIELDS}
    details = {k: [0, 0, 0] for k in DETAIL_KEYS}
    detail_documents = 0
    rel = [0, 0, 0]
    incident_counts = {"gold": 0, "predicted": 0, "documents_with_equal_count": 0}
    trend = {"texts": 0, "without_incident": 0}  # relevant texts whose gold has no incident
    brier = 0.0
    disagreements = []
    pairs = load_gold(Path(corpus))
    for text_path, gold in pairs:
        published = gold.get("published")
        if isinstance(published, str):
            published = dt.date.fromisoformat(published)
        record = extract_text(read_input(str(text_path)).text, source=text_path.name, published=published)
        g_rel, p_rel = bool(gold.get("relevant")), bool(record["relevant"])
        rel[0] += g_rel and p_rel
        rel[1] += p_rel and not g_rel
        rel[2] += g_rel and not p_rel
        brier += (record["relevance_score"] - (1.0 if g_rel else 0.0)) ** 2
        if g_rel != p_rel:
            disagreements.append((text_path.name, "relevant", [g_rel], [p_rel]))
        n_gold, n_pred = len(gold["incidents"]), len(record["incidents"])
        incident_counts["gold"] += n_gold
        incident_counts["predicted"] += n_pred
        incident_counts["documents_with_equal_count"] += n_gold == n_pred
        if g_rel and not n_gold:
            trend["texts"] += 1
            trend["without_incident"] += not n_pred
        for field in FIELDS:
            g = document_values(gold, field)
            p = document_values(record, field)
            counts[field][0] += len(g & p)
            counts[field][1] += len(p - g)
            counts[field][2] += len(g - p)
            if g != p:
                disagreements.append((text_path.name, field, sorted(g - p), sorted(p - g)))
        if has_details(gold):
            detail_documents += 1
            for key in DETAIL_KEYS:
                g, p = detail_values(gold, key), detail_values(record, key)
                details[key][0] += len(g & p)
                details[key][1] += len(p - g)
                details[key][2] += len(g - p)
                if g != p:
                    disagreements.append((text_path.name, f"victim_details.{key}", sorted(g - p), sorted(p - g)))
    fields = {f: _prf(*c) for f, c in counts.items()}
    micro = _prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return {
        "documents": len(pairs),
        "relevance": {**_prf(*rel), "brier": round(brier / len(pairs), 4)},
        "fields": fields,
        "micro": micro,
        "incidents": incident_counts,
        "trend": {**trend, "share": round(trend["without_incident"] / trend["texts"], 4) if trend["texts"] else None},
        # Present only where some gold incident carries victim_details; not part of `micro`.
        **({"victim_details": {"documents": detail_documents, **{k: _prf(*c) for k, c in details.items()}}} if detail_documents else {}),
        "disagreements": [
            {"document": d, "field": f, "missed": m, "spurious": s} for d, f, m, s in disagreements
        ],
    }


def print_scores(scores: dict, details: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    r = scores["relevance"]
    console.print(
        f"[bold]{scores['documents']} documents[/]  relevance P {r['precision']:.3f}  R {r['recall']:.3f}  "
        f"F1 {r['f1']:.3f}  (Brier {r['brier']:.3f})"
    )
    table = Table(title="Fields (document-level sets of values)")
    for col in ("field", "P", "R", "F1", "tp", "fp", "fn"):
        table.add_column(col, justify="right" if col != "field" else "left")
    for name, s in scores["fields"].items():
        table.add_row(name, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["tp"]), str(s["fp"]), str(s["fn"]))
    m = scores["micro"]
    table.add_row("[bold]micro[/]", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"[bold]{m['f1']:.3f}[/]", str(m["tp"]), str(m["fp"]), str(m["fn"]))
    console.print(table)
    if "victim_details" in scores:
        d = scores["victim_details"]
        table = Table(title=f"Identity details (victim_details, {d['documents']} documents with gold details)")
        for col in ("key", "P", "R", "F1", "tp", "fp", "fn"):
            table.add_column(col, justify="right" if col != "key" else "left")
        for key in DETAIL_KEYS:
            s = d[key]
            table.add_row(key, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["tp"]), str(s["fp"]), str(s["fn"]))
        console.print(table)
    i = scores["incidents"]
    console.print(
        f"incidents: gold {i['gold']}, predicted {i['predicted']}, "
        f"documents with the same number {i['documents_with_equal_count']}/{scores['documents']}"
    )
    t = scores.get("trend") or {}
    if t.get("texts"):
        console.print(f"relevant texts with no incident in gold (trend): {t['without_incident']}/{t['texts']} given none")
    if details:
        for d in scores["disagreements"]:
            console.print(f"{d['document']}  {d['field']}: missed {d['missed']} spurious {d['spurious']}", markup=False)
