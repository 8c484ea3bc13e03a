"""The extraction contract: shape, vocabularies and evidence of every record."""

from __future__ import annotations

import datetime as dt

import pycountry

from recruitwatch import vocab
from recruitwatch.extract.pipeline import extract_text

from .conftest import SEED_NOTICES

COUNTRY_CODES = {c.alpha_2 for c in pycountry.countries}
REGION_CODES = {s.code for s in pycountry.subdivisions}


def assert_valid_record(record: dict, text: str) -> None:
    assert set(record) >= {"source", "language", "relevant", "relevance_score", "incidents", "legal_refs", "organisations"}
    assert 0.0 <= record["relevance_score"] <= 1.0
    for incident in record["incidents"]:
        assert set(vocab.INCIDENT_FIELDS) <= set(incident)
        assert set(incident["victim_nationalities"]) <= COUNTRY_CODES
        assert incident["victim_status"] in vocab.VICTIM_STATUSES
        assert set(incident["perpetrators"]) <= set(vocab.PERPETRATORS)
        assert set(incident["methods"]) <= set(vocab.METHODS)
        assert set(incident["outcomes"]) <= set(vocab.OUTCOMES)
        assert set(incident["location_regions"]) <= REGION_CODES
        assert incident["location_country"] in COUNTRY_CODES | {None}
        backed = {(e["field"], str(e["value"])) for e in incident["evidence"]}
        for e in incident["evidence"]:
            assert e["quote"] == text[e["start"] : e["end"]]
            assert e["quote"].strip()
        for field, is_list in vocab.INCIDENT_FIELDS.items():
            values = incident[field] if is_list else [incident[field]]
            for value in values:
                if value is None or value == "unknown":
                    continue
                assert (field, str(value)) in backed, f"{field}={value} has no evidence"


def test_yusuf_seed_extracts_the_police_pressure_incident(yusuf_text):
    record = extract_text(yusuf_text, source="seed", published=dt.date(2025, 4, 9))
    assert_valid_record(record, yusuf_text)
    assert record["language"] == "en"
    assert record["relevant"] and record["relevance_score"] > 0.8
    yusuf = next(i for i in record["incidents"] if "Yusuf" in i["victim_names"])
    assert yusuf["victim_nationalities"] == ["UZ"]
    assert yusuf["location_regions"] == ["RU-MOW"]
    assert "police" in yusuf["perpetrators"]
    assert {"raid_detention", "physical_violence", "debt_leverage", "document_confiscation"} <= set(yusuf["methods"])
    assert {"refused", "released", "returned_home"} <= set(yusuf["outcomes"])
    assert {"UZ/CC/154", "UZ/CC/154-1"} <= set(record["legal_refs"])


def test_without_published_date_a_day_and_month_give_no_year(yusuf_text):
    record = extract_text(yusuf_text, source="seed")
    yusuf = next(i for i in record["incidents"] if "Yusuf" in i["victim_names"])
    assert yusuf["date"] is None


def test_notices_seed_separates_the_two_victims():
    text = SEED_NOTICES.read_text(encoding="utf-8")
    record = extract_text(text, source="seed")
    assert_valid_record(record, text)
    assert record["relevant"]
    assert len(record["incidents"]) >= 2
    regions = [set(i["location_regions"]) for i in record["incidents"]]
    assert {"RU-MOW"} in regions and {"RU-BA"} in regions
    assert "RU/115-FZ/15" in record["legal_refs"]


def test_general_news_is_not_relevant():
    text = (
        "The central bank kept its key rate unchanged on Friday, citing slowing inflation. "
        "Analysts expect the rouble to remain stable through the end of the quarter, while "
        "exporters reported higher revenues from grain shipments to Egypt and Turkey."
    )
    record = extract_text(text)
    assert not record["relevant"]
    assert record["incidents"] == []
