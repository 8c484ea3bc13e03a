"""The JSON API: filters as in the UI, cursor pages, detail with evidence, exports and the changes feed for mirrors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def api(db_url):
    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.security.accounts import create_user
    from recruitwatch.store.accounts import add_api_token
    from recruitwatch.store.database import transaction
    from recruitwatch.web.app import create_app

    Ingestor(db_url).run(demo_items()[:25])
    with transaction(db_url) as session:
        user = create_user(session, "ana", "analyst", password="correct horse battery").user
        token = add_api_token(session, user, "tests")
    client = TestClient(create_app(db_url))
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_cursor_pages_visit_every_incident_once(api):
    total = api.get("/api/v1/incidents?limit=200").json()["total"]
    for sort in ("-date", "id", "-updated", "-sources"):
        seen, cursor = [], None
        while True:
            page = api.get("/api/v1/incidents", params={"limit": 4, "sort": sort, **({"cursor": cursor} if cursor else {})}).json()
            seen += [i["id"] for i in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == total, sort


def test_filters_match_the_contract_fields(api):
    items = api.get("/api/v1/incidents", params={"nationality": "UZ", "limit": 200}).json()["items"]
    assert items and all("UZ" in i["victim_nationalities"] for i in items)
    keys = {"victim_nationalities", "victim_status", "victim_count", "victim_names", "location_country",
            "location_regions", "perpetrators", "methods", "outcomes", "date"}
    assert keys <= set(items[0])


def test_detail_carries_sources_evidence_and_law(api):
    incident = api.get("/api/v1/incidents?limit=1").json()["items"][0]
    detail = api.get(f"/api/v1/incidents/{incident['id']}").json()
    assert detail["sources"] and detail["history"][0]["action"] == "created"
    document = api.get(f"/api/v1/documents/{detail['sources'][0]['document_id']}").json()
    for evidence in detail["sources"][0]["evidence"]:
        assert document["text"][evidence["start"]:evidence["end"]] == evidence["quote"]
    for provision in detail["provisions"]:
        assert provision["sources"] and provision["confidence"]
        assert provision["gist_translation_checked"]  # English: a reference text
    in_uzbek = api.get(f"/api/v1/incidents/{incident['id']}", params={"lang": "uz"}).json()["provisions"]
    assert in_uzbek and all(p["gist_language"] == "uz" and not p["gist_translation_checked"] for p in in_uzbek)


def test_stats_count_what_the_list_counts(api):
    stats = api.get("/api/v1/stats").json()
    for value, count in stats["facets"]["nationality"][:3]:
        assert api.get("/api/v1/incidents", params={"nationality": value}).json()["total"] == count


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson", "xlsx", "uwazi"])
def test_exports_hold_the_filtered_view(api, fmt):
    expected = api.get("/api/v1/incidents", params={"nationality": "UZ"}).json()["total"]
    response = api.get(f"/api/v1/exports/{fmt}", params={"nationality": "UZ"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    if fmt in ("csv", "uwazi"):
        assert len(list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))) == expected
    elif fmt == "jsonl":
        assert len(response.text.strip().splitlines()) == expected
    elif fmt == "geojson":
        assert len(json.loads(response.text)["features"]) == expected
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row - 1 == expected
    assert api.get("/api/v1/exports/pdf").status_code == 404


def test_the_changes_feed_tells_mirrors_what_happened(api, db_url):
    from recruitwatch.store import review
    from recruitwatch.store.database import transaction

    start = api.get("/api/v1/changes?since=0&limit=5000").json()["next_since"]
    with transaction(db_url) as session:
        review.correct(session, 1, "victim_count", 2, actor="ana", reason="two brothers")
        review.merge(session, 1, 2, actor="ana", reason="the same raid")
        review.reject(session, 3, actor="ana", reason="not about recruitment")
    changes = api.get(f"/api/v1/changes?since={start}").json()["items"]
    kinds = [(c["incident_id"], c["kind"]) for c in changes]
    assert (1, "edited") in kinds and (2, "merged") in kinds and (3, "deleted") in kinds
    assert all(c["id"] > start for c in changes)
    merged = next(c for c in changes if c["kind"] == "merged")
    assert merged["merged_into"] == 1
    assert api.get(f"/api/v1/changes?since={changes[-1]['id']}").json()["items"] == []


def test_openapi_describes_every_api_route(api):
    spec = api.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/incidents", "/api/v1/incidents/{incident_id}", "/api/v1/documents", "/api/v1/search",
                 "/api/v1/stats", "/api/v1/exports/{fmt}", "/api/v1/changes"):
        assert path in spec["paths"]


def test_a_token_notes_when_it_was_last_used_without_a_write_per_request(api, db_url):
    """The account page shows when each token was last used, to the minute; scripts polling the
    API must not turn every read into a write."""
    import datetime as dt

    from sqlalchemy import select, text

    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import ApiToken

    def last_used():
        with sessions(db_url)() as s:
            return s.scalar(select(ApiToken.last_used_at))

    assert last_used() is None
    api.get("/api/v1/incidents?limit=1")
    first = last_used()
    assert first is not None
    for _ in range(3):
        api.get("/api/v1/incidents?limit=1")
    assert last_used() == first
    with sessions(db_url)() as s:
        s.execute(text("UPDATE api_tokens SET last_used_at = :t"), {"t": first - dt.timedelta(minutes=5)})
        s.commit()
    api.get("/api/v1/incidents?limit=1")
    assert last_used() > first - dt.timedelta(minutes=1)
