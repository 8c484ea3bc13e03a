"""The legal knowledge base: what staff and victims are told about the law, and when."""

from __future__ import annotations

import re
import shutil

import pycountry
import pytest
import yaml

from recruitwatch import vocab
from recruitwatch.errors import DataError
from recruitwatch.extract.data_files import load_data
from recruitwatch.legal import provisions as kb

VOCABULARIES = {
    "victim_status": set(vocab.VICTIM_STATUSES),
    "methods": set(vocab.METHODS),
    "outcomes": set(vocab.OUTCOMES),
    "perpetrators": set(vocab.PERPETRATORS),
}


def codes(incident: dict, **options) -> list[str]:
    return [a.provision.code for a in kb.provisions_for(incident, **options)]


# ------------------------------------------------------------------------------- the bundled data


def test_every_public_provision_has_a_source_and_an_english_and_russian_gist():
    provisions = kb.load_provisions()
    public = [p for p in provisions.values() if p.verified]
    assert len(public) >= 50
    for item in public:
        assert item.sources and all(s.startswith(("http://", "https://")) for s in item.sources), (
            item.code
        )
        assert item.gist.get("en") and item.gist.get("ru"), item.code
        assert item.title.get("en") and item.title.get("ru"), item.code
        assert item.checked == "2026-03", item.code


def test_low_and_unverified_research_rows_are_kept_but_marked():
    provisions = kb.load_provisions()
    assert provisions["INT/GC3/4"].confidence == "unverified"
    assert provisions["AZ/CC/114"].confidence == "low"
    assert not provisions["INT/GC3/4"].verified and not provisions["AZ/CC/114"].verified
    assert provisions["RU/115-FZ/15"].verified


def test_every_rule_names_existing_provisions_and_contract_vocabulary():
    provisions = kb.load_provisions()
    rules = kb.load_rules()
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert set(rule.provisions) <= set(provisions), rule.id
        assert rule.why.get("en") and rule.why.get("ru"), rule.id
        for field, values in rule.when:
            if field == "victim_nationalities":
                assert all(pycountry.countries.get(alpha_2=v) for v in values), rule.id
            else:
                assert values <= VOCABULARIES[field], rule.id


def test_provisions_cited_by_article_use_the_instrument_codes_of_the_citation_parser():
    """So that a legal_ref the extractor emits finds its provision."""
    known = {i["code"] for i in load_data("recruitwatch.legal", "instruments.yaml")["instruments"]}
    for item in kb.load_provisions().values():
        if item.article is not None:
            assert item.code.removesuffix("/" + item.article) in known, item.code


def test_lookup_by_code_and_unknown_codes():
    assert kb.provision("UZ/CC/154").jurisdiction == "UZ"
    assert kb.provision("RU/CC/359").penalty["en"].startswith("Part 1: 12 to 18 years")
    assert kb.provision("RU/115-FZ/99") is None


def test_load_provisions_returns_a_copy_callers_cannot_corrupt():
    kb.load_provisions().clear()
    assert kb.provision("RU/115-FZ/15") is not None


# ------------------------------------------------------------------------------- which law bears on an incident


def test_a_foreign_migrant_who_got_a_summons_is_told_foreigners_cannot_be_conscripted():
    found = codes(
        {"victim_nationalities": ["UZ"], "victim_status": "migrant_worker", "methods": ["summons"]}
    )
    assert "RU/115-FZ/15" in found
    assert "RU/DECREE-647-2022/2" in found


def test_a_naturalised_citizen_with_a_summons_is_told_citizens_can_be_called_up_not_the_foreigners_bar():
    found = codes(
        {
            "victim_nationalities": ["TJ"],
            "victim_status": "naturalised_citizen",
            "methods": ["summons"],
        }
    )
    assert "RU/115-FZ/15" not in found
    assert {"RU/DECREE-647-2022/2", "RU/DECREE-1237", "RU/53-FZ/22", "RU/LAW-08.08.2024"} <= set(
        found
    )
    assert "RU/138-FZ" in found  # acquired citizenship can be lost


