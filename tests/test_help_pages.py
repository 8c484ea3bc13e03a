"""Public help pages: the guidance says what the research says the law is, in six languages,
on small pages that load nothing from elsewhere and answer bad input with a 400, not a 500."""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from recruitwatch.errors import DataError
from recruitwatch.legal import guidance
from recruitwatch.legal.provisions import load_provisions, provision

FOREIGNER = {"nationality": "UZ", "citizen": "no", "situation": "summons"}
NATURALISED = {"nationality": "UZ", "citizen": "yes", "situation": "summons"}
CSS = Path(guidance.__file__).parent.parent / "web" / "static" / "help.css"
PAGE_LIMIT = 30 * 1024


def _combinations():
    values = guidance.load_guidance().question_values()
    for nationality, citizen, stay, situation in itertools.product(
        values["nationality"], values["russian_citizen"], values["lawful_stay"], values["situation"]
    ):
        yield {"nationality": nationality, "citizen": citizen, "stay": stay, "situation": situation}


def _codes(statement) -> set[str]:
    return {c.code for c in statement.citations}


@pytest.fixture
def client(db_url):
    from recruitwatch.web.app import create_app

    return TestClient(create_app(db_url))


# ------------------------------------------------------------------------------ (a) the law


def test_a_foreigner_and_a_naturalised_citizen_with_a_summons_are_told_different_things():
    """The point the research says matters most: a foreigner cannot lawfully be conscripted or
    mobilised; a naturalised or dual citizen can be called up like any other citizen."""
    foreigner = guidance.answer_for(FOREIGNER, "en")
    citizen = guidance.answer_for(NATURALISED, "en")

    assert any(
        "cannot lawfully be conscripted or mobilised" in s.text and "RU/115-FZ/15" in _codes(s)
        for s in foreigner.rights
    )
    assert not any("can be called up" in s.text for s in foreigner.statements)

    said_to_citizen = " ".join(s.text for s in citizen.statements)
    assert "cannot lawfully be conscripted" not in said_to_citizen
    assert "cannot be conscripted" not in said_to_citizen
    assert "RU/115-FZ/15" not in citizen.codes
    assert any("can be called up" in s.text for s in citizen.risks)
    assert {"RU/DECREE-1237", "RU/DECREE-647-2022/2"} <= set(citizen.codes)


def test_the_reference_languages_draw_the_same_line():
    foreigner = " ".join(s.text for s in guidance.answer_for(FOREIGNER, "ru").rights)
    citizen = guidance.answer_for(NATURALISED, "ru")
    assert "нельзя законно призвать" in foreigner
    assert "нельзя законно призвать" not in " ".join(s.text for s in citizen.statements)
    assert any("могут призвать" in s.text for s in citizen.risks)


def test_naturalised_citizens_hear_of_the_citizenship_risks_the_research_gives():
    citizen = guidance.answer_for(NATURALISED, "en")
    assert {"RU/LAW-08.08.2024", "RU/138-FZ"} <= {c for s in citizen.risks for c in _codes(s)}


def test_someone_unsure_of_their_citizenship_gets_both_sides_and_is_asked_to_find_out():
    unsure = guidance.answer_for({**FOREIGNER, "citizen": "dual-unknown"}, "en")
    assert any(s.text.startswith("If the person does not hold Russian citizenship") for s in unsure.rights)
    assert any(s.text.startswith("If the person holds Russian citizenship") for s in unsure.risks)
    assert any("answer the questions again" in s.text for s in unsure.next_steps)


# ------------------------------------------------------------------------------ (b) the data


def test_every_statement_rests_on_public_provisions_or_facts_in_all_six_languages():
    data = guidance.load_guidance()
    assert len(data.statements) >= 30
    for statement in data.statements:
        assert statement.provisions or statement.facts, statement.id
        for code in statement.provisions:
            assert provision(code) is not None, (statement.id, code)
            assert provision(code).confidence in ("high", "medium"), (statement.id, code)
        for code in statement.facts:
            assert data.facts[code].confidence in ("high", "medium"), (statement.id, code)
        assert set(statement.texts) == set(guidance.LANGUAGES), statement.id
        assert statement.texts["en"].verified and statement.texts["ru"].verified, statement.id
        assert not statement.texts["uz-Cyrl"].verified, statement.id  # a transliteration


