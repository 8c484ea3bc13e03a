"""Doubtful links go to analysts: a pair the comparisons cannot call becomes a possible duplicate,
the analyst merges it or keeps it apart, and linking respects that afterwards. Every link keeps the
comparisons and weights that made it, for staff to read on the incident page and in the API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from recruitwatch.ingest import Ingestor
from recruitwatch.link.incidents import decide
from recruitwatch.store import review
from recruitwatch.store.database import sessions
from recruitwatch.store.models import AuditEntry, Incident, Mention, PossibleDuplicate
from recruitwatch.store.review import ReviewError

from .store_helpers import add_document, fields
from .web_helpers import make_user, post_form, sign_in

# Invented: a Kenyan runner named in full, and a thin later report that gives his given name only,
# no nationality and another story: perhaps him, perhaps not.
FIRST = fields(victim_names=["Joseph Mwangi"], victim_nationalities=["KE"], victim_count=1, date="2025-03",
               methods=["deception", "document_confiscation"], outcomes=["signed_contract", "deployed"])
DOUBTFUL = fields(victim_names=["Joseph"], victim_count=1, methods=["criminal_case_threat"], outcomes=["refused"])
CONFIRMING = fields(victim_names=["Джозеф Мванги"], victim_nationalities=["KE"], victim_count=1, date="2025-03-20",
                    methods=["deception"], outcomes=["deployed"])


def _record(found: dict) -> dict:
    return {**found, "victim_details": []}


def _link(db_url, n: int, found: dict) -> None:
    ingestor = Ingestor(db_url)
    with sessions(db_url)() as session, session.begin():
        report = add_document(session, n, [found])
        ingestor.link_report(session, report, report.document)


def _pairs(db_url) -> list[PossibleDuplicate]:
    with sessions(db_url)() as session:
        return list(session.scalars(select(PossibleDuplicate).order_by(PossibleDuplicate.id)))


def _incident_of(db_url, n: int) -> int:
    with sessions(db_url)() as session:
        return session.scalars(select(Mention.incident_id).order_by(Mention.id)).all()[n]


def test_the_pairs_are_what_the_tests_need():
    assert decide(_record(DOUBTFUL), _record(FIRST)).to_review
    assert decide(_record(CONFIRMING), _record(FIRST)).linked


def test_a_doubtful_match_becomes_a_possible_duplicate_not_a_link(db_url):
    _link(db_url, 1, FIRST)
    _link(db_url, 2, DOUBTFUL)
    first, second = _incident_of(db_url, 0), _incident_of(db_url, 1)
    assert first != second
    (pair,) = _pairs(db_url)
    assert (pair.incident_id, pair.other_id, pair.state) == (second, first, "open")
    assert {c["field"] for c in pair.comparisons["comparisons"]} >= {"name", "nationality", "story"}


def test_every_link_keeps_its_weighed_comparisons(db_url):
    _link(db_url, 1, FIRST)
    _link(db_url, 2, CONFIRMING)
    with sessions(db_url)() as session:
        first, second = session.scalars(select(Mention).order_by(Mention.id)).all()
        assert second.incident_id == first.incident_id
        assert first.comparisons is None  # a new incident: nothing compared
        link = second.comparisons
        assert link["score"] >= link["link_at"] and link["conflict"] is None
        name = next(c for c in link["comparisons"] if c["field"] == "name")
        assert name["level"] == "full_rare" and name["weight"] > 0
        assert "full name agrees" in second.link_reason
        assert 0.5 < second.link_score <= 1.0  # a probability, from the score and the prior odds


def test_kept_apart_stays_apart_when_the_reports_are_linked_again(db_url):
    _link(db_url, 1, FIRST)
    _link(db_url, 2, DOUBTFUL)
    (pair,) = _pairs(db_url)
    with sessions(db_url)() as session, session.begin():
        review.decide_duplicate(session, pair.id, "apart", actor="alice", reason="another runner")
    with sessions(db_url)() as session, session.begin():
        with pytest.raises(ReviewError, match="decided already"):
            review.decide_duplicate(session, pair.id, "merge", actor="bob")
        assert review.open_duplicates(session) == ([], 0)
        history = [c.action for c in session.get(Incident, pair.other_id).changes]
        assert "kept apart" in history
    # The later document linked anew (a new extractor version's report): never into the incident kept apart.
    assert _relink(db_url, 2).incident_id == pair.incident_id
    assert _relink(db_url, 1).incident_id == pair.other_id
    assert [p.state for p in _pairs(db_url)] == ["apart"]  # not asked again


def _relink(db_url, n: int) -> Mention:
    """Document n's report made again (a new extractor version) and linked, as `reprocess` does."""
    from recruitwatch.store import repository as repo
    from recruitwatch.store.models import Document

    with sessions(db_url)() as session, session.begin():
        document = session.scalars(select(Document).order_by(Document.id)).all()[n - 1]
        report = repo.add_report(session, document, document.reports[0].record, f"test-{len(document.reports) + 1}")
        Ingestor(db_url).link_report(session, report, document)
        mention = session.scalars(select(Mention).where(Mention.report_id == report.id)).one()
        session.expunge(mention)
        return mention


