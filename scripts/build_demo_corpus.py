"""Build src/recruitwatch/demo/articles.jsonl from the dev corpus and the linking set (texts the team wrote).

The demo ships inside the package so that `make run` works from an installed
wheel; this script keeps it in step with tests/corpus and tests/linking. The
linking set's reports come with their outlets' addresses and headlines, so the
demo shows one story told by several outlets in two or three languages, and
look-alike cases kept apart. Run it after editing either:
python scripts/build_demo_corpus.py
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
LINKING = ROOT / "tests" / "linking" / "reports.jsonl"
OUT = ROOT / "src" / "recruitwatch" / "demo" / "articles.jsonl"


def main() -> None:
    lines = []
    for path in sorted(CORPUS.glob("*.txt")):
        if path.name.startswith("seed_"):
            continue  # the seeds are published articles: kept for tests, not redistributed
        gold = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        published = gold.get("published")
        lines.append(
            json.dumps(
                {
                    "id": path.stem,
                    "language": gold.get("language"),
                    "published": str(published) if published else None,
                    "text": path.read_text(encoding="utf-8"),
                },
                ensure_ascii=False,
            )
        )
    for line in LINKING.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        report = json.loads(line)
        lines.append(
            json.dumps(
                {
                    "id": f"linking_{report['id']}",
                    "language": report.get("language"),
                    "published": report.get("published"),
                    "url": report["url"],
                    "title": report["text"].split("\n", 1)[0].strip(),
                    "text": report["text"],
                },
                ensure_ascii=False,
            )
        )
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} articles written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