def test_every_answer_gets_risks_and_next_steps_in_every_language():
    for answers in _combinations():
        for lang in guidance.LANGUAGES:
            result = guidance.answer_for(answers, lang)
            assert result.risks and result.next_steps, (answers, lang)
            for statement in result.statements:
                assert statement.text.strip()
                assert statement.verified or statement.reference in ("ru", "en")
                for citation in statement.citations:
                    assert citation.sources and citation.confidence in ("high", "medium")


def _raw() -> dict:
    path = Path(guidance.__file__).parent / "data" / guidance.GUIDANCE_FILE
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["statements"][0].update(provisions=["RU/NO-SUCH/1"]), "unknown provision code"),
        (lambda d: d["statements"][0].update(provisions=["AZ/CC/114"]), "high and medium provisions only"),
        (lambda d: d["statements"][0].update(provisions=["RU/CAO/18.10"]), "high and medium provisions only"),
        (lambda d: d["statements"][0]["text"].pop("tg"), "lacks tg"),
        (lambda d: d["statements"][0]["when"].update(situation=["drafted_by_aliens"]), "unknown answer"),
        (lambda d: d["statements"][0]["when"].update(russian_citizen=[False]), "quote yes and no"),
        (lambda d: d["statements"][0]["when"].update(shoe_size=["42"]), "unknown question"),
        (lambda d: d["statements"][0]["text"]["ru"].update(verified=False), "must be verified"),
        (lambda d: d["statements"][0].update(provisions=[], facts=[]), "cites nothing"),
        (lambda d: d["facts"][0].update(confidence="low"), "high and medium facts only"),
    ],
)
def test_the_loader_refuses_inconsistent_guidance(change, message):
    data = copy.deepcopy(_raw())
    change(data)
    with pytest.raises(DataError, match=message):
        guidance.parse_guidance(data, load_provisions())


def test_answers_outside_the_questionnaire_are_refused():
    with pytest.raises(guidance.InvalidAnswers) as caught:
        guidance.answer_for({"nationality": "XX", "citizen": "no"}, "en")
    assert caught.value.problems == ("nationality", "situation")
    # the question's id works as well as its query name
    assert guidance.answer_for({**FOREIGNER, "russian_citizen": "no"}, "en").answers["russian_citizen"] == "no"


# ------------------------------------------------------------------------------ (c) home-country law


@pytest.mark.parametrize(
    ("nationality", "code"),
    [("UZ", "UZ/CC/154"), ("KZ", "KZ/CC/172"), ("KG", "KG/CC/416"), ("TJ", "TJ/CC/401")],
)
def test_the_home_countrys_law_is_among_the_risks(nationality, code):
    for answers in _combinations():
        if answers["nationality"] == nationality:
            risks = guidance.answer_for(answers, "en").risks
            assert any(code in _codes(s) for s in risks), answers


# ------------------------------------------------------------------------------ (c2) who can ask


BEATEN_PRISONER = {"nationality": "TJ", "citizen": "no", "situation": "relative_prisoner_pressed"}
DECEIVED_NEPALI = {"nationality": "NP", "citizen": "no", "situation": "deceived_abroad"}
CENTRAL_ASIAN_LAWS = {"UZ/CC/154", "UZ/CC/154-1", "KZ/CC/172", "KG/CC/416", "TJ/CC/401"}


def test_a_relative_of_a_prisoner_beaten_to_sign_hears_it_is_a_crime_where_to_complain_and_the_odds():
    for lang, crime, bodies, odds in (
        ("en", "commits a crime", ("Investigative Committee", "prosecutor", "ombudsman", "Public Monitoring Commission", "without censorship"), "seldom"),
        ("ru", "совершает преступление", ("Следственный комитет", "прокуратур", "уполномоченному по правам человека", "наблюдательную комиссию", "без цензуры"), "редко"),
    ):
        page = guidance.answer_for(BEATEN_PRISONER, lang)
        assert any(crime in s.text and "RU/CC/286(3)" in _codes(s) and "RU/UIK/86" in _codes(s) for s in page.rights)
        complain = [s for s in page.next_steps if "RU/CPC/151" in _codes(s)]
        assert complain and all(body in complain[0].text for body in bodies), lang
        assert {"RU/PROSECUTOR-LAW/32-33", "RU/48-FZ(2020)", "RU/76-FZ(2008)", "RU/UIK/15"} <= _codes(complain[0])
        assert any(odds in s.text and "5%" in s.text for s in page.risks), lang


def test_violence_statements_concern_only_people_pressed_to_sign():
    summoned = guidance.answer_for(FOREIGNER, "en")
    assert "RU/CC/286(3)" not in summoned.codes and "RU/CPC/151" not in summoned.codes


