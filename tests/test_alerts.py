"""Saved searches and their alerts, as their owners and an attacker meet them: the search's own address,
watching, one message per batch by e-mail (a real SMTP server on 127.0.0.1), signed webhooks retried with
back-off (a real HTTP receiver), the Atom feed, one-click unsubscribing, and what an alert may never carry."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from recruitwatch.alerts import channels, runner
from recruitwatch.security.accounts import set_disabled
from recruitwatch.store import review
from recruitwatch.store import saved_searches as saved
from recruitwatch.store.database import sessions, transaction
from recruitwatch.store.models import AlertDelivery, AuditEntry, SavedSearch, utcnow
from recruitwatch.web.app import create_app

from .store_helpers import new_incident
from .web_helpers import make_user, post_form, sign_in
from .webhook_receiver import Receiver

NAME = "Rustam Aliev"  # a victim's name: never in an alert, whoever watches


def _incident(url: str, n: int, **values) -> int:
    values = {"victim_nationalities": ["UZ"], "victim_status": "migrant_worker", "victim_names": [NAME],
              "location_country": "RU", "location_regions": ["RU-MOW"], "methods": ["raid_detention"],
              "outcomes": ["signed_contract"], "date": "2024-05-17", **values}
    with transaction(url) as session:
        return new_incident(session, n, **values).id


def _confirm(url: str, incident_id: int) -> None:
    with transaction(url) as session:
        review.confirm(session, incident_id, actor="alice")


@pytest.fixture
def site(db_url):
    for username, role in (("ana", "analyst"), ("bob", "analyst"), ("cw", "caseworker")):
        make_user(db_url, username, role)
    with TestClient(create_app(db_url)) as client:
        yield client


def _save(client, username: str, query: str, name: str = "Uzbeks in Moscow", **watch) -> int:
    sign_in(client, username)
    response = post_form(client, f"/incidents?{query}", "/searches", {"name": name, "query": query})
    assert response.status_code == 303
    search_id = int(re.search(r"#search-(\d+)", response.headers["location"]).group(1))
    if watch:
        form = {"name": name, "watch": "on", **{k: v for k, v in watch.items() if k != "watch"}}
        assert post_form(client, "/searches", f"/searches/{search_id}", form).status_code == 303
    return search_id


def _round(url: str, now: dt.datetime | None = None, **kwargs) -> runner.RoundReport:
    return runner.run_round(sessions(url), base="https://rw.example.org", now=now, **kwargs)


def _audit(url: str, action: str) -> list[AuditEntry]:
    with sessions(url)() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# -- saved searches


def test_a_saved_search_has_its_own_address_that_only_its_owner_opens(site, db_url):
    search_id = _save(site, "ana", "nationality=UZ&method=raid_detention")
    opened = site.get(f"/searches/{search_id}", follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/incidents?nationality=UZ&method=raid_detention"
    assert "Uzbeks in Moscow" in site.get("/searches").text

    sign_in(site, "bob")
    assert site.get(f"/searches/{search_id}", follow_redirects=False).status_code == 404
    assert "Uzbeks in Moscow" not in site.get("/searches").text
    refused = post_form(site, "/searches", f"/searches/{search_id}/delete", {})
    assert refused.status_code == 404
    site.cookies.clear()
    assert site.get(f"/searches/{search_id}", follow_redirects=False).status_code in (303, 401)
    with sessions(db_url)() as session:
        assert session.get(SavedSearch, search_id) is not None


def test_saving_needs_the_pages_csrf_token_and_refuses_bad_filters(site):
    sign_in(site, "ana")
    assert site.post("/searches", data={"name": "x", "query": "nationality=UZ"}, follow_redirects=False).status_code == 403
    bad = post_form(site, "/incidents", "/searches", {"name": "x", "query": "date_from=yesterday"})
    assert bad.status_code == 400


def test_a_bad_webhook_address_is_refused_and_what_was_typed_is_kept(site):
    search_id = _save(site, "ana", "nationality=UZ")
    for url in ("ftp://example.org/hook", "https://user:pw@example.org/hook", "not a url"):
        response = post_form(site, "/searches", f"/searches/{search_id}",
                             {"name": "Renamed", "watch": "on", "email": "ana@example.org", "webhook_url": url})
        assert response.status_code == 400, url
        assert 'value="Renamed"' in response.text and "ana@example.org" in response.text
    assert "watched</span>" not in site.get("/searches").text


# -- checking


def test_watching_tells_of_each_new_match_once_and_again_when_it_is_verified(site, db_url):
    before = _incident(db_url, 1)
    search_id = _save(site, "ana", "nationality=UZ", watch="on")
    assert _round(db_url).batches == 0  # what matched already is not news

    new = _incident(db_url, 2)
    _incident(db_url, 3, victim_nationalities=["TJ"])  # does not match
    report = _round(db_url)
    assert (report.searches, report.batches) == (1, 1)
    with sessions(db_url)() as session:
        batches = saved.batches(session, session.get(SavedSearch, search_id))
        assert [b.events for b in batches] == [[{"incident_id": new, "kind": "new"}]]
    assert _round(db_url).batches == 0  # told once

    _confirm(db_url, new)
    _confirm(db_url, before)
    _round(db_url)
    with sessions(db_url)() as session:
        latest = saved.batches(session, session.get(SavedSearch, search_id))[0]
        assert sorted(latest.events, key=lambda e: e["incident_id"]) == [
            {"incident_id": before, "kind": "verified"}, {"incident_id": new, "kind": "verified"}]
    assert [e.object_id for e in _audit(db_url, "alert")] == [str(search_id)] * 2


def test_an_owner_who_may_see_published_incidents_only_is_told_of_those_only(site, db_url):
    # A caseworker sees incidents as the public does: a saved filter on unpublished states is ignored.
    search_id = _save(site, "cw", "nationality=UZ&review_state=machine", watch="on")
    waiting = _incident(db_url, 1)
    assert _round(db_url).batches == 0
    _confirm(db_url, waiting)
    assert _round(db_url).batches == 1
    with sessions(db_url)() as session:
        search = session.get(SavedSearch, search_id)
        assert saved.batches(session, search)[0].events == [{"incident_id": waiting, "kind": "verified"}]


def test_a_disabled_account_gets_no_alerts(site, db_url):
    _save(site, "ana", "nationality=UZ", watch="on")
    with transaction(db_url) as session:
        set_disabled(session, "ana")
    _incident(db_url, 1)
    assert _round(db_url).searches == 0


# -- e-mail


@pytest.fixture
def smtp_server(monkeypatch):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy)))
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:  # a free port (the controller checks it is up by connecting to it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("RECRUITWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RECRUITWATCH_SMTP_PORT", str(port))
    monkeypatch.setenv("RECRUITWATCH_SMTP_SECURITY", "none")
    monkeypatch.setenv("RECRUITWATCH_SMTP_FROM", "alerts@rw.example.org")
    yield inbox
    controller.stop()


def test_a_flood_of_matches_is_one_email_that_names_nobody(site, db_url, smtp_server):
    _save(site, "ana", "nationality=UZ", watch="on", email="ana@example.org")
    ids = [_incident(db_url, n) for n in range(1, 61)]
    report = _round(db_url, smtp=channels.SmtpSettings.from_environment())
    assert (report.batches, report.sent, report.failed) == (1, 1, 0)
    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["ana@example.org"]
    assert message["Subject"] == "RecruitWatch: 60 incidents for “Uzbeks in Moscow”"
    text = message.get_content()
    assert f"https://rw.example.org/incidents/{ids[0]}" in text and "… and 10 more" in text
    assert "Aliev" not in message.as_string() and "2024-05-17" not in text
    unsubscribe = re.search(r"<(https://rw\.example\.org/alerts/unsubscribe/[\w-]+)>", message["List-Unsubscribe"]).group(1)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and unsubscribe in text
    sent = _audit(db_url, "alert_sent")
    assert len(sent) == 1 and sent[0].detail["channel"] == "email" and len(sent[0].detail["incidents"]) == 60


def test_email_waits_while_no_mail_server_is_configured(site, db_url):
    _save(site, "ana", "nationality=UZ", watch="on", email="ana@example.org")
    _incident(db_url, 1)
    report = _round(db_url, smtp=None)
    assert (report.sent, report.failed) == (0, 1)
    with sessions(db_url)() as session:
        delivery = session.scalar(select(AlertDelivery))
        assert delivery.state == "pending" and "SMTP" in delivery.last_error
    assert "no SMTP server" in site.get("/searches").text


# -- webhooks


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_a_webhook_is_signed_and_retried_with_back_off_until_it_is_taken(site, db_url, receiver):
    hook = receiver([500, 503])
    search_id = _save(site, "ana", "nationality=UZ", watch="on", webhook_url=hook.url)
    page = site.get("/searches").text
    key = re.search(r"under this key[^<]*<code class=\"token\">([\w-]+)</code>", page).group(1)
    incident = _incident(db_url, 1)

    start = utcnow()
    assert _round(db_url, start, allow_private=True).failed == 1  # 500
    assert _round(db_url, start + dt.timedelta(seconds=30), allow_private=True).failed == 0  # not yet: waits a minute
    assert _round(db_url, start + dt.timedelta(minutes=1, seconds=1), allow_private=True).failed == 1  # 503; then 2 minutes
    assert _round(db_url, start + dt.timedelta(minutes=2), allow_private=True).sent == 0
    assert _round(db_url, start + dt.timedelta(minutes=3, seconds=2), allow_private=True).sent == 1
    assert len(hook.requests) == 3

    headers, body = hook.requests[-1]
    timestamp = headers["X-RecruitWatch-Timestamp"]
    expected = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-RecruitWatch-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["saved_search"]["id"] == search_id
    assert [(i["incident_id"], i["kind"]) for i in payload["incidents"]] == [(incident, "new")]
    assert payload["incidents"][0]["fields"]["victim_names"] == [] and payload["incidents"][0]["fields"]["date"] == "2024-05"
    assert NAME.split()[1].encode() not in body
    assert [e.detail["attempt"] for e in _audit(db_url, "alert_failed")] == [1, 2]
    assert len(_audit(db_url, "alert_sent")) == 1


def test_a_webhook_that_keeps_failing_is_given_up(site, db_url, receiver):
    hook = receiver([500] * 20)
    _save(site, "ana", "nationality=UZ", watch="on", webhook_url=hook.url)
    _incident(db_url, 1)
    at = utcnow()
    for _ in range(runner.MAX_ATTEMPTS + 2):
        _round(db_url, at, allow_private=True)
        at += runner.RETRY_LONGEST
    with sessions(db_url)() as session:
        delivery = session.scalar(select(AlertDelivery))
        assert (delivery.state, delivery.attempts) == ("failed", runner.MAX_ATTEMPTS)
    assert len(hook.requests) == runner.MAX_ATTEMPTS
    assert _audit(db_url, "alert_failed")[-1].detail["given_up"] is True


def test_a_webhook_to_a_loopback_address_is_refused_unless_allowed(site, db_url, receiver):
    hook = receiver()
    _save(site, "ana", "nationality=UZ", watch="on", webhook_url=hook.url)
    _incident(db_url, 1)
    assert _round(db_url).failed == 1
    assert hook.requests == []
    with sessions(db_url)() as session:
        assert "loopback" in session.scalar(select(AlertDelivery)).last_error


# -- the feed and unsubscribing


def _feed_path(client) -> str:
    return re.search(r"https?://[^/]+(/alerts/feed/[\w-]+)", client.get("/searches").text).group(1)


def test_the_feed_lists_each_batch_for_any_feed_reader(site, db_url):
    _save(site, "ana", "nationality=UZ", watch="on")
    path = _feed_path(site)
    _incident(db_url, 1)
    _round(db_url)
    _incident(db_url, 2)
    _round(db_url)

    site.cookies.clear()  # a feed reader has no session
    response = site.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and len(feed.entries) == 2
    assert all("1 incident for" in e.title for e in feed.entries)
    assert b"Aliev" not in response.content
    again = site.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert len(_audit(db_url, "feed_read")) == 1  # the unchanged poll delivered nothing

    assert site.get(path[:-3] + "xyz").status_code == 404


def test_a_caseworkers_feed_drops_an_incident_that_is_rejected_after_it_was_told(site, db_url):
    _save(site, "cw", "nationality=UZ", watch="on")
    path = _feed_path(site)
    incident = _incident(db_url, 1)
    _confirm(db_url, incident)
    _round(db_url)
    assert len(feedparser.parse(site.get(path).content).entries) == 1
    with transaction(db_url) as session:
        review.reject(session, incident, actor="alice", reason="not recruitment")
    assert feedparser.parse(site.get(path).content).entries == []


def test_new_addresses_end_the_old_feed(site, db_url):
    search_id = _save(site, "ana", "nationality=UZ", watch="on")
    old = _feed_path(site)
    assert site.get(old).status_code == 200
    post_form(site, "/searches", f"/searches/{search_id}/renew", {})
    assert site.get(old).status_code == 404
    assert site.get(_feed_path(site)).status_code == 200


def test_unsubscribing_is_one_click_and_stops_what_is_waiting(site, db_url):
    search_id = _save(site, "ana", "nationality=UZ", watch="on", email="ana@example.org")
    with sessions(db_url)() as session:
        token = saved.token(session.get(SavedSearch, search_id), saved.UNSUBSCRIBE)
    _incident(db_url, 1)
    _round(db_url, smtp=None)  # a batch waits for a mail server
    site.cookies.clear()
    page = site.get(f"/alerts/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop the alerts" in page.text  # opening the link changes nothing
    with sessions(db_url)() as session:
        assert session.get(SavedSearch, search_id).watched
    # what a mail program sends for RFC 8058 one-click unsubscribing
    done = site.post(f"/alerts/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and "no more alerts" in done.text
    _incident(db_url, 2)
    report = _round(db_url, utcnow() + dt.timedelta(minutes=5), smtp=None)  # the waiting e-mail is due again
    assert (report.searches, report.batches, report.failed) == (0, 0, 0)
    with sessions(db_url)() as session:
        assert session.scalar(select(AlertDelivery)).state == "dropped"
    assert site.post("/alerts/unsubscribe/not-a-token").status_code == 404


def test_an_unexpected_failure_in_one_delivery_is_retried_and_never_stops_the_sender(site, db_url, receiver, monkeypatch):
    from recruitwatch.alerts import messages

    hook = receiver()
    _save(site, "ana", "nationality=UZ", watch="on", webhook_url=hook.url)
    _incident(db_url, 1)
    real = messages.webhook_body
    monkeypatch.setattr(messages, "webhook_body", lambda batch: 1 / 0)
    start = utcnow()
    assert _round(db_url, start, allow_private=True).failed == 1
    with sessions(db_url)() as session:
        delivery = session.scalar(select(AlertDelivery))
        assert delivery.state == "pending" and "ZeroDivisionError" in delivery.last_error
    monkeypatch.setattr(messages, "webhook_body", real)
    assert _round(db_url, start + dt.timedelta(minutes=2), allow_private=True).sent == 1
    assert len(hook.requests) == 1

    rounds = []
    monkeypatch.setattr(runner, "run_round", lambda *a, **k: 1 / 0)
    runner.run(sessions(db_url), interval=0, once=True, on_round=rounds.append)  # a failing round is reported, not raised
    assert rounds and "ZeroDivisionError" in rounds[0].problems[0]
