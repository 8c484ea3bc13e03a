"""The analysts' day in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

Screenshots of each page go to test-artifacts/ so people can look at them.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import threading
import time

import pytest

from .conftest import ROOT
from .web_helpers import PASSWORD, make_user

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/install-chromium.sh)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(db_url):
    """The real app under uvicorn on loopback, with the demo articles loaded."""
    import uvicorn

    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.web.app import create_app

    Ingestor(db_url, source_kind="jsonl", source_locator="demo").run(demo_items())
    make_user(db_url, "ana", "analyst")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db_url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


def sign_in_as_ana(page, live_server: str) -> None:
    """The analyst signs in with the form, as a person does, and lands on the list."""
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/incidents")


TOUR = ROOT / "docs" / "screenshots"  # the README's tour: `make screenshots` renews them from these tests


def shot(page, name: str, tour: str | None = None) -> None:
    """A full-page screenshot for people to look at; with `tour`, also the README's picture of the page
    (the first screen only), renewed when RECRUITWATCH_TOUR_SCREENSHOTS is set."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if tour and os.environ.get("RECRUITWATCH_TOUR_SCREENSHOTS"):
        TOUR.mkdir(exist_ok=True)
        page.screenshot(path=str(TOUR / f"{tour}.png"))


def test_an_analyst_works_through_the_day(live_server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    outside_requests = []
    page.on("request", lambda r: None if r.url.startswith(live_server) or r.url.startswith("data:") else outside_requests.append(r.url))

    page.goto(f"{live_server}/login")
    shot(page, "01-login")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/incidents")

    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"{live_server}/dashboard")
    shot(page, "02-dashboard", tour="dashboard")
    tile = page.locator("svg a[href*='region=RU-']").filter(has=page.locator("text.count:not(:text-is('0'))")).first
    region = tile.get_attribute("href").split("region=")[1].split("&")[0]
    tile.click()
    page.wait_for_url(f"**/incidents?*region={region}*")
    shot(page, "03-incidents-by-region")
    assert page.locator(".card").count() >= 1

    page.goto(f"{live_server}/incidents")
    page.locator(".facet a[href*='nationality=UZ']").first.click()
    page.wait_for_url("**nationality=UZ**")
    shot(page, "04-incidents-uzbek", tour="incidents")
    cards = page.locator(".card h2")
    assert cards.count() >= 1
    for text in cards.all_inner_texts():
        assert "Uzbekistan" in text

    cards.first.locator("a").click()
    page.wait_for_url("**/incidents/*")
    incident_url = page.url
    shot(page, "05-incident", tour="incident")
    assert page.locator("blockquote").count() >= 1  # evidence quotes for staff

    page.get_by_label("Correct a field").select_option("victim_count")
    page.get_by_label("New value: type a name in any language").fill("3")
    page.locator("#correct-reason").fill("three men are named in the second source")
    page.get_by_role("button", name="Save correction").click()
    page.wait_for_url("**done=1")
    row = page.locator("tr", has=page.locator("th", has_text="Number of victims"))
    assert "3" in row.locator("td").first.inner_text() and "reviewed" in row.inner_text()
    assert "three men are named" in page.locator(".history").inner_text()
    shot(page, "06-incident-corrected")
    assert page.url.startswith(incident_url.split("?")[0])

    page.goto(f"{live_server}/incidents?nationality=UZ")
    shown = int(page.locator("h1 .count").inner_text())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    path = tmp_path / "export.csv"
    download_info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == shown
    assert all("UZ" in row["victim_nationalities"] for row in rows)
    assert outside_requests == []  # nothing fetched from anywhere else


def test_pages_fit_a_phone_and_work_with_the_keyboard(live_server, browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")  # a form sent from the keyboard
    page.wait_for_url(f"{live_server}/incidents")
    assert page.locator(".card").count() >= 1
    shot(page, "07-phone-incidents")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the list is {width}px wide on a 360px screen"
    page.goto(f"{live_server}/dashboard")
    shot(page, "08-phone-dashboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{live_server}/incidents")
    page.locator(".card h2 a").first.click()
    page.wait_for_url("**/incidents/*")
    shot(page, "09-phone-incident")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{live_server}/incidents")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("INPUT", "A", "SELECT", "BUTTON")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_analyst_decides_a_possible_duplicate(live_server, browser, width):
    """The demo's doubtful pairs wait in the queue: both records side by side, the weighed
    comparisons, and one click to keep them apart; on a phone nothing spills out of the screen."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.get_by_role("link", name="Possible duplicates").click()
    page.wait_for_url(f"{live_server}/duplicates")
    waiting = int(page.locator("h1 .count").inner_text())
    assert waiting >= 1, "the demo should leave at least one doubtful pair"
    first = page.locator("section.duplicate").first
    first.locator("summary").click()
    assert first.locator("details.comparisons td").count() >= 2
    shot(page, f"10-duplicates-{width}", tour="duplicates" if width > 1000 else None)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    first.get_by_role("button", name="Different incidents: keep apart").click()
    page.wait_for_url(f"{live_server}/duplicates?done=apart")
    assert int(page.locator("h1 .count").inner_text()) == waiting - 1


@pytest.mark.parametrize("lang", ["en", "uz", "ru", "uz-Cyrl", "tg", "ky"])
def test_the_appeal_form_and_help_fit_a_phone_in_every_language(live_server, browser, lang):
    """At 390 px nothing of the form is cut off: no box, label or drop-down wider than the screen."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in (f"/appeal?lang={lang}", "/help"):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))")
        kind = path.strip('/').split('?')[0]
        shot(page, f"11-phone-{kind}-{lang}", tour="appeal-phone" if (kind, lang) == ("appeal", "ru") else None)
        assert width <= 390 and widest <= 390, f"{path} is {width}px wide (an element reaches {widest}px) at 390px"