def test_a_man_deceived_by_an_agent_abroad_can_say_so_and_hears_about_agents_and_his_country():
    page = guidance.answer_for(DECEIVED_NEPALI, "en")
    codes = set(page.codes)
    assert {"NP/FEA-2007/43", "INT/PALERMO/3", "NP/GOVERNMENT", "NP/CONTACTS"} <= codes
    assert any("false assurances" in s.text for s in page.rights)
    assert any("Department of Consular Services" in s.text for s in page.next_steps)
    assert not codes & CENTRAL_ASIAN_LAWS  # another country's law is not his
    assert "INT/GC4/51" not in codes  # nor the rule for Ukrainians under occupation
    said = " ".join(s.text for s in page.statements)
    assert "No law punishing a man who enlisted himself" in said  # the research found none: not a threat


def test_every_nationality_on_offer_gets_something_about_its_own_country():
    specific = {"UZ", "TJ", "KG", "KZ", "NP", "IN", "LK", "CU", "KE", "GH", "CM", "NG", "TG", "ZA"}
    offered = set(guidance.load_guidance().question_values()["nationality"]) - {"other"}
    assert specific <= offered
    general = {s.id for s in guidance.answer_for({**FOREIGNER, "nationality": "other"}, "en").statements}
    for nationality in sorted(offered):
        page = guidance.answer_for({**FOREIGNER, "nationality": nationality}, "en")
        own = {s.id for s in page.statements} - general
        assert own, nationality


@pytest.mark.parametrize(("nationality", "words"), [("CU", "may face such charges"), ("ZA", "may themselves be charged")])
def test_countries_that_charge_recruits_themselves_say_so(nationality, words):
    page = guidance.answer_for({"nationality": nationality, "citizen": "no", "situation": "signed_want_out"}, "en")
    assert any(words in s.text for s in page.risks)


def test_links_to_undesirable_outlets_come_last_and_never_without_the_warning(client):
    from recruitwatch.legal.designations import designation

    assert designation("https://www.themoscowtimes.com/2023/05/17/x") and designation("https://rus.azattyk.org/a/1")
    assert designation("https://kathmandupost.com/national/x") is None
    kg = next(c for c in guidance.answer_for({**FOREIGNER, "nationality": "KG"}, "en").citations if c.code == "KG/PRACTICE")
    assert not designation(kg.hosts[0][0]) and designation(kg.hosts[-1][0])  # the undesignated source is shown
    for answers in _combinations():
        result = guidance.answer_for(answers, "en")
        shown = [links[0] for _, links, _ in result.source_list if links]
        if any(designated for *_, designated in shown):
            assert any(s.id == "undesirable-sources" for s in result.risks), answers
    page = client.get("/help/ru/sources").text
    warning = page.index('id="undesirable-sources"')
    marked = page.index('<a class="warn" href="#undesirable-sources">')
    assert warning < marked < page.index("themoscowtimes.com")
    assert "нежелательн" in page[warning : warning + 400] and "284.1" in page


def test_the_sources_page_lists_every_source_of_every_statement(client):
    page = client.get("/help/en/sources").text
    for statement in guidance.load_guidance().statements:
        for code in statement.provisions:
            for url in provision(code).sources:
                assert url.replace("&", "&amp;") in page, (statement.id, url)
    assert client.get("/help/xx/sources").status_code == 404


RESEARCH = Path(__file__).resolve().parents[2] / "shared" / "legal" / "provisions-research.md"
RANK = {"unverified": 0, "low": 1, "medium": 2, "high": 3}
# Codes the knowledge base renamed (provisions.yaml's source note) and facts named after a row.
RESEARCH_ROW = {
    "RU/76-FZ(2008)": "RU/76-FZ", "RU/BILL-2025": "RU/BILL", "RU/LAW-31.07.2025": "RU/138-FZ (amended July 2025)",
    "UZ/PRACTICE": "UZ (practice", "KZ/PRACTICE": "KZ (practice", "KG/PRACTICE": "KG (practice",
    "TJ/PRACTICE": "TJ (practice", "IN/GOVERNMENT": "IN (government", "IN/ADVISORY": "IN (MEA advisory",
    "IN/CBI": "IN (CBI case", "NP/GOVERNMENT": "NP (serving in foreign armies", "NP/CONTACTS": "NP (where families turn",
    "LK/MEASURES": "LK (measures", "CU/PRACTICE": "CU (details", "KE/GOVERNMENT": "KE (Kenya", "GH/GOVERNMENT": "GH (Ghana",
    "CM/GOVERNMENT": "CM (Cameroon", "NG-TG/GOVERNMENT": "NG, TG", "D/8": "D/8 ", "D/14": "D/14 ",
    "RU/PRACTICE-COMPLAINTS": "RU/PRACTICE (complaints", "RU/DESIGNATIONS": "RU/DESIGNATION — media",
}