def test_merging_a_possible_duplicate_joins_the_later_incident_to_the_earlier(db_url):
    _link(db_url, 1, FIRST)
    _link(db_url, 2, DOUBTFUL)
    (pair,) = _pairs(db_url)
    with sessions(db_url)() as session, session.begin():
        kept = review.decide_duplicate(session, pair.id, "merge", actor="alice", reason="his coach confirmed it")
        assert kept.id == pair.other_id
    with sessions(db_url)() as session:
        assert session.get(Incident, pair.incident_id).merged_into == pair.other_id
        assert session.get(PossibleDuplicate, pair.id).decided_by == "alice"
        with pytest.raises(ReviewError, match="one of: merge, apart"):
            review.decide_duplicate(session, pair.id, "maybe", actor="alice")
    # Extracted again, the doubtful report stays where the analyst put it, and nobody is asked again.
    again = _relink(db_url, 2)
    assert again.incident_id == pair.other_id
    assert "analysts vouched for this incident's sources" in again.link_reason
    assert len(_pairs(db_url)) == 1


@pytest.fixture
def web(db_url):
    from recruitwatch.web.app import create_app

    _link(db_url, 1, FIRST)
    _link(db_url, 2, DOUBTFUL)
    _link(db_url, 3, CONFIRMING)
    return TestClient(create_app(db_url))


def test_analysts_see_the_pair_side_by_side_and_decide_it(web, db_url):
    make_user(db_url, "alice", "analyst")
    assert sign_in(web, "alice").status_code == 303
    page = web.get("/duplicates")
    (pair,) = _pairs(db_url)
    assert page.status_code == 200
    assert f"#{pair.incident_id}" in page.text and f"#{pair.other_id}" in page.text
    assert "differs" in page.text and "Joseph Mwangi" in page.text  # staff see names; conflicts are marked
    assert "given name agrees" in page.text  # the weighed comparisons
    done = post_form(web, "/duplicates", f"/duplicates/{pair.id}", {"decision": "apart", "reason": "another man"})
    assert done.status_code == 303
    assert "Nothing to decide" in web.get("/duplicates").text
    with sessions(db_url)() as session:
        actions = [e.detail.get("action") for e in session.scalars(select(AuditEntry)) if e.detail]
    assert "possible duplicate apart" in actions


def test_the_queue_and_the_comparisons_are_for_staff_only(web, db_url):
    assert web.get("/duplicates", follow_redirects=False).status_code in (303, 401)
    (pair,) = _pairs(db_url)
    assert web.post(f"/duplicates/{pair.id}", data={"decision": "merge"}, follow_redirects=False).status_code in (303, 401, 403)
    make_user(db_url, "vera", "viewer")
    assert sign_in(web, "vera").status_code == 303
    assert web.get("/duplicates", follow_redirects=False).status_code == 403
    incident = _incident_of(db_url, 0)
    api = web.get(f"/api/v1/incidents/{incident}").json()
    linked = [s for s in api["sources"] if s["link_comparisons"]]
    assert linked and linked[0]["link_comparisons"]["comparisons"]
    assert "How this source was matched" in web.get(f"/incidents/{incident}").text
    with sessions(db_url)() as session, session.begin():
        review.confirm(session, incident, actor="alice", reason="checked")
    public = TestClient(web.app)
    sources = public.get(f"/api/v1/incidents/{incident}").json()["sources"]
    assert sources and all(s["link_comparisons"] is None for s in sources)
    assert "How this source was matched" not in public.get(f"/incidents/{incident}").text
    with sessions(db_url)() as session:
        assert session.get(PossibleDuplicate, pair.id).state == "open"


