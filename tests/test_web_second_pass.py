"""Defects a team met in a day of real work (issue 14), each fixed and held here."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(db_url):
    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.web.app import create_app

    Ingestor(db_url).run(demo_items()[:12])
    return TestClient(create_app(db_url))


def signed_in_as_analyst(client, db_url) -> None:
    from .web_helpers import make_user, sign_in

    make_user(db_url, "ana", "analyst")
    assert sign_in(client, "ana").status_code == 303


@pytest.mark.parametrize("lang", ["en", "ru", "uz"])
def test_every_page_leads_the_public_to_help_and_to_an_appeal(client, lang):
    for path in ("/incidents", "/dashboard"):
        page = client.get(f"{path}?lang={lang}").text
        header = page.split("</header>")[0]
        footer = page.split('<footer class="foot">')[1]
        for target in ("/help", "/appeal"):
            assert re.search(rf'<a href="{target}"', header), (path, target, "header")
            assert re.search(rf'<a href="{target}"', footer), (path, target, "footer")
    assert client.get("/help").status_code == 200 and client.get("/appeal").status_code == 200


def test_a_rejected_incident_leaves_counts_charts_and_exports_but_analysts_can_still_list_it(client, db_url):
    from sqlalchemy import select

    from recruitwatch.store import review
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident


    signed_in_as_analyst(client, db_url)

    def shown() -> int:
        return int(re.search(r'<small class="count">(\d+)</small>', client.get("/incidents").text).group(1))

    def exported() -> int:
        return len(client.get("/export.csv").text.strip().splitlines()) - 1

    def on_dashboard() -> int:
        return int(re.search(r'<small class="count">(\d+) incidents', client.get("/dashboard").text).group(1))

    before, rows_before, charted = shown(), exported(), on_dashboard()
    assert before == charted == rows_before
    with sessions(db_url)() as session, session.begin():
        victim = session.scalars(select(Incident).order_by(Incident.id)).first()
        review.reject(session, victim.id, actor="ana", reason="not about recruitment")
    assert shown() == before - 1
    assert exported() == rows_before - 1
    assert client.get("/api/v1/incidents?limit=200").json()["items"] and all(
        i["id"] != victim.id for i in client.get("/api/v1/incidents?limit=200").json()["items"])
    assert on_dashboard() == charted - 1
    listed = client.get("/incidents?review_state=rejected").text
    assert f'href="/incidents/{victim.id}"' in listed
    assert "review_state=rejected" in client.get("/incidents").text  # the facet still leads there


def test_the_public_dashboard_shows_withheld_counts_as_fewer_than_never_as_zero(client, db_url):
    from sqlalchemy import select

    from recruitwatch.store import review
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident
    from recruitwatch.web.views import policy

    with sessions(db_url)() as session, session.begin():
        published = next(i for i in session.scalars(select(Incident).order_by(Incident.id))
                         if i.fields.get("location_regions") and len(i.fields.get("date") or "") >= 7)
        review.confirm(session, published.id, actor="ana", reason="checked")
        region = published.fields["location_regions"][0]
    page = client.get("/dashboard").text
    fewer = f"fewer than {policy().min_count} incidents"
    tile = re.search(rf'<a class="tile[^"]*" href="[^"]*region={region}[^"]*" aria-label="([^"]*)"', page)
    assert tile and tile.group(1).endswith(fewer), tile and tile.group(1)
    assert f"&lt;{policy().min_count}</text>" in page  # printed on the tile and the bars
    assert not re.search(r'class="count"[^>]*>0</text>', page.split('class="bar-chart"')[1])  # no bar says 0
    bars = re.findall(r'<a class="bar" href="(/incidents\?[^"]+)"', page)
    assert any("nationality=" in b for b in bars)  # bars lead to the list they count


def test_a_browser_asking_for_a_page_that_is_not_there_gets_a_page_and_a_script_gets_json(client):
    page = client.get("/no-such-page", headers={"accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text and '<a href="/help"' in page.text
    script = client.get("/no-such-page", headers={"accept": "application/json"})
    assert script.status_code == 404 and script.json() == {"detail": "Not Found"}
    api = client.get("/api/v1/no-such-thing", headers={"accept": "text/html"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")


def test_a_signed_in_person_refused_a_page_is_still_shown_signed_in(client, db_url):
    from .web_helpers import make_user, sign_in

    make_user(db_url, "vera", "viewer")
    assert sign_in(client, "vera").status_code == 303
    refused = client.get("/duplicates")
    assert refused.status_code == 403
    header = refused.text.split("</header>")[0]
    assert "vera" in header and "Sign out" in header and 'href="/login"' not in header


def test_review_actions_follow_the_state_and_the_public_is_told_names_are_withheld(client, db_url):
    from sqlalchemy import select

    from recruitwatch.store import review
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident


    with sessions(db_url)() as session, session.begin():
        incident = session.scalars(select(Incident).where(Incident.victim_names_enc.is_not(None)).order_by(Incident.id)).first()
        review.confirm(session, incident.id, actor="ana")
    public = client.get(f"/incidents/{incident.id}").text
    assert "names are never shown to the public" in public
    signed_in_as_analyst(client, db_url)
    page = client.get(f"/incidents/{incident.id}").text
    assert f'action="/incidents/{incident.id}/confirm"' not in page  # verified already
    assert f'action="/incidents/{incident.id}/reopen"' in page and f'action="/incidents/{incident.id}/reject"' in page
    assert "names are never shown to the public" not in page


def test_the_month_chart_is_headed_once(client, db_url):

    signed_in_as_analyst(client, db_url)
    page = client.get("/dashboard").text
    assert page.count(">Incidents per month</h2>") == 1
    assert ">Incidents per month</text>" not in page  # the chart keeps it as its <title>, for screen readers


def test_the_incident_page_puts_facts_sources_and_review_before_the_law_which_is_folded(client, db_url):
    from sqlalchemy import select

    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident


    signed_in_as_analyst(client, db_url)
    with sessions(db_url)() as session:
        incident_id = session.scalars(select(Incident.id).order_by(Incident.id)).first()
    page = client.get(f"/incidents/{incident_id}").text
    order = [page.index(f'id="{h}"') for h in ("fields-h", "sources-h", "review-h", "law-h")]
    assert order == sorted(order)
    law = page[page.index('id="law-h"'):]
    assert "<article" not in law and ('<details class="provision' in law or "No provision" in law)


def test_the_api_description_declares_every_filter_and_the_token_scheme(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/incidents", "/api/v1/stats", "/api/v1/exports/{fmt}"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"q", "nationality", "status", "region", "perpetrator", "method", "outcome", "language",
                "review_state", "date_from", "date_to", "sort"} <= names, path
    schemes = spec["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())  # /docs shows "Authorize"
    assert spec["paths"]["/api/v1/incidents"]["get"]["security"]
    method = next(p for p in spec["paths"]["/api/v1/incidents"]["get"]["parameters"] if p["name"] == "method")
    assert "raid_detention" in method["description"]


def test_merging_shows_both_records_and_the_result_first_and_counts_two_named_victims_as_two(client, db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    from .store_helpers import new_incident
    from .web_helpers import post_form

    with sessions(db_url)() as session, session.begin():
        keep = new_incident(session, 101, victim_names=["Aziz Karimov"], victim_count=1, victim_nationalities=["UZ"],
                            location_regions=["RU-MOW"], date="2024-03")
        other = new_incident(session, 102, victim_names=["Jasur Toshev"], victim_count=1, victim_nationalities=["UZ"],
                             location_regions=["RU-TA"], date="2024-03")
        keep_id, other_id = keep.id, other.id
    signed_in_as_analyst(client, db_url)
    assert f'action="/incidents/{keep_id}/merge"' in client.get(f"/incidents/{keep_id}").text
    preview = client.get(f"/incidents/{keep_id}/merge", params={"other": other_id})
    assert preview.status_code == 200
    page = preview.text
    assert "Aziz Karimov" in page and "Jasur Toshev" in page and "After the merge" in page
    assert page.count('<strong class="badge">differs</strong>') >= 2  # names and region
    assert "names differ" in page  # the weighed comparison
    with sessions(db_url)() as session:
        assert session.get(Incident, other_id).merged_into is None  # a preview changes nothing
    done = post_form(client, f"/incidents/{keep_id}/merge?other={other_id}", f"/incidents/{keep_id}/merge",
                     {"other": str(other_id), "reason": "one raid, two men"})
    assert done.status_code == 303
    with sessions(db_url)() as session:
        merged = session.get(Incident, keep_id).fields
        assert sorted(merged["victim_names"]) == ["Aziz Karimov", "Jasur Toshev"] and merged["victim_count"] == 2
    for odd in ("", "abc", str(keep_id), "99999999999999999999"):
        assert client.get(f"/incidents/{keep_id}/merge", params={"other": odd}).status_code == 400


def test_corrections_take_names_in_any_language_and_a_refused_one_keeps_what_was_typed(client, db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    from .store_helpers import new_incident
    from .web_helpers import post_form

    with sessions(db_url)() as session, session.begin():
        incident_id = new_incident(session, 201, victim_nationalities=["UZ"], methods=["raid_detention"]).id
    signed_in_as_analyst(client, db_url)
    page, action = f"/incidents/{incident_id}", f"/incidents/{incident_id}/correct"
    for field, typed, stored in [
        ("methods", "Raid or detention, Физическое насилие", ["physical_violence", "raid_detention"]),
        ("location_regions", "Moscow, Татарстан", ["RU-MOW", "RU-TA"]),
        ("victim_nationalities", "Tajikistan", ["TJ"]),
        ("victim_status", "Migrant worker", "migrant_worker"),
    ]:
        assert post_form(client, page, action, {"field": field, "value": typed, "reason": "the source says so"}).status_code == 303
        with sessions(db_url)() as session:
            assert session.get(Incident, incident_id).fields[field] == stored, field
    refused = post_form(client, page, action, {"field": "location_regions", "value": "Atlantis, Moscow", "reason": "typo test"})
    assert refused.status_code == 400
    assert 'value="Atlantis, Moscow"' in refused.text and 'value="typo test"' in refused.text
    assert 'role="alert"' in refused.text and "atlantis" in refused.text.split('role="alert"')[1][:300].lower()
    assert '<option value="location_regions" selected>' in refused.text


def test_facets_take_several_values_show_every_value_and_the_api_takes_several_too(client, db_url):
    from recruitwatch.store.database import sessions

    from .store_helpers import new_incident

    with sessions(db_url)() as session, session.begin():
        for n, (nat, region) in enumerate([("UZ", "RU-MOW"), ("TJ", "RU-SPE"), ("KG", "RU-TA")]):
            new_incident(session, 300 + n, victim_nationalities=[nat], location_regions=[region], date="2024-05")
        for n in range(14):  # more regions than a facet shows at first
            new_incident(session, 320 + n, victim_nationalities=["KZ"], location_regions=[f"RU-{['AD', 'AL', 'ALT', 'AMU', 'ARK', 'AST', 'BA', 'BEL', 'BRY', 'BU', 'CE', 'CHE', 'CHU', 'CHUX'][n]}"])
    signed_in_as_analyst(client, db_url)

    def count(query: str) -> int:
        return int(re.search(r'<small class="count">(\d+)</small>', client.get(f"/incidents?{query}").text).group(1))

    uz, tj = count("nationality=UZ"), count("nationality=TJ")
    assert count("nationality=UZ&nationality=TJ") == uz + tj  # either, not the last one only
    page = client.get("/incidents?nationality=UZ&nationality=TJ").text
    assert page.count('class="chosen"') == 2
    assert 'href="/incidents?nationality=UZ"' in page  # removing TJ keeps UZ
    assert "nationality=UZ&amp;nationality=TJ&amp;nationality=KG" in page  # adding KG keeps both
    assert re.search(r"All \d+ values", client.get("/incidents").text)  # regions beyond the first twelve
    api = client.get("/api/v1/incidents", params=[("nationality", "UZ"), ("nationality", "TJ")]).json()
    assert api["total"] == uz + tj
    assert client.get("/incidents?" + "&".join(f"region=RU-{i}" for i in range(30))).status_code == 400


def test_api_times_carry_their_time_zone(client, db_url):
    from sqlalchemy import select

    from recruitwatch.store import review
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    with sessions(db_url)() as session, session.begin():
        review.confirm(session, session.scalars(select(Incident.id).order_by(Incident.id)).first(), actor="ana")
    items = client.get("/api/v1/incidents").json()["items"]
    assert items
    for item in items:
        assert item["first_seen"].endswith("+00:00") and item["updated_at"].endswith("+00:00")
    detail = client.get(f"/api/v1/incidents/{items[0]['id']}").json()
    assert all(h["at"].endswith("+00:00") for h in detail["history"])


@pytest.mark.parametrize("lang,method", [("en", "Physical violence"), ("ru", "Физическое насилие")])
def test_history_shows_old_and_new_values_in_the_viewers_language(client, db_url, lang, method):
    from recruitwatch.store import review
    from recruitwatch.store.database import sessions
    from recruitwatch.web.i18n import label

    from .store_helpers import new_incident

    with sessions(db_url)() as session, session.begin():
        incident_id = new_incident(session, 401, victim_nationalities=["UZ"], methods=["raid_detention"]).id
        review.correct(session, incident_id, "methods", ["physical_violence"], actor="ana", reason="the video")
        review.confirm(session, incident_id, actor="ana")
    signed_in_as_analyst(client, db_url)
    history = client.get(f"/incidents/{incident_id}?lang={lang}").text.split('id="history-h"')[1]
    before, after = label("methods", "raid_detention", lang), label("methods", "physical_violence", lang)
    assert f"{before} → {after}" in history and method == after
    states = f"{label('review_state', 'machine', lang)} → {label('review_state', 'verified', lang)}"
    assert states in history and "(machine → verified)" not in history


def test_grading_an_outlet_asks_why_and_says_it_is_saved(client, db_url):
    from sqlalchemy import select

    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    from .web_helpers import post_form

    signed_in_as_analyst(client, db_url)
    with sessions(db_url)() as session:
        incident_id = session.scalars(select(Incident.id).order_by(Incident.id)).first()
    page = client.get(f"/incidents/{incident_id}").text
    outlet = re.search(r'name="outlet" value="([^"]+)"', page).group(1)
    assert re.search(r'<input id="grade-note-1" name="note"', page)
    done = post_form(client, f"/incidents/{incident_id}", "/outlets/grade",
                     {"outlet": outlet, "grade": "B", "note": "checked three of its reports", "back": f"/incidents/{incident_id}"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=1")
    shown = client.get(done.headers["location"]).text
    assert "Saved." in shown and "checked three of its reports" in shown


def test_uzbek_texts_write_the_turned_comma_and_the_modifier_apostrophe_never_a_typewriter_one():
    import yaml

    from .conftest import ROOT

    wrong = re.compile(r"(?<=[^\W\d_])['‘’`](?=[^\W\d_])")
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + [str(key)])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + [str(i)])
        elif isinstance(node, str) and "uz" in path and wrong.search(node):
            found.append(("/".join(path), wrong.findall(node)))

    for name in ("legal/data/provisions.yaml", "legal/data/provision_rules.yaml", "legal/data/guidance.yaml",
                 "web/data/labels.yaml", "web/data/appeal_strings.yaml"):
        walk(yaml.safe_load((ROOT / "src" / "recruitwatch" / name).read_text(encoding="utf-8")), [name])
    assert found == []


def test_law_sources_are_shown_with_their_kind_the_authoritative_first_and_copies_marked(client):
    from recruitwatch.legal.provisions import provision
    from recruitwatch.legal.source_kinds import by_authority, source_kind

    assert source_kind("https://www.consultant.ru/document/x") == "legal_database"
    assert source_kind("https://gist.github.com/someone/abc") == "copy"
    assert source_kind("https://ihl-databases.icrc.org/en/ihl-treaties") == "international"
    assert source_kind("https://epp.genproc.gov.ru/web/x") == "government"
    assert source_kind("https://example.org/a") == "website"
    urls = ["https://www.yumpu.com/x", "https://tass.ru/a", "https://treaties.un.org/b"]
    assert [kind for _, kind in by_authority(urls)] == ["official", "media", "copy"]
    # An answer page links each citation's most authoritative source; the sources page lists them
    # all, each with its kind.
    page = client.get("/help/en/answer", params={"nationality": "UZ", "citizen": "no", "situation": "summons"}).text
    shown = re.search(r'<li id="src-RU-115-FZ-15">.*?<a href="(http[^"]+)"', page).group(1)
    assert shown == by_authority(provision("RU/115-FZ/15").sources)[0][0]
    sources = client.get("/help/en/sources").text
    assert re.search(r"<i>(official text|legal database|government|international organisation|news report)</i>", sources)


def test_each_quote_sits_under_the_value_it_supports_once_and_links_to_its_mark():
    from recruitwatch.web.views import evidence_by_value, marked_spans

    text_a = "Police detained him in a raid. He was beaten until he signed. He was beaten until he signed."
    raid, beaten = (text_a.index("detained"), text_a.index("raid") + 4), (text_a.index("beaten"), text_a.index("signed") + 6)
    nested = (text_a.index("raid"), text_a.index("raid") + 4)  # inside the raid quote
    def entry(field, value, span):
        return {"field": field, "value": value, "start": span[0], "end": span[1], "quote": text_a[span[0]:span[1]],
                "document_id": 1, "outlet": "a.test"}
    documents = [{"id": 1, "evidence": [
        entry("methods", "raid_detention", raid), entry("methods", "raid_detention", nested),
        entry("methods", "physical_violence", beaten),
        entry("methods", "physical_violence", (text_a.rindex("beaten"), text_a.rindex("signed") + 6)),  # the same words again
        entry("outcomes", "refused", beaten),  # an analyst corrected outcomes to signed_contract
    ]}]
    fields = {"methods": ["physical_violence", "raid_detention"], "outcomes": ["signed_contract"]}
    grouped = evidence_by_value(documents, fields)
    assert [g["value"] for g in grouped["methods"]] == ["physical_violence", "raid_detention"]
    assert len(grouped["methods"][0]["quotes"]) == 1  # the repeated sentence once
    raid_quotes = grouped["methods"][1]["quotes"]
    assert {q["anchor"] for q in raid_quotes} == {raid[0]}  # the nested quote links to the mark around it
    assert grouped["outcomes"] == []  # "refused" was corrected away: its quote supports nothing shown
    assert marked_spans([raid, nested, beaten]) == {raid: raid[0], nested: raid[0], beaten: beaten[0]}


def test_the_list_links_to_the_column_guide_and_it_explains_every_column(client):
    assert 'href="/export/columns"' in client.get("/incidents").text
    page = client.get("/export/columns").text
    assert "<code>event_date</code>" in page and "<code>victim_names</code>" not in page  # the public's export has none


def test_a_name_is_searched_as_a_name_not_by_a_word_it_begins_with(db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.queries import IncidentQuery, list_incidents

    from .store_helpers import new_incident

    with sessions(db_url)() as session, session.begin():
        state = new_incident(session, 501, victim_nationalities=["UZ"], methods=["summons"])
        state.search_text = "davlat organlari chaqiruv qogʻozi"  # "state bodies", no one named Davlatov
        named = new_incident(session, 502, victim_nationalities=["TJ"], methods=["raid_detention"])
        named.search_text = "davlatovning ishi firuz davlatov"
        state_id, named_id = state.id, named.id
    from recruitwatch.store import repository as repo

    with sessions(db_url)() as session, session.begin():
        for incident_id in (state_id, named_id):
            incident = session.get(type(state), incident_id)
            repo.update_incident(session, incident, incident.fields, incident.search_text, actor="test", action="edited", detail={})
    with sessions(db_url)() as session:
        for query in ("Davlatov", "Давлатов"):
            found = {i.id for i in list_incidents(session, IncidentQuery(text=query, limit=50))}
            assert named_id in found and state_id not in found, query
        assert state_id in {i.id for i in list_incidents(session, IncidentQuery(text="davlat", limit=50))}


def test_search_results_show_where_the_words_are_to_staff_only(db_url):
    """A search shows staff the passage of a source that matched, the word marked; the public sees no
    document text (it names people), only the published fields it searched."""
    from fastapi.testclient import TestClient

    from recruitwatch.store import review
    from recruitwatch.store.database import transaction
    from recruitwatch.web.app import create_app

    from .store_helpers import add_document, fields, link
    from .web_helpers import make_user, sign_in

    text = ("Bugun politsiya Moskvada Oʻzbekiston fuqarosi Davlatovni ushlab, unga harbiy shartnoma imzolashni taklif qildi. "
            "Davlat idoralari bu haqda hech narsa demadi.")
    with transaction(db_url) as session:
        report = add_document(session, 1, [fields(victim_nationalities=["UZ"], victim_names=["Davlatov"], methods=["raid_detention"])],
                              language="uz", text=text)
        incident = link(session, report, 0)
        review.confirm(session, incident.id, actor="alice")
    make_user(db_url, "ana", "analyst")
    client = TestClient(create_app(db_url))
    sign_in(client, "ana")
    page = client.get("/incidents?q=Davlatov").text
    assert '<mark>Davlatovni</mark>' in page and 'class="snippet"' in page
    assert "<mark>Davlat</mark>" not in page  # "state" is not the name
    public = TestClient(create_app(db_url)).get("/incidents?q=shartnoma").text
    assert 'class="snippet"' not in public and "Davlatov" not in public


def test_the_dashboard_shows_the_shaded_map_linked_to_the_list(client, db_url):
    assert 'class="region-map"' in client.get("/dashboard").text
    signed_in_as_analyst(client, db_url)  # the public sees verified incidents only, and the demo's are not
    page = client.get("/dashboard").text
    hrefs = re.findall(r'<a class="region-link" href="([^"]+)"', page)
    assert hrefs and all(h.startswith("/incidents?region=") for h in hrefs)


def test_a_law_text_in_uzbek_is_our_unchecked_translation_with_the_russian_reference_beside_it(client, db_url):
    from sqlalchemy import select

    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    signed_in_as_analyst(client, db_url)
    with sessions(db_url)() as session:
        incident_id = session.scalars(select(Incident.id).order_by(Incident.id)).first()
    law = client.get(f"/incidents/{incident_id}?lang=uz").text.split('id="law-h"', 1)[1]
    assert "Bu tilga hali tarjima qilinmagan" not in law  # every gist has its Uzbek text
    assert law.count('<details class="reference">') == law.count('<details class="provision')
    assert "solishtirish uchun ruscha matn" in law
    assert re.search(r'<p lang="ru">[^<]*[а-яё]', law)  # the reference, marked as Russian for screen readers
    english = client.get(f"/incidents/{incident_id}?lang=en").text.split('id="law-h"', 1)[1]
    assert 'class="reference"' not in english
