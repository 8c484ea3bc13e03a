"""What an anonymous visitor can learn, tried as an attacker would: every public route, with
filters, free text, cursors and every export format, against a store holding names, phone
numbers, server paths and exact dates. None of them may come back, however asked."""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .store_helpers import add_document, fields, link
from .web_helpers import make_user, sign_in

SURNAME, CYRILLIC_SURNAME, GIVEN = "Rahimov", "Рахимов", "Dilshod"
PHONE = "+992 93 123 4567"
FOLDER = "/srv/intake"
FILE_NAME = f"{FOLDER}/{GIVEN} {SURNAME} - statement to lawyer, tel {PHONE}.txt"
UNPUBLISHED_NAMES = ("Farrukh", "Qodirov")  # of an incident nobody has verified
INCIDENT_DAYS = ("2024-02-14", "2024-02-09", "2023-11-05", "2024-03-03")
PUBLISHED_DAYS = ("2024-02-15", "2024-02-21", "2024-02-16")
SECRETS = (SURNAME, CYRILLIC_SURNAME, GIVEN, "Toshmatova", "Zarina", *UNPUBLISHED_NAMES, PHONE, "123 4567",
           FOLDER, "statement to lawyer", "raw-document-word", *INCIDENT_DAYS, *PUBLISHED_DAYS)


def _verified(session, report, position=0):
    from recruitwatch.store import review

    incident = link(session, report, position)
    session.flush()
    review.confirm(session, incident.id, actor="test")
    return incident


@pytest.fixture
def hostile(db_url):
    """Three verified incidents with names, a phone number in a file name, a name in a URL and exact
    days; one unreviewed incident. Returns (public client, incident ids)."""
    from recruitwatch.store.database import transaction
    from recruitwatch.web.app import create_app

    text = f"{GIVEN} {SURNAME} ({CYRILLIC_SURNAME}), tel {PHONE}, raw-document-word, was detained by police."
    dilshod = fields(victim_nationalities=["TJ"], victim_status="migrant_worker", victim_count=1,
                     victim_names=[f"{GIVEN} {SURNAME}", f"Дилшод {CYRILLIC_SURNAME}"], location_country="RU",
                     location_regions=["RU-MOW"], perpetrators=["police"], methods=["raid_detention"],
                     date=INCIDENT_DAYS[0])
    with transaction(db_url) as session:
        statement = add_document(session, 1, [dilshod], text=text, locator=FILE_NAME, title=FILE_NAME.rsplit("/", 1)[1],
                                 published=dt.date.fromisoformat(PUBLISHED_DAYS[0]))
        first = _verified(session, statement)
        press = add_document(session, 2, [dilshod], text=text, url=f"https://news.example/2024/02/{GIVEN.lower()}-{SURNAME.lower()}-taken",
                             title=f"{GIVEN} {SURNAME} detained in Moscow, call {PHONE}",
                             published=dt.date.fromisoformat(PUBLISHED_DAYS[2]))
        link(session, press, 0, first)
        zarina = add_document(
            session, 3, [fields(victim_nationalities=["UZ"], victim_status="migrant_worker", victim_names=["Zarina Toshmatova"],
                                location_country="RU", location_regions=["RU-MOW"], methods=["threat"], date=INCIDENT_DAYS[1])],
            text="Zarina Toshmatova was threatened. raw-document-word", url="https://asia.example/a/12345",
            title="Migrant threatened", published=dt.date.fromisoformat(PUBLISHED_DAYS[1]))
        second = _verified(session, zarina)
        hidden = add_document(session, 5, [fields(victim_nationalities=["UZ"], victim_names=[" ".join(UNPUBLISHED_NAMES)],
                                                  methods=["threat"], date=INCIDENT_DAYS[3])],
                              text=" ".join(UNPUBLISHED_NAMES) + " raw-document-word", url="https://other.example/x")
        unreviewed = link(session, hidden, 0)
        older = add_document(session, 4, [fields(victim_nationalities=["KG"], methods=["summons"], date=INCIDENT_DAYS[2])],
                             text="A summons. raw-document-word", url="https://kg.example/news/1")
        third = _verified(session, older)
        ids = [first.id, second.id, third.id, unreviewed.id]
    return TestClient(create_app(db_url)), ids


def _body(response) -> str:
    """The response as text an attacker reads: a workbook's XML too."""
    if response.content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return response.content.decode("utf-8", "replace")


def _cursor_contents(body: str) -> str:
    """Whatever the cursors in a JSON body decode to, if they decode (base64 of JSON, say)."""
    found = []
    for cursor in re.findall(r'"next_cursor":\s*"([^"]+)"', body):
        for part in [cursor, *cursor.split(":")]:
            with contextlib.suppress(binascii.Error, ValueError):
                found.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("utf-8", "replace"))
    return "\n".join(found)


