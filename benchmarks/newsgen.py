"""Realistic irrelevant news for benchmarks: ~3 KB articles built from a bank of ordinary sentences."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

BANK = yaml.safe_load((Path(__file__).with_name("news_bank.yaml")).read_text(encoding="utf-8"))


def articles(n: int, size: int = 3000, seed: int = 7):
    """n articles of about `size` bytes of UTF-8 each, in turn English, Russian, Uzbek."""
    rng = random.Random(seed)
    langs = ("en", "ru", "uz")
    for i in range(n):
        sentences = BANK[langs[i % 3]]
        parts, length = [], 0
        while length < size:
            s = rng.choice(sentences)
            # vary numbers so texts are not byte-identical
            s = s.replace("ten", str(rng.randint(2, 40)), 1) if rng.random() < 0.3 else s
            parts.append(s)
            length += len(s.encode("utf-8")) + 1
            if rng.random() < 0.2:
                parts.append("\n\n")
        yield " ".join(parts)