def test_an_uzbek_who_signed_a_contract_is_told_about_uzbek_mercenarism_law():
    found = codes(
        {
            "victim_nationalities": ["UZ"],
            "victim_status": "migrant_worker",
            "outcomes": ["signed_contract"],
        }
    )
    assert {"UZ/CC/154", "UZ/CC/154-1"} <= set(found)
    assert "INT/AP1/47" in found  # a soldier under contract is not a mercenary under IHL


def test_home_country_law_follows_the_victims_nationality_and_needs_service():
    signed = {"victim_status": "migrant_worker", "outcomes": ["signed_contract", "deployed"]}
    assert "KZ/CC/172" in codes({**signed, "victim_nationalities": ["KZ"]})
    assert "KG/CC/416" in codes({**signed, "victim_nationalities": ["KG"]})
    assert "TJ/CC/401(1)" in codes({**signed, "victim_nationalities": ["TJ"]})
    assert not any(c.startswith("UZ/") for c in codes({**signed, "victim_nationalities": ["KZ"]}))
    refused = {
        "victim_nationalities": ["UZ"],
        "victim_status": "migrant_worker",
        "outcomes": ["refused"],
    }
    assert not any(c.startswith("UZ/") for c in codes(refused))


def test_prisoners_are_told_about_release_for_a_contract_and_the_un_experts():
    found = codes({"victim_status": "prisoner", "methods": ["sentence_reduction"]})
    assert {"RU/270-FZ", "RU/CC/80.2", "INT/UN-EXPERTS-2023"} <= set(found)


def test_deportation_threat_brings_the_expulsion_regime_and_the_contract_exemption():
    found = codes({"victim_status": "migrant_worker", "methods": ["deportation_threat"]})
    assert {"RU/260-FZ(2024)", "RU/DECREE-1126-2024", "INT/PALERMO/3"} <= set(found)


def test_an_incident_nothing_is_known_about_gets_no_provisions():
    assert kb.provisions_for({}) == []
    assert (
        kb.provisions_for({"victim_nationalities": None, "victim_status": None, "methods": None})
        == []
    )


def test_unverified_provisions_are_left_out_unless_staff_ask_for_them():
    captured = {
        "victim_nationalities": ["AZ"],
        "victim_status": "migrant_worker",
        "outcomes": ["captured"],
    }
    public = codes(captured)
    staff = codes(captured, include_unverified=True)
    assert "INT/GC3/4" not in public and "AZ/CC/114" not in public
    assert "INT/GC3/4" in staff and "AZ/CC/114" in staff
    assert all(a.provision.verified for a in kb.provisions_for(captured))


def test_order_is_russia_then_home_countries_then_others_then_international_law():
    incident = {
        "victim_nationalities": [
            "kg",
            "UZ",
        ],  # as typed; order of the victim's nationalities is kept
        "victim_status": "migrant_worker",
        "methods": ["summons", "threat"],
        "outcomes": ["signed_contract", "captured"],
    }
    jurisdictions = [a.provision.jurisdiction for a in kb.provisions_for(incident)]
    groups = list(dict.fromkeys(jurisdictions))
    assert groups == ["RU", "KG", "UZ", "UA", "INT"]
    found = codes(incident)
    assert found == codes(dict(reversed(list(incident.items()))))  # deterministic
    assert found.index("RU/53-FZ/1") < found.index("RU/115-FZ/15")  # numbers sort as numbers


def test_each_provision_says_which_rules_selected_it_and_why():
    incident = {
        "victim_nationalities": ["UZ"],
        "victim_status": "migrant_worker",
        "methods": ["summons"],
        "outcomes": ["signed_contract"],
    }
    applied = {a.provision.code: a for a in kb.provisions_for(incident)}
    conscription_bar = applied["RU/115-FZ/15"]
    assert conscription_bar.rule_ids == ("foreigner-summons", "foreigner-contract")
    assert len(conscription_bar.reasons("ru")) == 2
    assert "призвать" in conscription_bar.reasons("ru")[0]
    assert applied["UZ/CC/154"].reasons("uz")[0].startswith("Oʻzbekiston")
    assert applied["RU/115-FZ/15"].reasons("uz") == applied["RU/115-FZ/15"].reasons(
        "ru"
    )  # falls back to Russian


# ------------------------------------------------------------------------------- languages