def _assert_tells_nothing(response, where: str, sent: dict | None = None) -> None:
    """No secret in the body, but those the attacker typed himself (a page may echo its query)."""
    assert response.status_code < 500, f"{where}: {response.status_code}"
    body = _body(response)
    seen = body + "\n" + _cursor_contents(body)
    typed = " ".join(str(v) for v in (sent or {}).values()).lower()
    leaked = [s for s in SECRETS if s.lower() in seen.lower() and s.lower() not in typed]
    assert not leaked, f"{where} reveals {leaked}"


def _public_get_paths(app, ids: list[int]) -> list[str]:
    """Every GET route the public may use, with record numbers and formats filled in."""
    from recruitwatch.publish.exports import EXPORTERS
    from recruitwatch.web.deps import allow_of, api_routes

    paths = []
    for route in api_routes(app):
        allow = allow_of(route)
        if "GET" not in route.methods or allow is None or not allow.public:
            continue
        for number in (ids if "{incident_id}" in route.path or "{document_id}" in route.path else [None]):
            for fmt in (EXPORTERS if "{fmt}" in route.path else [None]):
                path = route.path.replace("{incident_id}", str(number)).replace("{document_id}", str(number))
                paths.append(path.replace("{fmt}", fmt or ""))
    return paths


ATTACKS = [
    {},
    {"q": SURNAME}, {"q": CYRILLIC_SURNAME}, {"q": "raw-document-word"}, {"q": "14"}, {"q": "statement lawyer"},
    {"date_from": INCIDENT_DAYS[0], "date_to": INCIDENT_DAYS[0]},
    {"date_from": "2024-02-14", "date_to": "2024-02-19"},
    {"review_state": "machine"}, {"review_state": "rejected"},
    {"sort": "date", "limit": "1"}, {"sort": "-date", "limit": "1"}, {"sort": "-updated", "limit": "1"},
    {"nationality": "TJ", "region": "RU-MOW"},
]


@pytest.mark.parametrize("role", [None, "caseworker"])  # a caseworker sees incidents as the public does
def test_no_public_route_tells_a_name_a_path_a_phone_or_a_day(hostile, db_url, role):
    client, ids = hostile
    if role:
        make_user(db_url, "kamila", role)
        sign_in(client, "kamila")
        assert client.get("/account").status_code == 200
    paths = _public_get_paths(client.app, ids)
    assert "/api/v1/incidents" in paths and "/export.xlsx" in paths and f"/incidents/{ids[0]}" in paths
    for path in paths:
        for params in ATTACKS:
            _assert_tells_nothing(client.get(path, params=params), f"GET {path} {params}", params)


def test_paging_by_one_gives_every_incident_once_and_no_day(hostile):
    client, ids = hostile
    for sort in ("-date", "date", "-updated", "updated", "-sources", "sources", "-id", "id"):
        seen, cursor = [], None
        while True:
            page = client.get("/api/v1/incidents", params={"limit": 1, "sort": sort, **({"cursor": cursor} if cursor else {})})
            _assert_tells_nothing(page, f"page {len(seen)} of sort {sort}")
            seen += [item["id"] for item in page.json()["items"]]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(ids[:3]), sort


