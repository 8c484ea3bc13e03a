"""The dashboard is filtered on the dashboard (issue 14): its form offers every value a chosen one could
change to, keeps the filters it does not show, and the public's counts stay withheld below the minimum."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(db_url):
    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.web.app import create_app

    from .web_helpers import make_user, sign_in

    Ingestor(db_url).run(demo_items()[:30])
    make_user(db_url, "ana", "analyst")
    client = TestClient(create_app(db_url))
    sign_in(client, "ana")
    return client


def options(html: str, name: str) -> dict[str, bool]:
    select = re.search(rf'<select id="d-{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {v: bool(sel) for v, sel in re.findall(r'<option value="([^"]*)"( selected)?>', select)}


def test_a_chosen_value_still_offers_the_others_and_the_filters_not_shown_are_kept(client):
    whole = client.get("/dashboard").text
    offered = options(whole, "nationality")
    assert "" in offered and len(offered) >= 3
    code = next(v for v in offered if v)
    in_moscow = options(client.get("/dashboard?region=RU-MOW").text, "nationality")
    code = next(v for v in in_moscow if v)
    chosen = client.get(f"/dashboard?nationality={code}&region=RU-MOW").text
    after = options(chosen, "nationality")
    assert after[code] and set(after) == set(in_moscow)  # the other values, counted without this filter
    form = chosen.split('class="dash-filters"')[1].split("</form>")[0]
    assert '<input type="hidden" name="region" value="RU-MOW">' in form


def test_several_chosen_values_are_kept_not_lost_to_the_single_choice(client):
    page = client.get("/dashboard?nationality=UZ&nationality=TJ").text
    form = page.split('class="dash-filters"')[1].split("</form>")[0]
    assert 'name="nationality" disabled' in form or re.search(r'name="nationality"\s+disabled', form)
    assert '<input type="hidden" name="nationality" value="UZ">' in form and '<input type="hidden" name="nationality" value="TJ">' in form


def test_the_time_slider_spans_every_month_whatever_range_is_chosen(client):
    def slider(html: str) -> tuple[list[str], int, int]:
        months = re.search(r'class="field time-slider" hidden data-months="([^"]+)"', html).group(1).split()
        start = int(re.search(r'id="t-from"[^>]* value="(\d+)"', html).group(1))
        end = int(re.search(r'id="t-to"[^>]* value="(\d+)"', html).group(1))
        return months, start, end

    months, start, end = slider(client.get("/dashboard").text)
    assert len(months) >= 2 and (start, end) == (0, len(months) - 1)
    middle = months[len(months) // 2]
    narrowed, start, end = slider(client.get(f"/dashboard?date_from={middle}&date_to={middle}").text)
    assert narrowed == months  # the whole axis stays, so the range can be widened again
    assert months[start] == months[end] == middle


def test_slider_positions_read_a_year_or_a_day_as_its_month():
    from recruitwatch.web.ui.dashboard import time_slider

    months = ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]
    assert time_slider(months, "2024", None) == {"months": months, "start": 2, "end": 4}
    assert time_slider(months, None, "2023") == {"months": months, "start": 0, "end": 1}
    assert time_slider(months, "2024-02-14", "2024-02-20") == {"months": months, "start": 3, "end": 3}
    assert time_slider(["2024-01"], None, None) is None  # one month: nothing to slide over
