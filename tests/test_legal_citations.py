"""Legal references in all the ways texts cite them."""

from __future__ import annotations

import pytest

from recruitwatch.extract.pipeline import extract_text


@pytest.mark.parametrize(
    "text,codes",
    [
        ("According to Article 15 of the Federal Law “On the legal status of foreign citizens in the Russian Federation”, foreigners cannot be called up.", {"RU/115-FZ/15"}),
        ("Under Articles 154 and 154-1 of the Criminal Code of the Republic of Uzbekistan this is a crime.", {"UZ/CC/154", "UZ/CC/154-1"}),
        ("He was convicted under Article 154, Part 1 of the Uzbek Criminal Code.", {"UZ/CC/154.1"}),
        ("Ему грозит ст. 359 УК РФ за наёмничество.", {"RU/CC/359"}),
        ("Дело возбуждено по ч. 1 ст. 208 УК РФ.", {"RU/CC/208.1"}),
        ("U Jinoyat kodeksining 154-moddasi bilan ayblandi.", {"UZ/CC/154"}),
        ("Art. 15 of Federal Law No. 115-FZ bars conscription of foreigners.", {"RU/115-FZ/15"}),
    ],
)
def test_citations_become_contract_codes(text, codes):
    assert codes <= set(extract_text(text)["legal_refs"])


def test_an_article_without_its_law_cites_nothing():
    assert extract_text("Article 15 says so, the lawyer added.")["legal_refs"] == []
