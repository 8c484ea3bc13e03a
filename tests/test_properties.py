"""Properties of extraction over arbitrary text: valid offsets, deterministic output."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from recruitwatch.extract.pipeline import extract_text

from .conftest import SEED_NOTICES, SEED_YUSUF

PIECES = [
    SEED_YUSUF.read_text(encoding="utf-8"),
    SEED_NOTICES.read_text(encoding="utf-8"),
    "Гражданина Таджикистана задержали в Уфе и под угрозой депортации заставили подписать контракт.",
    "Moskvada oʻzbekistonlik migrant politsiya tomonidan ushlanib, urushga yuborildi.",
    "\n\n",
    "«",
    "ст. 359 УК РФ",
]


@st.composite
def mixed_texts(draw):
    parts = draw(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=80)), max_size=6))
    return "".join(parts)


@settings(max_examples=40, deadline=None)
@given(mixed_texts())
def test_every_quote_is_the_text_at_its_offsets(text):
    record = extract_text(text, published=dt.date(2025, 4, 9))
    for incident in record["incidents"]:
        for e in incident["evidence"]:
            assert 0 <= e["start"] < e["end"] <= len(text)
            assert text[e["start"] : e["end"]] == e["quote"]


@settings(max_examples=20, deadline=None)
@given(mixed_texts())
def test_extraction_is_deterministic(text):
    assert extract_text(text) == extract_text(text)
