"""What the web app and the API read: counts, facets, months, keyset pages, the changes feed, exports."""

from __future__ import annotations

import types
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from recruitwatch.demo import demo_items
from recruitwatch.ingest import Ingestor
from recruitwatch.store import queries as q_
from recruitwatch.store import review
from recruitwatch.store.database import sessions
from recruitwatch.store.models import Document, Incident, Mention
from recruitwatch.store.queries import IncidentQuery
from recruitwatch.web.render import facet_links, query_with, with_value

from .store_helpers import add_document, fields, link, new_incident

FACET_FILTER = {"nationality": "nationality", "status": "status", "region": "region", "perpetrator": "perpetrator",
                "method": "method", "outcome": "outcome", "language": "language", "review_state": "review_state"}


@pytest.fixture
def session(db_url):
    with sessions(db_url)() as s:
        yield s


@pytest.fixture
def demo(db_url):
    """The demo articles ingested, a few incidents reviewed, one merged."""
    Ingestor(db_url).run(demo_items())
    with sessions(db_url)() as s:
        ids = s.scalars(select(Incident.id).order_by(Incident.id)).all()
        for incident_id in ids[:5]:
            review.confirm(s, incident_id, actor="alice")
        review.reject(s, ids[5], actor="alice", reason="out of scope")
        review.merge(s, ids[6], ids[7], actor="alice", reason="same man")
        s.commit()
        yield s


def assert_facets_match_filters(session, q: IncidentQuery) -> None:
    found = q_.facets(session, q)
    total = q_.count_incidents(session, q)
    assert set(found) == set(q_.FACETS)
    for facet, pairs in found.items():
        assert pairs == sorted(pairs, key=lambda p: (-p[1], p[0]))
        chosen = getattr(q, FACET_FILTER[facet])
        for value, n in pairs:
            if chosen is None:  # this facet's field is not filtered: choosing the value gives n incidents
                assert n == q_.count_incidents(session, replace(q, **{FACET_FILTER[facet]: value})), (facet, value)
            else:  # it is: the chosen value counts them all, the others co-occur with it
                assert n == total if value.lower() == chosen.lower() else n <= total, (facet, value)


def test_facet_counts_equal_the_incidents_listed_with_that_filter(demo):
    total = q_.count_incidents(demo, IncidentQuery())
    assert total == len(q_.list_incidents(demo, IncidentQuery(limit=10_000))) > 40
    assert_facets_match_filters(demo, IncidentQuery())  # the unfiltered view
    assert_facets_match_filters(demo, IncidentQuery(review_state="machine"))  # a broad filter
    assert_facets_match_filters(demo, IncidentQuery(nationality="UZ"))  # a narrow one
    assert_facets_match_filters(demo, IncidentQuery(language="ru", status="migrant_worker"))
    states = dict(q_.facets(demo, IncidentQuery(), fields=("review_state",))["review_state"])
    assert states["verified"] == 5 and states["rejected"] == 1
    uz = dict(q_.facets(demo, IncidentQuery(nationality="uz"))["nationality"])
    assert uz["UZ"] == q_.count_incidents(demo, IncidentQuery(nationality="UZ"))


def test_facets_refuse_unknown_fields_and_match_nothing_for_an_empty_query(demo):
    with pytest.raises(ValueError, match="unknown facet"):
        q_.facets(demo, IncidentQuery(), fields=("colour",))
    assert q_.facets(demo, IncidentQuery(text="***"), fields=("nationality",)) == {"nationality": []}


def test_months_and_undated_add_up_to_the_total(demo):
    months = q_.month_counts(demo, IncidentQuery())
    assert months == sorted(months) and all(len(m) == 7 and m[4] == "-" for m, _n in months)
    assert sum(n for _m, n in months) + q_.undated_count(demo, IncidentQuery()) == q_.count_incidents(demo, IncidentQuery())
    in_2024 = q_.month_counts(demo, IncidentQuery(date_from="2024", date_to="2024"))
    assert in_2024 and all(m.startswith("2024-") for m, _n in in_2024)


def visit_all(session, q: IncidentQuery) -> list[int]:
    seen, pages = [], 0
    while True:
        rows, cursor = q_.incident_page(session, q)
        seen += [i.id for i in rows]
        pages += 1
        assert pages < 1000
        if cursor is None:
            return seen
        q = replace(q, after=cursor)


