"""Build src/recruitwatch/demo/articles.jsonl from the dev corpus (texts the team wrote).

The demo ships inside the package so that `make run` works from an installed
wheel; this script keeps it in step with tests/corpus. Run it after editing
the corpus: python scripts/build_demo_corpus.py
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
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
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} articles written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
