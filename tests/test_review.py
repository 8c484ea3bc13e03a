"""Analysts' review: each action changes the record and leaves a history entry saying who and why."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recruitwatch.store import review
from recruitwatch.store.database import sessions
from recruitwatch.store.models import Document, Incident, IncidentChange, IncidentValue, Mention
from recruitwatch.store.queries import (
    IncidentQuery,
    count_incidents,
    incident_detail,
    list_incidents,
)
from recruitwatch.store.review import ReviewError

from .store_helpers import add_document, fields, link, new_incident


def history(session, incident_id: int) -> list[IncidentChange]:
    return list(session.scalars(select(IncidentChange).where(IncidentChange.incident_id == incident_id).order_by(IncidentChange.id)))


def mention_count(session, incident_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Mention).where(Mention.incident_id == incident_id))


@pytest.fixture
def session(db_url):
    with sessions(db_url)() as s:
        yield s


def test_confirm_reject_and_reopen_change_the_state_and_say_who_and_why(session):
    incident = new_incident(session, 1, victim_nationalities=["UZ"], victim_names=["Yusuf"])
    review.confirm(session, incident.id, actor="alice", reason="checked both sources")
    session.commit()
    assert session.get(Incident, incident.id).review_state == "verified"
    with pytest.raises(ReviewError, match="already verified"):
        review.confirm(session, incident.id, actor="alice")
    with pytest.raises(ReviewError, match="say why"):
        review.reject(session, incident.id, actor="bob", reason="  ")
    review.reject(session, incident.id, actor="bob", reason="an advert, not an incident")
    review.reopen(session, incident.id, actor="carol", reason="the advert names a victim")
    session.commit()
    entries = history(session, incident.id)
    assert [(e.action, e.actor) for e in entries] == [
        ("created", "machine"), ("confirmed", "alice"), ("rejected", "bob"), ("reopened", "carol"),
    ]
    assert entries[1].detail["reason"] == "checked both sources"
    assert entries[2].detail["review_state"] == {"before": "verified", "after": "rejected"}
    assert session.get(Incident, incident.id).review_state == "machine"
    assert all(e.at is not None for e in entries)


def test_correct_sets_the_field_its_values_and_search_text_and_marks_it_reviewed(session):
    incident = new_incident(session, 1, victim_nationalities=["UZ"], victim_status="migrant_worker", victim_names=["Yusuf"])
    review.correct(session, incident.id, "victim_nationalities", ["tj", "UZ"], actor="alice", reason="the text says Tajik")
    review.correct(session, incident.id, "victim_names", [" Firuz Davlatov ", ""], actor="alice", reason="full name in source 2")
    review.correct(session, incident.id, "date", "2024-02-29", actor="alice")
    session.commit()
    incident = session.get(Incident, incident.id)
    assert incident.fields["victim_nationalities"] == ["TJ", "UZ"]
    assert incident.fields["victim_names"] == ["Firuz Davlatov"]
    assert incident.date == "2024-02-29" and incident.date_precision == "day"
    assert set(incident.reviewed_fields) == {"victim_nationalities", "victim_names", "date"}
    values = set(session.scalars(select(IncidentValue.value).where(IncidentValue.incident_id == incident.id)))
    assert {"TJ", "UZ", "2024-02-29"} <= values and "Firuz Davlatov" not in values  # names: blind-index keys only
    assert [i.id for i in list_incidents(session, IncidentQuery(nationality="TJ"))] == [incident.id]
    for name in ("Davlatov", "Давлатов", "firuz davlatov"):
        assert [i.id for i in list_incidents(session, IncidentQuery(name=name))] == [incident.id]
    assert list_incidents(session, IncidentQuery(name="Yusuf")) == []
    assert "davlatov" not in incident.search_text and "Davlatov" not in str(incident.stored_fields)
    change = history(session, incident.id)[1]
    assert (change.action, change.actor, change.detail["reason"]) == ("corrected", "alice", "the text says Tajik")
    assert change.detail["changed"] == {"victim_nationalities": {"before": ["UZ"], "after": ["TJ", "UZ"]}}


def test_a_corrected_field_survives_a_later_link(session):
    incident = new_incident(session, 1, victim_status="migrant_worker", victim_names=["Yusuf"], methods=["threat"])
    review.correct(session, incident.id, "victim_status", "student", actor="alice", reason="he studies in Kazan")
    report = add_document(session, 2, [fields(victim_status="migrant_worker", victim_names=["Yusuf"], methods=["summons"])])
    link(session, report, 0, incident)
    session.commit()
    incident = session.get(Incident, incident.id)
    assert incident.fields["victim_status"] == "student"
    assert incident.fields["methods"] == ["summons", "threat"]
    assert [i.id for i in list_incidents(session, IncidentQuery(status="student"))] == [incident.id]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("colour", "red", "unknown field 'colour'"),
        ("victim_nationalities", "UZ", "takes a list"),
        ("victim_nationalities", ["XX"], "unknown victim_nationalities value"),
        ("location_regions", ["RU-XYZ"], "ISO 3166-2"),
        ("methods", ["bribery"], "one of: summons"),
        ("victim_status", "tourist", "choose one of"),
        ("victim_count", -1, "0 or more"),
        ("victim_count", "3", "whole number"),
        ("victim_count", True, "whole number"),
        ("date", "2024-13", "not a real date"),
        ("date", "2023-02-29", "not a real date"),
        ("date", "29.02.2024", "YYYY, YYYY-MM or YYYY-MM-DD"),
        ("victim_names", ["x" * 201], "at most 200 characters"),
        ("location_country", "Russia", "ISO 3166-1"),
    ],
)
def test_invalid_corrections_are_refused_with_what_to_do(session, field, value, message):
    incident = new_incident(session, 1, victim_names=["Yusuf"])
    with pytest.raises(ReviewError, match=message):
        review.correct(session, incident.id, field, value, actor="alice")


def test_valid_corrections_are_normalised(session):
    assert review.clean_value("victim_count", 0) == 0
    assert review.clean_value("victim_count", None) is None
    assert review.clean_value("victim_status", None) == "unknown"
    assert review.clean_value("location_regions", ["ru-mow", "UA-14", "RU-MOW"]) == ["RU-MOW", "UA-14"]
    assert review.clean_value("location_country", " ua ") == "UA"
    assert review.clean_value("date", "2024") == "2024"
    assert review.clean_value("outcomes", []) == []


def test_unknown_and_merged_away_incidents_are_refused_by_name(session):
    with pytest.raises(ReviewError, match="no incident 999"):
        review.confirm(session, 999, actor="alice")
    a = new_incident(session, 1, victim_names=["Yusuf"])
    b = new_incident(session, 2, victim_names=["Yusuf Karimov"])
    review.merge(session, a.id, b.id, actor="alice", reason="same man")
    with pytest.raises(ReviewError, match=f"merged into incident {a.id}"):
        review.correct(session, b.id, "date", "2024", actor="alice")
    with pytest.raises(ReviewError, match="into itself"):
        review.merge(session, a.id, a.id, actor="alice", reason="x")
    with pytest.raises(ReviewError, match="say why"):
        review.merge(session, a.id, b.id, actor="alice", reason="")
    with pytest.raises(ReviewError, match="username"):
        review.confirm(session, a.id, actor=" ")


def test_merge_moves_mentions_keeps_reviewed_fields_and_hides_the_other(session):
    keep = new_incident(session, 1, victim_nationalities=["UZ"], victim_status="migrant_worker", methods=["threat"])
    other = new_incident(session, 2, victim_nationalities=["UZ"], victim_status="prisoner", methods=["summons"],
                         date="2024-05-03")
    review.correct(session, keep.id, "victim_status", "student", actor="alice", reason="checked")
    review.merge(session, keep.id, other.id, actor="bob", reason="one man, two reports")
    session.commit()
    keep, other = session.get(Incident, keep.id), session.get(Incident, other.id)
    assert mention_count(session, keep.id) == 2 and mention_count(session, other.id) == 0
    assert other.merged_into == keep.id
    assert keep.fields["victim_status"] == "student"  # the analyst's value, not the other's
    assert keep.fields["methods"] == ["summons", "threat"] and keep.fields["date"] == "2024-05-03"
    assert [i.id for i in list_incidents(session, IncidentQuery())] == [keep.id]
    assert count_incidents(session, IncidentQuery(method="summons")) == 1
    kept, gone = history(session, keep.id)[-1], history(session, other.id)[-1]
    assert (kept.action, kept.actor, kept.detail["merged_from"], kept.detail["reason"]) == (
        "merged", "bob", other.id, "one man, two reports")
    assert (gone.action, gone.detail["merged_into"]) == ("merged", keep.id)
    reasons = session.scalars(select(Mention.link_reason).where(Mention.incident_id == keep.id)).all()
    assert any(r.startswith(f"merged from incident {other.id} by bob") for r in reasons)


def test_a_rejected_incident_is_not_merged(session):
    a, b = new_incident(session, 1), new_incident(session, 2)
    review.reject(session, b.id, actor="alice", reason="not recruitment")
    with pytest.raises(ReviewError, match=f"incident {b.id} is rejected; reopen it first"):
        review.merge(session, a.id, b.id, actor="alice", reason="same")


def test_split_rebuilds_both_incidents_from_their_reports(session):
    incident = new_incident(session, 1, victim_nationalities=["UZ"], victim_names=["Yusuf Karimov"], methods=["threat"],
                            location_regions=["RU-MOW"])
    for n, method in ((2, "summons"), (3, "raid_detention")):
        report = add_document(session, n, [fields(victim_nationalities=["UZ"], victim_names=["Yusuf Karimov"], methods=[method])])
        link(session, report, 0, incident)
    review.correct(session, incident.id, "victim_status", "student", actor="alice", reason="checked")
    assert incident.fields["methods"] == ["raid_detention", "summons", "threat"]
    mentions = session.scalars(select(Mention).where(Mention.incident_id == incident.id).order_by(Mention.id)).all()
    new = review.split(session, incident.id, [mentions[2].id], actor="bob", reason="another Yusuf, in a raid")
    session.commit()
    incident = session.get(Incident, incident.id)
    assert new.fields["methods"] == ["raid_detention"] and new.review_state == "machine"
    assert incident.fields["methods"] == ["summons", "threat"]
    assert incident.fields["victim_status"] == "student"  # reviewed: kept
    assert incident.fields["location_regions"] == ["RU-MOW"]
    assert mention_count(session, new.id) == 1 and mention_count(session, incident.id) == 2
    assert [i.id for i in list_incidents(session, IncidentQuery(method="raid_detention"))] == [new.id]
    assert [(c.action, c.actor) for c in history(session, new.id)] == [("created", "bob"), ("split", "bob")]
    last = history(session, incident.id)[-1]
    assert (last.action, last.detail["split_into"], last.detail["reason"]) == ("split", new.id, "another Yusuf, in a raid")
    assert "methods" in last.detail["changed"]


def test_split_refuses_none_all_and_foreign_mentions(session):
    incident = new_incident(session, 1, victim_names=["Yusuf"])
    link(session, add_document(session, 2, [fields(victim_names=["Yusuf"])]), 0, incident)
    other = new_incident(session, 3)
    mine = session.scalars(select(Mention.id).where(Mention.incident_id == incident.id)).all()
    theirs = session.scalars(select(Mention.id).where(Mention.incident_id == other.id)).all()
    with pytest.raises(ReviewError, match="at least one source"):
        review.split(session, incident.id, [], actor="alice", reason="x")
    with pytest.raises(ReviewError, match="cannot move every source"):
        review.split(session, incident.id, mine, actor="alice", reason="x")
    with pytest.raises(ReviewError, match=f"are not sources of incident {incident.id}"):
        review.split(session, incident.id, theirs, actor="alice", reason="x")


def test_split_then_merge_round_trips_the_mentions(session):
    incident = new_incident(session, 1, victim_names=["Yusuf"], methods=["threat"])
    for n in (2, 3, 4):
        link(session, add_document(session, n, [fields(victim_names=["Yusuf"], methods=["summons"])]), 0, incident)
    before = mention_count(session, incident.id)
    moving = session.scalars(select(Mention.id).where(Mention.incident_id == incident.id).order_by(Mention.id)).all()[2:]
    new = review.split(session, incident.id, moving, actor="alice", reason="two men?")
    assert (mention_count(session, incident.id), mention_count(session, new.id)) == (2, 2)
    review.merge(session, incident.id, new.id, actor="alice", reason="no: one man")
    session.commit()
    assert mention_count(session, incident.id) == before == 4
    assert session.get(Incident, incident.id).fields["methods"] == ["summons", "threat"]
    assert [i.id for i in list_incidents(session, IncidentQuery())] == [incident.id]


def test_outlets_are_hosts_or_channels():
    assert review.outlet_of("https://www.Fergana.news/news/1/", "https://www.Fergana.news/news/1/") == "fergana.news"
    assert review.outlet_of(None, "https://t.me/RusBB/123") == "telegram:rusbb"
    assert review.outlet_of(None, "/exports/Radio Azattyk/result.json#42") == "telegram:Radio Azattyk"
    assert review.outlet_of(None, "/data/articles/uz_001.txt") == "uz_001.txt"
    assert review.outlet_of(None, "/data/feed.jsonl#7") == "feed.jsonl"
    assert review.outlet_of(None, "") == "unknown"


def test_reliability_grades_follow_the_admiralty_scale(session):
    assert list(review.RELIABILITY_GRADES) == ["A", "B", "C", "D", "E", "F"]
    assert review.RELIABILITY_GRADES["A"] == "Completely reliable"
    assert review.RELIABILITY_GRADES["F"] == "Reliability cannot be judged"
    review.set_outlet_grade(session, "fergana.news", "b", actor="alice", note="long record")
    review.set_outlet_grade(session, "fergana.news", "C", actor="bob")
    with pytest.raises(ReviewError, match="grade must be one of A"):
        review.set_outlet_grade(session, "fergana.news", "Z", actor="bob")
    with pytest.raises(ReviewError, match="give the outlet"):
        review.set_outlet_grade(session, " ", "A", actor="bob")
    session.commit()
    grades = review.outlet_grades(session, ["fergana.news", "ungraded.org"])
    assert list(grades) == ["fergana.news"]
    assert (grades["fergana.news"].grade, grades["fergana.news"].set_by, grades["fergana.news"].note) == ("C", "bob", None)


def test_incident_detail_gives_documents_grades_evidence_and_history(session):
    incident = new_incident(session, 1, url="https://www.example.org/a", victim_names=["Yusuf Karimov"], methods=["threat"])
    report = add_document(session, 2, [fields(victim_names=["Yusuf Karimov"], methods=["summons"])], url="https://t.me/rusbb/5",
                          language="ru")
    link(session, report, 0, incident)
    review.set_outlet_grade(session, "example.org", "B", actor="alice")
    review.confirm(session, incident.id, actor="alice", reason="two outlets agree")
    session.commit()
    detail = incident_detail(session, incident.id)
    assert detail["incident"].id == incident.id
    assert [d["outlet"] for d in detail["documents"]] == ["example.org", "telegram:rusbb"]
    assert [d["grade"] for d in detail["documents"]] == ["B", None]
    first = detail["documents"][0]
    assert first["mention_id"] and first["score"] == 1.0 and first["reason"] == "new incident"
    document = session.get(Document, first["id"])
    for entry in first["evidence"]:
        assert document.text[entry["start"] : entry["end"]] == entry["quote"]
    assert {e["field"] for e in first["evidence"]} == {"victim_names", "methods"}
    assert [h["action"] for h in detail["history"]] == ["created", "linked", "confirmed"]
    assert detail["history"][-1]["reason"] == "two outlets agree" and detail["history"][-1]["actor"] == "alice"
    assert incident_detail(session, 12345) is None