@pytest.mark.parametrize("sort", q_.SORTS)
def test_keyset_pages_visit_every_incident_once_in_list_order(session, sort):
    for n in range(1, 24):
        date = [None, "2024", f"2024-{n % 12 + 1:02d}", f"2023-05-{n % 28 + 1:02d}"][n % 4]
        new_incident(session, n, victim_names=[f"Victim {n}"], date=date)
    incidents = session.scalars(select(Incident).order_by(Incident.id)).all()
    for n, incident in enumerate(incidents[:6]):  # some incidents with more sources, some ties
        for k in range(n % 3):
            link(session, add_document(session, 100 + 10 * n + k, [fields(victim_names=[f"Victim {n + 1}"])]), 0, incident)
    review.correct(session, incidents[10].id, "date", "2025", actor="alice")  # a later updated_at
    session.commit()
    everything = q_.list_incidents(session, IncidentQuery(limit=1000, sort=sort))
    seen = visit_all(session, IncidentQuery(limit=4, sort=sort))
    assert seen == [i.id for i in everything]
    assert len(seen) == len(set(seen)) == 23
    by_offset = [i.id for k in range(0, 24, 5) for i in q_.list_incidents(session, IncidentQuery(limit=5, offset=k, sort=sort))]
    assert by_offset == seen
    if sort.endswith("date"):  # dated ones by date (ties by number), the undated last either way
        dated = sorted((i for i in incidents if i.date), key=lambda i: (i.date, i.id), reverse=sort.startswith("-"))
        undated = sorted((i for i in incidents if not i.date), key=lambda i: i.id, reverse=sort.startswith("-"))
        assert seen == [i.id for i in dated + undated]
    narrow = q_.list_incidents(session, IncidentQuery(limit=1000, sort=sort, name="Victim 3"))  # a narrow filter: matches sorted
    assert [i.id for i in narrow] == [i for i in seen if i in {x.id for x in narrow}] and narrow


def test_keyset_pages_are_stable_while_incidents_are_added(session):
    for n in range(1, 11):
        new_incident(session, n, date=f"2024-01-{n:02d}")
    session.commit()
    q = IncidentQuery(limit=3, sort="-date")
    first, cursor = q_.incident_page(session, q)
    for n in range(11, 15):  # newer than every page: before the cursor
        new_incident(session, n, date=f"2025-01-{n:02d}")
    session.commit()
    seen = [i.id for i in first] + visit_all(session, replace(q, after=cursor))
    assert sorted(seen) == list(range(1, 11)) and len(seen) == len(set(seen))


def test_sorts_and_cursors_are_checked(session):
    new_incident(session, 1)
    new_incident(session, 2)
    with pytest.raises(ValueError, match="sort must be one of date, -date, updated"):
        q_.list_incidents(session, IncidentQuery(sort="name"))
    with pytest.raises(ValueError, match="invalid cursor"):
        q_.incident_page(session, IncidentQuery(after="not-a-cursor"))
    _rows, cursor = q_.incident_page(session, IncidentQuery(limit=1, sort="id"))
    assert cursor is not None
    with pytest.raises(ValueError, match="invalid cursor"):
        q_.incident_page(session, IncidentQuery(limit=1, sort="-updated", after=cursor))
    assert q_.incident_page(session, IncidentQuery(limit=5))[1] is None


def test_the_cli_still_builds_queries_positionally(session):
    new_incident(session, 1, victim_nationalities=["UZ"])
    q = IncidentQuery(None, "UZ", None, None, None, None, None, None, None, None, None, None, None, 10)
    assert q.sort == "-date" and q.after is None
    assert len(q_.list_incidents(session, q)) == 1