def test_text_falls_back_to_russian_then_english_and_says_so():
    item = kb.provision("RU/115-FZ/15")
    assert item.text("gist", "uz").startswith("Chet el fuqarolarini")
    assert not item.falls_back("gist", "uz")
    other = kb.provision("RU/CC/337")
    assert other.text("gist", "kk") == other.text("gist", "ru")  # migrants in Russia read Russian
    assert other.falls_back("gist", "kk") and other.shown_in("gist", "kk") == "ru"
    assert not other.falls_back("gist", "en")
    assert other.text("gist", "de") == other.text("gist", "en") and other.shown_in("gist", "de") == "en"
    assert kb.provision("RU/115-FZ/15").text("penalty", "ru") is None
    assert not kb.provision("RU/115-FZ/15").falls_back("penalty", "uz")
    with pytest.raises(ValueError):
        item.text("notes", "en")


@pytest.mark.parametrize("lang", ["uz", "tg", "ky"])
def test_every_gist_and_penalty_is_in_the_victims_languages_and_marked_as_our_unchecked_translation(lang):
    for item in kb.load_provisions().values():
        assert item.gist.get(lang) and not item.falls_back("gist", lang), item.code
        assert item.penalty is None or (item.penalty.get(lang) and not item.falls_back("penalty", lang)), item.code
        assert item.unchecked_translation("gist", lang)
        assert not item.unchecked_translation("gist", "ru") and not item.unchecked_translation("gist", "en")
        assert not item.unchecked_translation("gist", "kk")  # shown in Russian, the reference
        # the numbers of the reference text (terms, ages, years) are all in the translation
        for field in ("gist", "penalty"):
            english = (getattr(item, field) or {}).get("en") or ""
            translated = (getattr(item, field) or {}).get(lang) or ""
            assert set(re.findall(r"\d+", english)) <= set(re.findall(r"\d+", translated)), (item.code, field)
        if lang == "uz":
            assert "'" not in item.gist["uz"] and "’" not in item.gist["uz"], item.code  # oʻ, gʻ and ʼ
        else:  # Cyrillic, with codes such as RU/CC/78.1 kept in Latin: no word mixes the two
            mixed = [w for w in re.findall(r"\w+", item.gist[lang]) if re.search("[a-zA-Z]", w) and re.search("[а-яёА-ЯЁ]", w)]
            assert not mixed, (item.code, mixed)


def test_localise_reports_the_fallback():
    assert kb.localise({"en": "a", "ru": "б"}, "ru") == ("б", False)
    assert kb.localise({"en": "a"}, "tg") == ("a", True)
    assert kb.localise({"en": "a", "ru": "б"}, "ky") == ("б", True)
    assert kb.localised({"en": "a", "ru": "б"}, "kk") == ("б", "ru")
    assert kb.localise(None, "en") == (None, False)


