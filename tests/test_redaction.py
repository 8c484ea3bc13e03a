"""What the public sees of people: no names or contact details, no counts small enough to point at someone,
dates no finer than the deployment allows."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from recruitwatch.publish.redact import Policy, coarsen_date, public_fields, redact_text, suppress


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Yusuf Qurbonov was taken away", "Qurbonov"),
        ("Юсуфа увезли", "Юсуф"),  # the Cyrillic spelling given among the names, inflected
        ("call +998 90 123-45-67 now", "123-45-67"),
        ("звоните 8 (916) 123 45 67", "123 45 67"),
        ("passport AA1234567 taken", "AA1234567"),
        ("паспорт 45 12 345678 изъяли", "345678"),
        ("write to y.q@mail.ru", "mail.ru"),
        ("жил по адресу ул. Ленина, д. 5", "Ленина"),
        ("Chilonzor tumani, Bunyodkor ko'chasi 14", "Bunyodkor"),
        ("lives at 221 Baker Street", "Baker"),
    ],
)
def test_personal_details_leave_the_text(text, gone):
    assert gone not in redact_text(text, ["Yusuf Qurbonov", "Юсуф Курбонов"])


@pytest.mark.parametrize(
    "text",
    ["On 12.10.2024, 300 migrants were detained", "Article 359 part 3 of the Criminal Code", "in 2024-05-01 raids", "1,200 people"],
)
def test_dates_numbers_and_law_stay(text):
    assert redact_text(text, []) == text


def test_counts_and_dates_are_coarsened_as_configured(monkeypatch):
    policy = Policy()
    assert [suppress(n, policy) for n in (0, 1, 2, 3, 40)] == [0, None, None, 3, 40]
    assert coarsen_date("2025-04-09", "month") == "2025-04" and coarsen_date("2025-04", "year") == "2025"
    assert coarsen_date("2025", "day") == "2025"
    assert public_fields({"victim_names": ["A"], "date": "2025-04-09"}, policy) == {"victim_names": [], "date": "2025-04"}
    monkeypatch.setenv("RECRUITWATCH_PUBLIC_MIN_COUNT", "5")
    monkeypatch.setenv("RECRUITWATCH_PUBLIC_DATE_PRECISION", "year")
    assert Policy.from_environment() == Policy(5, "year")
    monkeypatch.setenv("RECRUITWATCH_PUBLIC_DATE_PRECISION", "hour")
    with pytest.raises(ValueError, match="day, month, year"):
        Policy.from_environment()


@pytest.fixture
def published(db_url):
    """Four verified incidents: three Uzbek, one Tajik, each dated to the day."""
    from recruitwatch.store import repository as repo
    from recruitwatch.store import review
    from recruitwatch.store.database import transaction
    from recruitwatch.web.app import create_app

    with transaction(db_url) as session:
        for n, nationality in enumerate(["UZ", "UZ", "UZ", "TJ"]):
            fields = {"victim_nationalities": [nationality], "victim_status": "migrant_worker", "victim_count": 1,
                      "victim_names": [f"Person Number{n}"], "location_country": "RU", "location_regions": ["RU-MOW"],
                      "perpetrators": ["police"], "methods": ["threat"], "outcomes": [], "date": f"2025-03-1{n}"}
            incident = repo.create_incident(session, fields, repo.incident_search_text(fields))
            session.flush()
            review.confirm(session, incident.id, actor="test")
    return TestClient(create_app(db_url))


def test_the_public_list_and_stats_hide_small_counts_and_exact_dates(published):
    page = published.get("/incidents").text
    assert "2025-03-10" not in page and "2025-03" in page and "Number0" not in page
    stats = published.get("/api/v1/stats").json()
    nationality = dict(stats["facets"]["nationality"])
    assert nationality == {"UZ": 3, "TJ": None}
    items = published.get("/api/v1/incidents").json()["items"]
    assert {i["date"] for i in items} == {"2025-03"} and {i["date_precision"] for i in items} == {"month"}
    exported = published.get("/export.csv").text
    assert "2025-03-1" not in exported and "Number" not in exported