def test_every_weighed_level_reads_in_every_interface_language():
    from recruitwatch.link.weights import comparison_labels, link_model

    labels = comparison_labels()
    for field, levels in link_model().weights.items():
        for level in levels:
            assert set(labels[field][level]) == {"en", "ru", "uz"}, (field, level)


def test_reprocessing_keeps_what_an_analyst_merged_even_against_the_names(db_url):
    """Two reports the linker keeps apart (other names), merged by an analyst who knows better,
    stay one incident when every document is extracted again (`reprocess --force`)."""
    import datetime as dt

    from recruitwatch.sources.base import SourceItem
    from recruitwatch.workflows import reprocess

    from .test_candidate_links import INCIDENT

    other = INCIDENT.replace("Joseph Mwangi", "Peter Otieno").replace("Mwangi", "Otieno")
    items = [SourceItem("jsonl", f"https://outlet.test/{n}", text.encode(), dt.datetime(2025, 5, 1, tzinfo=dt.UTC), text=text)
             for n, text in enumerate((INCIDENT, other))]
    Ingestor(db_url).run(items)

    def current_incidents() -> list[int]:
        from recruitwatch.store.models import Report

        with sessions(db_url)() as session:
            return sorted(session.scalars(select(Mention.incident_id).join(Report).where(Report.current.is_(True))))

    first, second = current_incidents()
    assert first != second
    with sessions(db_url)() as session, session.begin():
        review.merge(session, first, second, actor="alice", reason="one man: the second outlet misspelt him")
    assert reprocess(url=db_url, force=True) == 2
    assert current_incidents() == [first, first]


def test_home_locality_and_prison_term_are_compared_across_scripts():
    from recruitwatch.link.compare import compare

    a = {**_record(FIRST), "victim_details": [{"home_locality": "Eldoret", "sentence": "6 years 8 months"}]}
    b = {**_record(CONFIRMING), "victim_details": [{"home_locality": "Элдорет", "sentence": "6 лет и 8 месяцев"}]}
    c = {**_record(CONFIRMING), "victim_details": [{"home_locality": "Kisumu", "sentence": "5 лет"}]}
    assert {k: compare(a, b)[k] for k in ("home", "sentence")} == {"home": "agree", "sentence": "agree"}
    assert {k: compare(a, c)[k] for k in ("home", "sentence")} == {"home": "disagree", "sentence": "disagree"}
    assert compare(a, _record(FIRST))["home"] == "missing"


def test_the_api_lists_open_pairs_for_analysts_only(web, db_url):
    (pair,) = _pairs(db_url)
    assert web.get("/api/v1/duplicates").status_code in (401, 403)  # the public
    make_user(db_url, "vera", "viewer")
    sign_in(web, "vera")
    assert web.get("/api/v1/duplicates").status_code == 403
    analyst = TestClient(web.app)
    make_user(db_url, "alice", "analyst")
    sign_in(analyst, "alice")
    listed = analyst.get("/api/v1/duplicates").json()
    assert listed["total"] == 1 and [p["id"] for p in listed["items"]] == [pair.id]
    item = listed["items"][0]
    assert (item["incident_id"], item["other_id"]) == (pair.incident_id, pair.other_id)
    assert item["link"]["comparisons"] and item["link"]["review_at"] <= item["score"] < item["link"]["link_at"]
    assert "Joseph" not in str(listed)  # ids and levels only: names stay in the incidents
    post_form(analyst, "/duplicates", f"/duplicates/{pair.id}", {"decision": "apart"})
    assert analyst.get("/api/v1/duplicates").json() == {"total": 0, "items": []}