def _research_rows() -> list[tuple[str, int]]:
    """(code cell, highest rating the row gives) of every table row of the research."""
    rows = []
    for line in RESEARCH.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) >= 4:
            found = re.findall(r"\*\*(high|medium|low|unverified)(?:–high)?\*\*", cells[3], re.IGNORECASE)
            if found:
                rows.append((cells[0].replace("CoAO", "CAO"), max(RANK[f.lower()] for f in found)))
    return rows


@pytest.mark.skipif(not RESEARCH.is_file(), reason=f"{RESEARCH} is absent: the legal research lives in the shared area")
def test_no_statement_claims_more_confidence_than_the_research_rows_it_cites():
    rows = _research_rows()
    data = guidance.load_guidance()

    def codes_of(cell: str) -> list[str]:
        """'RU/CC/337, 338, 352.1' -> each code in full; 'RU/CC/78.1, RU/CC/80.2' as written."""
        found, prefix = [], ""
        for part in re.split(r",\s*|;\s*|\s\+\s", cell.split(" (")[0]):
            part = part.strip()
            if "/" in part:
                prefix = part.rsplit("/", 1)[0]
                found.append(part)
            elif prefix and part:
                found.append(f"{prefix}/{part}")
            span = re.fullmatch(r"(.+/)(\d+)-(\d+)", found[-1]) if found else None
            if span:  # 'RU/DECREE-647-2022/4-5' covers /4 and /5
                found += [span.group(1) + span.group(2), span.group(1) + span.group(3)]
        return found

    def best(code: str) -> int | None:
        wanted = RESEARCH_ROW.get(code, code)
        matches = [rank for cell, rank in rows if cell.startswith(wanted) or wanted in codes_of(cell)]
        return max(matches) if matches else None

    for statement in data.statements:
        cited = [(c, provision(c).confidence) for c in statement.provisions]
        cited += [(c, data.facts[c].confidence) for c in statement.facts]
        for code, confidence in cited:
            research = best(code)
            assert research is not None, f"{statement.id}: no research row found for {code}"
            assert RANK[confidence] <= research, (statement.id, code, confidence)


def test_an_article_number_the_research_did_not_verify_is_shown_as_unverified(client):
    page = client.get("/help/en/answer", params={"nationality": "TJ", "citizen": "no", "situation": "signed_want_out"}).text
    assert "TJ/CC/401(1)</a> (article number not verified)" in page
    assert "TJ/CC/401</a>," in page or "TJ/CC/401</a></p>" in page  # the verified one carries no such mark


# ------------------------------------------------------------------------------ (d) the pages


