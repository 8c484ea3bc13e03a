"""The incident list as a table of chosen columns (issue 14): kept in the address, redacted like
the list, sortable by its headings, and holding its place through filters and pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(db_url):
    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.store import review
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Incident
    from recruitwatch.web.app import create_app

    Ingestor(db_url).run(demo_items()[:12])
    with transaction(db_url) as session:  # the public sees verified incidents only
        for incident in session.query(Incident).filter(Incident.merged_into.is_(None)):
            review.confirm(session, incident.id, actor="test")
    return TestClient(create_app(db_url))


def headings(html: str) -> list[str]:
    head = html.split('<table class="incident-table">')[1].split("</thead>")[0]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th scope="col">(.*?)</th>', head)]


def test_the_table_shows_the_chosen_columns_in_their_order_and_keeps_them_in_its_links(client):
    page = client.get("/incidents?view=table&columns=outcomes&columns=date&columns=sources&nationality=UZ").text
    assert headings(page) == ["Incident", "Date", "Outcome", "Sources"]  # the table's order, not the address's
    rows = page.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
    assert rows >= 1
    for link in re.findall(r'href="/incidents\?([^"]*)"', page):  # facets, sorts, the cards/table switch
        if "view=table" not in link:
            assert link.replace("&amp;", "&") in {"nationality=UZ"}, link  # only the link back to cards drops it
    assert '<input type="hidden" name="view" value="table">' in page.split('class="stack filters"')[1].split("</form>")[0]


def test_the_cards_stay_the_default_and_a_bad_column_or_view_is_ignored(client):
    assert "incident-table" not in client.get("/incidents").text
    page = client.get("/incidents?view=table&columns=secret&columns=<script>").text
    assert headings(page)[1:] == ["Date", "Nationality", "Status", "Number of victims", "Region", "Outcome", "Review", "Sources"]
    assert "<script>" not in page.split("<main")[1] and "incident-table" not in client.get("/incidents?view=grid").text


def test_the_public_cannot_ask_for_a_column_of_names(client, db_url):
    from .web_helpers import make_user, sign_in

    public = client.get("/incidents?view=table&columns=victim_names&columns=date").text
    assert headings(public) == ["Incident", "Date"] and 'value="victim_names"' not in public
    make_user(db_url, "ana", "analyst")
    sign_in(client, "ana")
    staff = client.get("/incidents?view=table&columns=victim_names&columns=date").text
    assert headings(staff) == ["Incident", "Date", "Names"] and 'value="victim_names"' in staff


def test_a_heading_sorts_the_table_and_says_which_way(client):
    page = client.get("/incidents?view=table&columns=date&columns=sources").text
    sources = re.search(r'<a href="/incidents\?([^"]*)"[^>]*>Sources</a>', page).group(1).replace("&amp;", "&")
    assert "sort=-sources" in sources and "view=table" in sources
    by_sources = client.get(f"/incidents?{sources}").text
    counts = [int(n) for n in re.findall(r"<td>(\d+)</td>\s*</tr>", by_sources)]
    assert counts == sorted(counts, reverse=True) and len(counts) >= 2
    assert re.search(r'aria-sort="descending">Sources</a>', by_sources)
    again = re.search(r'<a href="/incidents\?([^"]*)"[^>]*>Sources</a>', by_sources).group(1)
    assert "sort=sources" in again.replace("&amp;", "&") and "sort=-sources" not in again.replace("&amp;", "&")
