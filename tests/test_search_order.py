"""Searches list the best matches first (issue 14): an incident whose own fields hold the words,
then the better documented (more sources); the public ranks by what it may search, the published fields."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from recruitwatch.sources.base import SourceItem

RUNNER = (
    "Kenyan runner forced to sign Russian army contract\n\n"
    "Joseph Mwangi, a 29-year-old Kenyan athlete, was invited to a race in Russia in March 2025. "
    "After he arrived in Zelenodolsk, recruiters took his passport and made him sign a contract with the "
    "Russian army, his brother said. Mwangi was sent to the front near Vovchansk two weeks later."
)
RUNNER_AGAIN = (
    "Family of Kenyan athlete appeals for his return\n\n"
    "The family of Joseph Mwangi, 29, a Kenyan runner who was made to sign a contract with the Russian army "
    "in Zelenodolsk in March 2025 after recruiters took his passport, asked Nairobi to bring him home. "
    "Mwangi was sent to the front near Vovchansk, his brother said."
)
OTHER = (
    "Ghanaian student made to sign army contract\n\n"
    "Kwame Boateng, a 22-year-old student from Ghana, was detained by police in Kazan in April 2025 and "
    "made to sign a contract with the Russian army. Boateng had studied in Zelenodolsk before. "
    "He was sent to the front in May, his sister said."
)


def _item(name: str, text: str) -> SourceItem:
    return SourceItem("jsonl", f"https://outlet.test/{name}", text.encode(), dt.datetime(2025, 6, 1, tzinfo=dt.UTC), text=text)


@pytest.fixture
def client(db_url):
    from recruitwatch.ingest import Ingestor
    from recruitwatch.web.app import create_app

    from .web_helpers import make_user, sign_in

    Ingestor(db_url).run([_item("other", OTHER), _item("runner", RUNNER), _item("again", RUNNER_AGAIN)])
    make_user(db_url, "ana", "analyst")
    client = TestClient(create_app(db_url))
    sign_in(client, "ana")
    return client


def listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<h2>.*?<a href="/incidents/(\d+)">', html)]


def test_a_search_lists_the_better_documented_incident_first_when_neither_holds_the_words_in_its_fields(client, db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident, Mention

    with sessions(db_url)() as session:
        sources = {i.id: session.query(Mention).filter(Mention.incident_id == i.id).count()
                   for i in session.query(Incident).filter(Incident.merged_into.is_(None))}
    assert sorted(sources.values()) == [1, 2]  # the runner's two reports made one incident
    runner = max(sources, key=sources.get)
    page = client.get("/incidents?q=Zelenodolsk").text
    assert listed(page)[0] == runner and len(listed(page)) == 2
    assert re.search(r'<option value="-relevance" selected>Best match first</option>', page)
    by_date = client.get("/incidents?q=Zelenodolsk&sort=-date").text
    assert set(listed(by_date)) == set(listed(page))
    assert re.search(r'<option value="-date" selected>', client.get("/incidents").text)  # no words: newest first


def test_the_api_pages_the_best_matches_with_a_cursor(client):
    first = client.get("/api/v1/incidents?q=Zelenodolsk&sort=-relevance&limit=1").json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(f"/api/v1/incidents?q=Zelenodolsk&sort=-relevance&limit=1&cursor={first['next_cursor']}").json()
    assert len(second["items"]) == 1 and second["items"][0]["id"] != first["items"][0]["id"]
    assert second["next_cursor"] is None


def test_a_page_filled_by_incidents_whose_fields_hold_the_words_is_the_start_of_the_whole_order(client):
    """The short way (only incidents whose own fields match, when they fill the page) gives the same
    first page as ordering every match."""
    whole = client.get("/api/v1/incidents?q=contract&sort=-relevance&limit=50").json()["items"]
    assert len(whole) >= 2
    for limit in (1, 2):
        page = client.get(f"/api/v1/incidents?q=contract&sort=-relevance&limit={limit}").json()["items"]
        assert [i["id"] for i in page] == [i["id"] for i in whole[:limit]]