def _no_third_party_loads(html: str) -> None:
    assert not re.search(r"""src\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"""<link[^>]*href\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html


@pytest.mark.parametrize("lang", guidance.LANGUAGES)
def test_pages_render_in_every_language(client, lang):
    ui = guidance.ui(lang)
    form = client.get(f"/help/{lang}/")
    result = client.get(f"/help/{lang}/answer", params=FOREIGNER)
    for response in (form, result):
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.text
        assert ui["disclaimer"] in response.text
        assert "set-cookie" not in response.headers
        assert "Content-Security-Policy" in response.headers
        _no_third_party_loads(response.text)
    assert 'method="get"' in form.text and f'action="/help/{lang}/answer"' in form.text
    for input_id in re.findall(r'<input [^>]*id="([^"]+)"', form.text):
        assert f'<label for="{input_id}">' in form.text
    assert "<button" in form.text
    assert ui["right"] in result.text and ui["risk"] in result.text and ui["next_step"] in result.text
    assert "RU/115-FZ/15" in result.text and "https://adcmemorial.org/en/?p=32082" in result.text
    assert f'href="/appeal?lang={lang}"' in result.text


def test_the_entry_page_offers_every_language(client):
    response = client.get("/help")
    assert response.status_code == 200
    for lang in guidance.LANGUAGES:
        assert f'href="/help/{lang}/"' in response.text
    _no_third_party_loads(response.text)


def test_a_shared_answer_keeps_its_answers_across_languages(client):
    page = client.get("/help/tg/answer", params=FOREIGNER).text
    assert 'href="/help/ru/answer?nationality=UZ&amp;citizen=no&amp;situation=summons"' in page
    form = client.get("/help/ky/", params=FOREIGNER).text
    assert re.search(r'value="summons" checked', form)


# ------------------------------------------------------------------------------ (e) size


def test_every_answer_page_with_its_stylesheet_stays_under_30_kb(client):
    css = client.get("/static/help.css")
    assert css.status_code == 200 and len(css.content) == CSS.stat().st_size
    largest = max(
        (len(client.get(f"/help/{lang}/answer", params=answers).content), lang, tuple(answers.values()))
        for answers in _combinations()
        for lang in guidance.LANGUAGES
    )
    assert largest[0] + len(css.content) < PAGE_LIMIT, largest


# ------------------------------------------------------------------------------ (f) bad answers


@pytest.mark.parametrize("lang", ["ru", "tg", "en"])
def test_bad_answers_get_a_400_in_the_pages_language(client, lang):
    ui = guidance.ui(lang)
    for params in (
        {**FOREIGNER, "nationality": "XX"},
        {"nationality": "UZ"},
        {**FOREIGNER, "situation": "<script>alert(1)</script>"},
    ):
        response = client.get(f"/help/{lang}/answer", params=params)
        assert response.status_code == 400
        assert f'<html lang="{lang}">' in response.text
        assert ui["error_title"] in response.text and ui["needs_answer"] in response.text
        assert "<script>alert" not in response.text


def test_an_unknown_language_is_a_404_that_offers_the_languages(client):
    for path in ("/help/xx/", "/help/xx/answer"):
        response = client.get(path, params=FOREIGNER)
        assert response.status_code == 404
        assert 'href="/help/ru/"' in response.text


# ------------------------------------------------------------------------------ (g) unverified texts


@pytest.mark.parametrize("lang", ["uz", "uz-Cyrl", "tg", "ky"])
def test_an_unchecked_translation_says_so_and_links_the_reference(client, lang):
    page = client.get(f"/help/{lang}/answer", params=FOREIGNER).text
    assert guidance.ui(lang)["unverified_notice"] in page
    assert 'href="/help/ru/answer?nationality=UZ&amp;citizen=no&amp;situation=summons"' in page
    assert 'href="/help/en/answer?nationality=UZ&amp;citizen=no&amp;situation=summons"' in page


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_reference_texts_carry_no_notice(client, lang):
    page = client.get(f"/help/{lang}/answer", params=FOREIGNER).text
    assert guidance.ui(lang)["unverified_notice"] not in page
    assert 'class="notice"' not in page


def test_the_expulsion_regime_is_shown_to_those_without_a_lawful_stay_only():
    regime = {"expulsion-regime", "contract-stops-deportation", "check-the-register"}
    for stay, shown in (("no", True), ("unsure", True), ("yes", False)):
        answers = {"nationality": "TJ", "citizen": "no", "stay": stay, "situation": "police_pressure_contract"}
        ids = {s.id for s in guidance.answer_for(answers, "en").statements}
        assert (regime <= ids) if shown else not (regime & ids), stay
        assert "expulsion-for-breach-of-stay" in ids  # raids use alleged breaches against anyone
    # an address shared before the question existed still answers, as "not sure"
    old = guidance.answer_for({"nationality": "TJ", "citizen": "no", "situation": "police_pressure_contract"}, "en")
    assert regime <= {s.id for s in old.statements}


def test_the_lawful_stay_question_is_optional_on_the_page_and_preselected(client):
    page = client.get("/help/ru/").text
    assert 'name="stay" value="unsure" checked' in page
    assert 'name="stay" value="yes">' in page  # not required, unlike the others
    assert 'name="citizen" value="no" required' in page


def test_cubans_and_cameroonians_hear_which_body_to_turn_to():
    for nationality, words, code in (("CU", "MINREX", "D/8"), ("CM", "foreign ministry", "CM/GOVERNMENT")):
        answer = guidance.answer_for({"nationality": nationality, "citizen": "no", "situation": "relative_sent_to_front"}, "en")
        contact = [s for s in answer.next_steps if words in s.text]
        assert contact and code in _codes(contact[0]), nationality
    cyrillic = guidance.answer_for({"nationality": "CU", "citizen": "no", "situation": "summons"}, "uz-Cyrl")
    assert any("(MINREX)" in s.text for s in cyrillic.next_steps)  # an acronym stays in Latin letters