def test_changes_feed_tells_mirrors_what_happened_in_order(session):
    a, b, c = (new_incident(session, n, victim_names=[f"Victim {n}"]) for n in (1, 2, 3))
    session.commit()
    start = q_.changes_since(session, 0)[-1]["id"]
    review.correct(session, a.id, "date", "2024-03", actor="alice")
    review.merge(session, a.id, b.id, actor="alice", reason="same")
    review.reject(session, c.id, actor="alice", reason="advert")
    review.reopen(session, c.id, actor="alice")
    review.reject(session, c.id, actor="alice", reason="advert after all")
    review.confirm(session, c.id, actor="bob", reason="no, real")
    session.commit()
    feed = q_.changes_since(session, start)
    assert [(e["incident_id"], e["kind"]) for e in feed] == [
        (a.id, "edited"), (a.id, "edited"), (b.id, "merged"), (c.id, "deleted"), (c.id, "restored"),
        (c.id, "deleted"), (c.id, "restored"),
    ]
    assert [e["merged_into"] for e in feed] == [None, None, a.id, None, None, None, None]
    assert [e["id"] for e in feed] == sorted(e["id"] for e in feed) and feed[0]["id"] > start
    assert all(e["at"].endswith("+00:00") for e in feed)
    created = q_.changes_since(session, 0, limit=3)
    assert [(e["incident_id"], e["kind"]) for e in created] == [(a.id, "created"), (b.id, "created"), (c.id, "created")]
    assert q_.changes_since(session, feed[2]["id"])[0]["id"] == feed[3]["id"]  # since is exclusive
    assert q_.changes_since(session, feed[-1]["id"]) == []


def test_export_rows_streams_every_matching_incident_with_its_documents(session):
    for n in range(1, 521):  # more than one batch of 500
        new_incident(session, n, language="ru" if n % 2 else "en", url=f"https://www.example.org/{n}", methods=["threat"])
    session.commit()
    rows = q_.export_rows(session, IncidentQuery(limit=10))
    assert isinstance(rows, types.GeneratorType)
    rows = list(rows)
    assert len(rows) == len({r["id"] for r in rows}) == 520  # the query's limit does not apply
    first = rows[0]
    assert set(first) == {"id", "fields", "review_state", "date_precision", "place_precision", "first_seen", "updated_at",
                          "documents"}
    assert first["fields"]["methods"] == ["threat"]
    assert first["documents"] == [{
        "url": f"https://www.example.org/{first['id']}", "locator": f"https://www.example.org/{first['id']}",
        "title": f"Document {first['id']}", "published": first["documents"][0]["published"],
        "language": "ru" if first["id"] % 2 else "en", "outlet": "example.org",
    }]
    assert len(list(q_.export_rows(session, IncidentQuery(language="ru")))) == 260


def test_documents_page_by_cursor_and_show_their_evidence(session):
    incident = new_incident(session, 1, victim_names=["Yusuf Karimov"], methods=["threat"])
    for n in range(2, 8):
        new_incident(session, n, victim_names=[f"Victim {n}"])
    session.commit()
    ids, after = [], None
    while True:
        rows, after = q_.document_page(session, None, 3, after)
        ids += [d.id for d in rows]
        if after is None:
            break
    assert ids == sorted(session.scalars(select(Document.id)), reverse=True)
    found, _ = q_.document_page(session, "Karimov", 10, None)
    assert len(found) == 1
    detail = q_.document_detail(session, found[0].id)
    assert detail["incident_ids"] == [incident.id]
    assert {e["field"] for e in detail["evidence"]} == {"victim_names", "methods"}
    assert all(found[0].text[e["start"] : e["end"]] == e["quote"] for e in detail["evidence"])
    assert q_.get_document(session, found[0].id) is found[0] and q_.get_document(session, 9999) is None
    assert q_.source_counts(session, [incident.id, 9999]) == {incident.id: 1}
    mention = session.scalar(select(Mention).where(Mention.incident_id == incident.id))
    assert mention is not None
    review.confirm(session, incident.id, actor="alice")
    assert q_.published_ids(session, [incident.id, incident.id + 1]) == {incident.id}


def _uncached(session, q: IncidentQuery) -> tuple:
    from recruitwatch.store.queries import counts

    return counts._count_incidents(session, q), counts._facets(session, q, q_.FACETS), counts._month_counts(session, q)


def _cached(session, q: IncidentQuery) -> tuple:
    return q_.count_incidents(session, q), q_.facets(session, q), q_.month_counts(session, q)


