"""Statistics for the public pages: months without incidents still show, list fields
count incidents not mentions, and the bar chart reads without colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from recruitwatch.publish import stats
from recruitwatch.publish.rows import IncidentRow

SVG = "{http://www.w3.org/2000/svg}"


def row(id: int, date: str | None = None, state: str = "machine", **fields) -> IncidentRow:
    return IncidentRow(id=id, fields={"date": date, **fields}, review_state=state)


def sample() -> list[IncidentRow]:
    return [
        row(
            1,
            "2024-11-05",
            "verified",
            methods=["threat", "threat", "deception"],
            location_country="RU",
            victim_nationalities=["UZ"],
            location_regions=["RU-MOW"],
            victim_count=2,
            victim_status="migrant_worker",
        ),
        row(
            2,
            "2025-02",
            methods=["threat"],
            location_country="RU",
            victim_nationalities=["TJ", "UZ"],
            victim_count=None,
            victim_status="migrant_worker",
        ),
        row(
            3,
            "2025-02-10",
            "verified",
            methods=["deception", "summons"],
            location_country="UA",
            location_regions=["UA-14"],
            victim_count=5,
            victim_status="prisoner",
        ),
        row(4, "2023", victim_count=1, location_country="UZ", victim_status="prisoner"),
        row(5, None, "rejected", victim_names=["Secret Name"], victim_status="student"),
        row(6, "not a date"),
    ]


def test_per_month_fills_the_gaps_between_first_and_last_month():
    assert stats.per_month(sample()) == [
        ("2024-11", 1),
        ("2024-12", 0),
        ("2025-01", 0),
        ("2025-02", 2),
    ]


def test_per_month_leaves_out_year_only_and_undated_incidents():
    assert stats.per_month([row(1, "2023"), row(2, None)]) == []
    assert stats.per_month([]) == []


def test_per_month_crosses_several_years():
    months = stats.per_month([row(1, "2022-12"), row(2, "2024-01-31")])
    assert len(months) == 14 and months[0] == ("2022-12", 1) and months[-1] == ("2024-01", 1)
    assert [m for m, _ in months] == sorted(m for m, _ in months)
    assert sum(n for _, n in months) == 2


def test_by_field_counts_incidents_once_per_value_most_first_then_by_value():
    assert stats.by_field(sample(), "methods") == [("deception", 2), ("threat", 2), ("summons", 1)]
    assert stats.by_field(sample(), "victim_nationalities") == [("UZ", 2), ("TJ", 1)]
    assert stats.by_field(sample(), "victim_status") == [
        ("migrant_worker", 2),
        ("prisoner", 2),
        ("student", 1),
    ]
    assert stats.by_field(sample(), "review_state") == [
        ("machine", 3),
        ("verified", 2),
        ("rejected", 1),
    ]


def test_by_field_refuses_names_and_unknown_fields():
    with pytest.raises(ValueError, match="victim_names"):
        stats.by_field(sample(), "victim_names")
    with pytest.raises(ValueError):
        stats.by_field(sample(), "method")


def test_totals():
    t = stats.totals(sample())
    assert (t.incidents, t.verified, t.unreviewed, t.rejected) == (6, 2, 3, 1)
    assert (t.victims, t.incidents_with_victim_count) == (8, 3), (
        "unknown counts are left out, not zero"
    )
    assert t.countries == ("RU", "UA", "UZ")
    assert t.nationalities == ("TJ", "UZ")
    assert t.regions == ("RU-MOW", "UA-14")
    assert (t.first_date, t.last_date) == ("2023", "2025-02-10")
    assert (t.dated_to_month, t.dated_to_year_only, t.undated) == (3, 1, 2)
    assert t.dated_to_month == sum(n for _, n in stats.per_month(sample()))


def test_bar_chart_is_valid_accessible_svg_with_every_value_printed():
    pairs = [("police", 12), ("military", 5), ("employer", 1)]
    svg = stats.bar_chart_svg(pairs, {"police": "Police", "military": "Army"}, "Who recruited")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Who recruited"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert desc.text == "Police: 12; Army: 5; employer: 1"
    bars = list(root.iter(f"{SVG}g"))
    assert len(bars) == 3
    assert [[t.text for t in g.iter(f"{SVG}text") if t.get("class") == "count"] for g in bars] == [
        ["12"],
        ["5"],
        ["1"],
    ]
    widths = [float(g.find(f"{SVG}rect").get("width")) for g in bars]
    assert widths[0] > widths[1] > widths[2] > 0
    assert abs(widths[0] / widths[1] - 12 / 5) < 0.01


def test_bar_chart_escapes_hostile_labels_and_titles():
    svg = stats.bar_chart_svg([("<script>alert(1)</script>", 3)], None, 'A "title" & <b>')
    root = ET.fromstring(svg)
    assert "<script>" not in svg and not list(root.iter(f"{SVG}script"))
    assert root.find(f"{SVG}title").text == 'A "title" & <b>'
    assert "<script>alert(1)</script>: 3" in root.find(f"{SVG}desc").text


def test_bar_chart_of_nothing_still_says_so():
    root = ET.fromstring(stats.bar_chart_svg([], None, "Empty"))
    assert root.find(f"{SVG}desc").text == "No incidents"
    assert not list(root.iter(f"{SVG}rect"))


def test_two_charts_on_one_page_do_not_share_ids():
    a = ET.fromstring(stats.bar_chart_svg([("x", 1)], None, "A"))
    b = ET.fromstring(stats.bar_chart_svg([("x", 2)], None, "A"))
    assert a.find(f"{SVG}title").get("id") != b.find(f"{SVG}title").get("id")