# ------------------------------------------------------------------------------- broken data is refused


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of the data folder that the loader reads instead of the packaged one."""
    for name in (kb.PROVISIONS_FILE, kb.RULES_FILE):
        shutil.copy(kb.DATA_DIR / name, tmp_path / name)
    monkeypatch.setattr(kb, "DATA_DIR", tmp_path)
    kb.clear_cache()
    yield tmp_path
    kb.clear_cache()


def edit(folder, name, change):
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def entry(data, code):
    return next(p for p in data["provisions"] if p["code"] == code)


def rule(data, rule_id):
    return next(r for r in data["rules"] if r["id"] == rule_id)


BROKEN = [
    (
        "bad confidence",
        kb.PROVISIONS_FILE,
        lambda d: entry(d, "UZ/CC/154").update(confidence="certain"),
        "provision UZ/CC/154: confidence 'certain'",
    ),
    (
        "UNVERIFIED in capitals",
        kb.PROVISIONS_FILE,
        lambda d: entry(d, "INT/GC3/4").update(confidence="UNVERIFIED"),
        "provision INT/GC3/4: confidence",
    ),
    (
        "high without sources",
        kb.PROVISIONS_FILE,
        lambda d: entry(d, "RU/115-FZ/15").update(sources=[]),
        "provision RU/115-FZ/15: a high provision needs at least one source URL",
    ),
    (
        "medium without a Russian gist",
        kb.PROVISIONS_FILE,
        lambda d: entry(d, "RU/53-FZ/34")["gist"].pop("ru"),
        "provision RU/53-FZ/34: gist lacks ru",
    ),
    (
        "a source that is not a URL",
        kb.PROVISIONS_FILE,
        lambda d: entry(d, "KG/CC/416")["sources"].append("Anadolu"),
        "provision KG/CC/416: source 'Anadolu'",
    ),
    (
        "unquoted article",
        kb.PROVISIONS_FILE,
        lambda d: entry(d, "RU/CAO/18.10").update(article=18.1),
        "provision RU/CAO/18.10: article 18.1 must be quoted text",
    ),
    (
        "misspelt field",
        kb.PROVISIONS_FILE,
        lambda d: entry(d, "TJ/CC/401").update(confidance="high"),
        "provision TJ/CC/401: unknown field(s) confidance",
    ),
    (
        "duplicate code",
        kb.PROVISIONS_FILE,
        lambda d: d["provisions"].append(dict(entry(d, "KZ/CC/170"))),
        "provision KZ/CC/170: the code appears twice",
    ),
    (
        "no source note",
        kb.PROVISIONS_FILE,
        lambda d: d.pop("source"),
        "provisions.yaml: must be a mapping with a 'source' note",
    ),
    (
        "unknown provision in a rule",
        kb.RULES_FILE,
        lambda d: rule(d, "home-uz")["provisions"].append("UZ/CC/999"),
        "provision_rules.yaml: rule home-uz: unknown provision code(s) UZ/CC/999",
    ),
    (
        "unknown method",
        kb.RULES_FILE,
        lambda d: rule(d, "foreigner-summons")["when"].update(methods=["conscription"]),
        "rule foreigner-summons: when.methods: unknown value(s) 'conscription'",
    ),
    (
        "unknown status",
        kb.RULES_FILE,
        lambda d: rule(d, "naturalised-call-up")["when"].update(
            victim_status=["naturalized_citizen"]
        ),
        "rule naturalised-call-up: when.victim_status: unknown value(s) 'naturalized_citizen'",
    ),
    (
        "nationality not in ISO form",
        kb.RULES_FILE,
        lambda d: rule(d, "home-kz")["when"].update(victim_nationalities=["Kazakh"]),
        "rule home-kz: when.victim_nationalities: unknown value(s) 'Kazakh'",
    ),
    (
        "unknown incident field",
        kb.RULES_FILE,
        lambda d: rule(d, "home-kg")["when"].update(location_country=["RU"]),
        "rule home-kg: when: unknown incident field 'location_country'",
    ),
    (
        "public and staff-only provisions in one rule",
        kb.RULES_FILE,
        lambda d: rule(d, "captured")["provisions"].append("INT/GC3/4"),
        "rule captured: mixes public (high, medium) and staff-only",
    ),
    (
        "why without Russian",
        kb.RULES_FILE,
        lambda d: rule(d, "captured")["why"].pop("ru"),
        "rule captured: why lacks ru",
    ),
]


@pytest.mark.parametrize("name,file,change,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_data_is_refused_with_a_message_naming_the_file_and_entry(
    data_copy, name, file, change, message
):
    edit(data_copy, file, change)
    with pytest.raises(DataError) as caught:
        kb.load_provisions()
    assert file in str(caught.value)
    assert message in str(caught.value)


def test_the_unchanged_copy_loads(data_copy):
    assert kb.load_provisions().keys() == kb.load_provisions().keys()
    assert len(kb.load_rules()) > 20


def test_a_missing_file_is_a_data_error(data_copy):
    (data_copy / kb.RULES_FILE).unlink()
    with pytest.raises(DataError, match="provision_rules.yaml: the file is missing"):
        kb.load_rules()


def test_a_rule_with_no_conditions_applies_to_every_incident(data_copy):
    everyone = {
        "id": "everyone",
        "when": {},
        "provisions": ["INT/PALERMO/3"],
        "why": {"en": "For all.", "ru": "Для всех."},
    }
    edit(data_copy, kb.RULES_FILE, lambda d: d["rules"].append(everyone))
    assert [(a.provision.code, a.rule_ids) for a in kb.provisions_for({})] == [
        ("INT/PALERMO/3", ("everyone",))
    ]