def test_a_forged_or_altered_cursor_is_refused_not_a_server_error(hostile):
    client, _ids = hostile
    cursor = client.get("/api/v1/incidents", params={"limit": 1}).json()["next_cursor"]
    forged = base64.urlsafe_b64encode(json.dumps(["incidents-date", ["2024-02-14", 2**70]]).encode()).decode()
    for bad in (forged, cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"), "rw1:nokey:AAAA", "%%%"):
        answer = client.get("/api/v1/incidents", params={"limit": 1, "cursor": bad})
        assert answer.status_code == 422 and "invalid cursor" in answer.text
    other_sort = client.get("/api/v1/incidents", params={"limit": 1, "sort": "id", "cursor": cursor})
    assert other_sort.status_code == 422


def test_public_date_filters_work_at_the_public_precision(hostile):
    client, ids = hostile
    day = {"date_from": INCIDENT_DAYS[0], "date_to": INCIDENT_DAYS[0]}
    month = {"date_from": "2024-02", "date_to": "2024-02"}
    assert {i["id"] for i in client.get("/api/v1/incidents", params=day).json()["items"]} == {ids[0], ids[1]}
    assert client.get("/api/v1/stats", params=day).json() == client.get("/api/v1/stats", params=month).json()
    assert client.get("/export.csv", params=day).text.count("\n") == client.get("/export.csv", params=month).text.count("\n")
    listed = client.get("/incidents", params=day).text
    assert f"/incidents/{ids[1]}" in listed and 'value="2024-02"' in listed


def test_public_search_finds_published_fields_not_names_or_document_texts(hostile, db_url):
    client, ids = hostile
    for q in (SURNAME, CYRILLIC_SURNAME, "raw-document-word", "14"):
        assert client.get("/api/v1/search", params={"q": q}).json()["incidents"] == [], q
        assert client.get("/api/v1/incidents", params={"q": q}).json()["items"] == [], q
        assert f"/incidents/{ids[0]}\"" not in client.get("/incidents", params={"q": q}).text, q
    found = client.get("/api/v1/search", params={"q": "raid detention"}).json()["incidents"]
    assert [i["id"] for i in found] == [ids[0]]  # what the public reads (the method) is searchable
    make_user(db_url, "vera", "viewer")
    sign_in(client, "vera")
    assert {i["id"] for i in client.get("/api/v1/incidents", params={"q": SURNAME}).json()["items"]} == {ids[0]}


def test_public_sources_show_web_outlets_and_never_a_file(hostile, db_url):
    client, ids = hostile
    sources = client.get(f"/api/v1/incidents/{ids[0]}").json()["sources"]
    assert sorted(s["outlet"] for s in sources) == ["news.example", "unpublished source"]
    assert all(s["url"] is None for s in sources)  # the one web address names the person
    assert {s["published"] for s in sources} == {"2024-02"}
    assert "[name withheld]" in next(s["title"] for s in sources if s["outlet"] == "news.example")
    clean = client.get(f"/api/v1/incidents/{ids[1]}").json()["sources"]
    assert [(s["url"], s["title"]) for s in clean] == [("https://asia.example/a/12345", "Migrant threatened")]
    for fmt in ("jsonl", "geojson"):
        for line in client.get(f"/export.{fmt}").text.splitlines():
            assert FOLDER not in line
    make_user(db_url, "vera", "viewer")
    sign_in(client, "vera")
    staff = client.get(f"/api/v1/incidents/{ids[0]}").json()
    assert FILE_NAME.rsplit("/", 1)[1] in {s["outlet"] for s in staff["sources"]}
    assert f"{GIVEN} {SURNAME}" in staff["victim_names"] and staff["date"] == INCIDENT_DAYS[0]


def test_small_totals_are_suppressed_for_the_public(hostile):
    client, _ids = hostile
    narrow = {"nationality": "UZ"}  # one published Uzbek incident
    assert client.get("/api/v1/incidents", params=narrow).json()["total"] is None
    assert client.get("/api/v1/stats", params=narrow).json()["total"] is None
    assert client.get("/api/v1/incidents").json()["total"] == 3
    assert "&lt;3" in client.get("/incidents", params=narrow).text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    path=st.sampled_from(["/incidents", "/api/v1/incidents", "/api/v1/search", "/api/v1/stats", "/dashboard",
                          "/export.csv", "/export.jsonl", "/export.geojson", "/export.uwazi", "/api/v1/exports/jsonl"]),
    params=st.fixed_dictionaries({}, optional={
        "q": st.sampled_from([SURNAME, GIVEN.lower(), CYRILLIC_SURNAME[:5], "tel", "992", "statement", "intake", "02 14",
                              "police", "Moscow", "Farrukh"]),
        "date_from": st.sampled_from([*INCIDENT_DAYS, *PUBLISHED_DAYS, "2024", "2024-02"]),
        "date_to": st.sampled_from([*INCIDENT_DAYS, *PUBLISHED_DAYS, "2024", "2024-02"]),
        "review_state": st.sampled_from(["machine", "verified", "rejected"]),
        "sort": st.sampled_from(["date", "-date", "updated", "-updated", "sources", "id"]),
        "limit": st.sampled_from(["1", "2"]),
        "nationality": st.sampled_from(["UZ", "TJ", "KG"]),
    }),
)
def test_any_public_query_tells_nothing_more(hostile, path, params):
    client, _ids = hostile
    params = params if path != "/api/v1/search" or "q" in params else {**params, "q": "x"}
    _assert_tells_nothing(client.get(path, params=params), f"GET {path} {params}", params)


def test_the_public_date_order_tells_no_day_within_a_month(hostile):
    """Incidents of one month come in the same order whichever comes first by day: the order,
    unlike the record, would otherwise tell the day (Zarina's 9 February before Dilshod's 14th)."""
    client, ids = hostile
    for sort in ("-date", "date"):
        listed = [i["id"] for i in client.get("/api/v1/incidents", params={"sort": sort}).json()["items"]]
        february = [i for i in listed if i in ids[:2]]
        assert february == sorted(february, reverse=sort.startswith("-")), sort


def test_a_public_mirror_passes_changes_it_may_not_see(hostile):
    """A page of the changes feed holding only changes to unpublished incidents still moves the
    mirror on: it stalled there, asking for the same page for ever."""
    client, ids = hostile
    everything = []
    since, pages = 0, 0
    while pages < 50:
        page = client.get("/api/v1/changes", params={"since": since, "limit": 1}).json()
        everything += page["items"]
        if page["next_since"] == since:
            break
        since, pages = page["next_since"], pages + 1
    assert {c["incident_id"] for c in everything} == set(ids[:3]) and pages < 50