def test_kept_counts_and_facets_follow_every_change_to_the_store(session, db_url):
    """Counts and facets are kept between requests; every write that bears on them must show at once."""
    views = [IncidentQuery(), IncidentQuery(nationality="UZ"), IncidentQuery(review_state="verified"), IncidentQuery(language="ru")]
    a = new_incident(session, 1, victim_nationalities=["UZ"], methods=["raid_detention"], date="2024-03-02")
    b = new_incident(session, 2, language="ru", victim_nationalities=["TJ"], date="2024-05")
    session.commit()
    steps = [
        lambda: new_incident(session, 3, language="ru", victim_nationalities=["UZ"], outcomes=["deployed"]),
        lambda: review.confirm(session, a.id, actor="alice"),
        lambda: review.correct(session, b.id, "victim_nationalities", ["UZ"], actor="alice", reason="misread"),
        lambda: review.merge(session, a.id, b.id, actor="alice", reason="same man"),
        lambda: review.reject(session, a.id, actor="alice", reason="out of scope"),
        lambda: session.execute(Document.__table__.update().values(language="uz")),
    ]
    for step in steps:
        before = [_cached(session, q) for q in views]  # filed under the current version
        step()
        session.commit()
        after = [_cached(session, q) for q in views]
        assert after == [_uncached(session, q) for q in views]
        assert after != before, step
    # The rejected one (a, with b merged in) left the counts; analysts still find it by its state.
    assert q_.count_incidents(session, IncidentQuery(nationality="UZ")) == 1 and q_.count_incidents(session, IncidentQuery(language="ru")) == 0
    assert q_.count_incidents(session, IncidentQuery(nationality="UZ", review_state="rejected")) == 1


def test_a_store_rebuilt_at_the_same_address_never_gets_the_old_figures(tmp_path):
    """Figures are filed under the database's random epoch as well as its version (tests and
    restores rebuild stores at the same address, with the version starting again at zero)."""
    from sqlalchemy import text

    from recruitwatch.store.database import engine_for, upgrade

    url = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    upgrade(url)
    with sessions(url)() as s:
        new_incident(s, 1, victim_nationalities=["UZ"])
        new_incident(s, 2, victim_nationalities=["UZ"])
        s.commit()
        version = s.execute(text("SELECT version FROM store_state")).scalar()
        assert q_.count_incidents(s, IncidentQuery()) == 2
    engine_for(url).dispose()
    (tmp_path / "rebuilt.db").unlink()
    upgrade(url)
    with sessions(url)() as s:
        new_incident(s, 1, victim_nationalities=["TJ"])
        s.commit()
        s.execute(text("UPDATE store_state SET version = :v"), {"v": version})  # the same version number as before
        s.commit()
        assert q_.count_incidents(s, IncidentQuery()) == 1
        assert q_.facets(s, IncidentQuery(), fields=("nationality",)) == {"nationality": [("TJ", 1)]}
    engine_for(url).dispose()


def test_kept_figures_of_a_store_that_moved_on_are_let_go(session):
    """While ingest writes, the version moves with each batch; what older versions kept must go,
    or a long-running server would fill its memory with figures nobody can be served."""
    from recruitwatch.store.figures_cache import FiguresCache

    kept = FiguresCache()
    for n in range(1, 6):
        new_incident(session, n, victim_nationalities=["UZ"])
        session.commit()
        for view in ("all", "UZ", "TJ"):
            assert kept.get(session, view, lambda n=n: n) == n  # computed afresh at each version
        assert len(kept) == 3
    assert kept.get(session, "all", lambda: "again") == 5 and kept.hits == 1


_PARAM_VALUES = ["UZ", "TJ", "RU-MOW", "a b", "ä/ü&=#", "", "raid_detention"]


@given(
    params=st.dictionaries(
        st.sampled_from(["q", "nationality", "region", "method", "sort", "page", "view", "columns"]),
        st.one_of(st.none(), st.sampled_from(_PARAM_VALUES), st.lists(st.sampled_from(_PARAM_VALUES), max_size=3)),
        max_size=6,
    ),
    name=st.sampled_from(["nationality", "region", "method"]),
    values=st.lists(st.sampled_from(_PARAM_VALUES), min_size=1, max_size=5, unique=True),
)
def test_each_facet_link_adds_or_removes_exactly_its_value(params, name, values):
    """A list page builds every facet value's link at once: each is the page's query (query_with) with
    that value added to the facet's chosen values, or taken out if chosen."""
    chosen = params.get(name) or []
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    toggled = {v: [c for c in chosen if c != v] if v in chosen else [*chosen, v] for v in values}
    assert facet_links(params, name, values) == {v: query_with(params, **{name: toggled[v]}) for v in values}
    assert all(with_value(params, name, v) == query_with(params, **{name: toggled[v]}) for v in values)
