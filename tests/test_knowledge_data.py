"""The bundled knowledge files: valid codes, known vocabulary ids, a source note each."""

from __future__ import annotations

import re
from importlib import resources

import pycountry
import pytest
import yaml

from recruitwatch import vocab
from recruitwatch.extract.data_files import load_data

DATA = resources.files("recruitwatch.extract").joinpath("data")
CONCEPT_VOCABS = {
    "methods.yaml": set(vocab.METHODS),
    "perpetrators.yaml": set(vocab.PERPETRATORS) - {"unknown"},
    "outcomes.yaml": set(vocab.OUTCOMES),
    "statuses.yaml": set(vocab.VICTIM_STATUSES) - {"unknown"},
}


def load(name: str) -> dict:
    return yaml.safe_load(DATA.joinpath(name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(e.name for e in DATA.iterdir() if e.name.endswith(".yaml")))
def test_every_data_file_says_where_it_comes_from(name):
    assert str(load(name).get("source", "")).strip()


@pytest.mark.parametrize("name,ids", sorted(CONCEPT_VOCABS.items()))
def test_concept_files_cover_the_contract_vocabulary_in_three_languages(name, ids):
    concepts = load(name)["concepts"]
    assert set(concepts) == ids
    for concept, spec in concepts.items():
        for lang in ("en", "ru", "uz"):
            assert spec["forms"].get(lang), f"{name}:{concept} has no {lang} forms"


def test_every_iso_country_has_names_and_demonyms():
    entries = {e["code"]: e for e in load("countries.yaml")["countries"]}
    assert {c.alpha_2 for c in pycountry.countries} <= set(entries)
    for code, entry in entries.items():
        assert entry["names"].get("en") and entry["names"].get("ru") and entry["names"].get("uz"), code
    for code in ("UZ", "TJ", "KG", "KZ", "NP", "IN", "LK", "CU", "SY"):
        assert entries[code]["demonyms"].get("en") and entries[code]["demonyms"].get("ru"), code


def test_every_russian_federal_subject_and_occupied_region_is_in_the_gazetteer():
    data = load("regions.yaml")
    codes = {r["code"] for r in data["regions"]}
    assert {s.code for s in pycountry.subdivisions.get(country_code="RU")} <= codes
    assert {"UA-14", "UA-09", "UA-23", "UA-65", "UA-43"} <= codes
    assert all(c["region"] in codes for c in data["cities"])


def test_every_titled_article_has_a_code_in_the_contracts_form():
    data = load_data("recruitwatch.legal", "article_titles.yaml")
    code = re.compile(r"^[A-Z]{2,3}/[A-Za-z0-9.-]+/[0-9][0-9A-Za-z.()-]*$")
    for item in data["titles"]:
        codes = [item["code"]] if item.get("code") else list(item["codes"].values())
        assert codes and all(code.match(c) for c in codes), item
        assert all(c.startswith(country + "/") for country, c in (item.get("codes") or {}).items()), item
        assert item["keys"] and all(k == k.lower() for k in item["keys"]), item  # the fast pre-check
        for forms in item["forms"].values():
            for form in forms:
                re.compile(form)