@pytest.mark.parametrize(("width", "lang"), [(1280, "en"), (390, "ru")])
def test_an_analyst_saves_a_search_and_watches_it(live_server, browser, width, lang):
    """From a filtered list to a watched saved search with its own address and its feed, on a desktop
    and on a phone (in Russian): the feed address opens as Atom, the saved address gives the same list."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/incidents?nationality=UZ&lang={lang}")
    listed = page.locator("h1 .count").inner_text()
    page.locator("#save-name").fill("UZ")
    page.locator("form.save-search button").click()
    page.wait_for_url(f"{live_server}/searches?done=saved*")
    section = page.locator("section.saved-search").first
    section.locator("input[name=watch]").check()
    section.locator("input[name=email]").fill("ana@example.org")
    section.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{live_server}/searches?done=updated*")
    section = page.locator("section.saved-search").first
    assert section.locator(".state").count() == 1
    section.locator("summary").click()
    shot(page, f"11-saved-searches-{width}-{lang}", tour="saved-searches" if width > 1000 else None)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    feed_url = section.locator("code.token").first.inner_text()
    assert "/alerts/feed/" in feed_url
    feed = page.request.get(feed_url)
    assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
    section.get_by_role("link", name="UZ").click()
    page.wait_for_url(f"{live_server}/incidents?nationality=UZ")
    assert page.locator("h1 .count").inner_text() == listed


@pytest.mark.parametrize("width", [1280, 390])
def test_an_analyst_confirms_ticked_incidents_in_one_go(live_server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/incidents?review_state=machine")
    before = int(page.locator("h1 .count").inner_text())
    boxes = page.locator("input[name=ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("#bulk-action").select_option("confirm")
    shot(page, f"12-bulk-review-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("form.bulk button").click()
    page.wait_for_url(f"{live_server}/incidents?review_state=machine&bulk=confirm*")
    assert "2 changed" in page.locator(".notice").inner_text()
    assert int(page.locator("h1 .count").inner_text()) == before - 2


def test_a_help_answer_reads_on_a_phone(live_server, browser):
    """The answer for a Tajik migrant without lawful stay pressed by the police: rights first, each with its law."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/help/ru/answer?nationality=TJ&citizen=no&stay=no&situation=police_pressure_contract")
    shot(page, "13-phone-help-answer-ru", tour="help-answer-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".st").count() >= 5 and page.locator(".cite a").count() >= 5


@pytest.mark.parametrize(("width", "lang"), [(1280, "en"), (390, "ru")])
def test_an_analyst_picks_the_columns_of_a_table_and_ticks_rows_in_it(live_server, browser, width, lang):
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/incidents?review_state=machine&lang={lang}")
    page.locator("nav.views a").nth(1).click()  # "Table"
    page.wait_for_url("**view=table**")
    page.locator("details.columns-choice summary").click()
    page.locator("details.columns-choice input[value=victim_names]").check()
    page.locator("details.columns-choice input[value=location_regions]").uncheck()
    page.locator("details.columns-choice button").click()
    page.wait_for_url("**columns=victim_names**")
    heads = page.locator("table.incident-table thead th").all_inner_texts()
    assert len(heads) == 9 and "review_state=machine" in page.url  # eight columns, less one, plus names; the filter stayed
    shot(page, f"13-table-{width}-{lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the table scrolls in its box
    before = int(page.locator("h1 .count").inner_text())
    page.locator("table.incident-table input[name=ids]").nth(0).check()
    page.locator("#bulk-action").select_option("confirm")
    page.locator("form.bulk button").click()
    page.wait_for_url("**bulk=confirm**")
    assert int(page.locator("h1 .count").inner_text()) == before - 1
    assert page.locator("table.incident-table").count() == 1  # still the table, with its columns


@pytest.mark.parametrize(("width", "lang"), [(1280, "en"), (390, "ru")])
def test_an_analyst_enters_an_incident_from_a_document(live_server, browser, width, lang):
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/documents/1?lang={lang}")
    page.locator('a[href="/documents/1/incidents/new"]').click()
    page.wait_for_url(f"{live_server}/documents/1/incidents/new")
    text = page.locator("article.document-text").inner_text()
    passage = next(line for line in text.splitlines() if len(line) > 80)[:120]
    page.locator("#enter-quote").fill(passage)
    page.locator("#enter-nationalities").fill("Uzbekistan" if lang == "en" else "Узбекистан")
    page.locator("#enter-date").fill("2025-03")
    page.locator('input[name=methods][value=threat]').check()
    shot(page, f"14-enter-incident-{width}-{lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("form.enter-incident button[type=submit]").click()
    page.wait_for_url("**/incidents/*?done=1")
    assert page.locator(".state-verified").count() >= 1
    assert page.get_by_text(passage[:60]).count() >= 1  # the passage, as the values' evidence


def test_on_a_phone_results_come_before_the_facets_and_the_map_stays_legible(live_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/incidents")
    first_card = page.locator(".card").first.bounding_box()["y"]
    facets = page.locator("details.facet-box")
    assert not facets.evaluate("box => box.open")  # folded under "Filters"
    assert first_card < facets.bounding_box()["y"] + 600  # the first result is on the first screens, not after every facet
    facets.locator("> summary").click()
    assert page.locator("details.facet-box section.facet").first.is_visible()
    page.goto(f"{live_server}/dashboard")
    label = page.locator(".map-scroll svg text").first
    size = label.evaluate("t => t.getBoundingClientRect().height")
    assert size >= 9, f"the map's labels are {size:.1f} px high on a phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the map scrolls in its own box
    shot(page, "15-phone-dashboard-map")


@pytest.mark.parametrize(("width", "lang"), [(1280, "en"), (390, "ru")])
def test_the_dashboard_is_filtered_on_the_dashboard(live_server, browser, width, lang):
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/dashboard?lang={lang}")
    total = page.locator("h1 .count").inner_text()
    page.locator("#d-nationality").select_option("TJ")
    page.locator("#d-from").fill("2024")
    page.locator("form.dash-filters button[type=submit]").click()
    page.wait_for_url("**nationality=TJ**")
    assert "date_from=2024" in page.url and page.locator("h1 .count").inner_text() != total
    assert page.locator("#d-nationality").input_value() == "TJ"
    shot(page, f"16-dashboard-filters-{width}-{lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboards_chart_labels_keep_their_size(live_server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/dashboard")
    heights = page.locator(".chart svg text").evaluate_all("ts => ts.map(t => t.getBoundingClientRect().height)")
    assert heights and min(heights) >= 11, f"chart labels {min(heights):.1f} px high at {width} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "lang"), [(1366, "en"), (390, "ru")])
def test_the_shaded_map_zooms_and_a_region_leads_to_its_incidents(live_server, browser, width, lang):
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/dashboard?lang={lang}")
    svg = page.locator(".geo-map svg")
    before = svg.bounding_box()["width"]
    page.locator(".map-tools button[data-zoom='2']").click()
    assert svg.bounding_box()["width"] == pytest.approx(2 * before, rel=0.01)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # it grows inside its own box
    shot(page, f"17-shaded-map-zoomed-{width}")
    page.locator(".map-tools button[data-zoom='1']").click()
    assert svg.bounding_box()["width"] == pytest.approx(before, rel=0.01)
    region = page.locator(".geo-map a.region-link[href*='region=RU-']").first
    code = region.get_attribute("href").split("region=")[1].split("&")[0]
    region.locator("path").dispatch_event("click")  # a small region may lie under a neighbour's outline
    page.wait_for_url(f"**/incidents?*region={code}*")
    assert page.locator(".card").count() >= 1


@pytest.mark.parametrize(("width", "lang"), [(1366, "en"), (390, "ru")])
def test_the_time_slider_narrows_the_dashboard_to_a_range_of_months(live_server, browser, width, lang):
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in_as_ana(page, live_server)
    page.goto(f"{live_server}/dashboard?lang={lang}")
    total = page.locator("h1 .count").inner_text()
    months = page.locator(".time-slider").get_attribute("data-months").split()
    handle = page.locator("#t-from")
    assert handle.is_visible()
    handle.fill(str(len(months) // 2))  # a range input takes the value and fires input and change
    page.wait_for_url("**date_from=**")
    assert f"date_from={months[len(months) // 2]}" in page.url
    assert page.locator("#t-range").inner_text().startswith(months[len(months) // 2])
    assert page.locator("h1 .count").inner_text() != total
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"18-time-slider-{width}")
