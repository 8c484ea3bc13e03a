"""Cases: the workflow and its refusals, consent before linking, what reaches an incident, and the caseworkers' pages."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient

from .store_helpers import new_incident
from .web_helpers import csrf_of, make_user, post_form, sign_in

NAME, CONTACT, STORY = "Rustam Qudratovich Kholmatov", "+998 90 555 12 34", "They took my passport at the Sakharovo centre"
ANSWERS = {"nationality": "UZ", "citizen": "no", "situation": "police_pressure_contract"}


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test seals with its own key file, never ./data/recruitwatch.key."""
    monkeypatch.delenv("RECRUITWATCH_KEY", raising=False)
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(tmp_path / "cases.key"))


def _new_case(db_url, **overrides):
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    values = {"story": STORY, "name": NAME, "contact": CONTACT, "answers": ANSWERS, "language": "uz"} | overrides
    with transaction(db_url) as session:
        created = cases.create_case(session, **values)
        return created.case.id, created.code, created.secret


def _with_case(db_url, case_id, action):
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    with transaction(db_url) as session:
        return action(session, cases.get_case(session, case_id, for_update=True))


# -- codes and secrets


def test_a_case_gets_a_readable_code_and_a_secret_of_which_only_the_hash_is_kept(db_url):
    from recruitwatch.cases import codes
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    case_id, code, secret = _new_case(db_url)
    assert re.fullmatch(r"RW-[A-Z2-9]{4}-[A-Z2-9]{4}", code) and not set(code[3:]) & set("01OIL")
    assert len(secret.replace("-", "")) >= 20 and not set(secret) & set("01oil")
    with transaction(db_url) as session:
        case = cases.get_case(session, case_id)
        assert case.secret_hash == codes.secret_digest(secret) and secret not in json.dumps(case.answers)
        typed = secret.upper().replace("-", " ").replace("A", "А")  # capitals, spaces, a Cyrillic look-alike
        assert cases.verify_secret(session, code.lower().replace("-", " "), typed).id == case_id
        assert cases.verify_secret(session, code, "abcd-efgh-jkmn-pqrs-tuvw") is None
        assert cases.verify_secret(session, "RW-2222-2222", secret) is None
        assert cases.verify_secret(session, "not a code", secret) is None


# -- the workflow


def test_the_full_workflow_writes_a_timeline_and_the_submitter_sees_status_changes_only(db_url):
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    make_user(db_url, "kamila", "caseworker")
    case_id, _, _ = _new_case(db_url)
    with transaction(db_url) as session:
        kamila = next(u for u in cases.case_staff(session) if u.username == "kamila")
        case = cases.get_case(session, case_id)
        cases.change_status(session, case, "triaged", actor="kamila")
        cases.assign(session, case, kamila.id, actor="kamila")
        cases.add_note(session, case, "Called back; she fears the district officer", actor="kamila")
        cases.set_deadline(session, case, dt.date(2030, 1, 31), actor="kamila")
        cases.change_status(session, case, "in_progress", actor="kamila", reason="documents checked")
        cases.refer(session, case, "consulate", "Consulate of Uzbekistan in Moscow, consular section", actor="kamila")
        cases.change_status(session, case, "closed", actor="kamila")
        cases.change_status(session, case, "in_progress", actor="kamila", reason="she wrote again")
    with transaction(db_url) as session:
        case = cases.get_case(session, case_id)
        assert case.status == "in_progress" and case.referral_kind == "consulate" and case.assigned_to == kamila.id
        assert cases.details(case)["referral_to"].startswith("Consulate of Uzbekistan")
        events = cases.timeline(session, case)
        assert [e["kind"] for e in events] == [
            "created", "status", "assigned", "note", "deadline", "status", "referred", "status", "status", "status",
        ]
        assert events[3]["text"] == "Called back; she fears the district officer"
        assert [e["detail"].get("to") for e in events if e["kind"] == "status"] == ["triaged", "in_progress", "referred", "closed", "in_progress"]
        public = cases.public_timeline(session, case)
        assert [p["status"] for p in public] == ["new", "triaged", "in_progress", "referred", "closed", "in_progress"]
        assert set(public[0]) == {"at", "status"}


@pytest.mark.parametrize(("path", "target", "message"), [
    ((), "new", "the case is already new"),
    (("referred",), "triaged", "cannot go back from referred to triaged"),
    (("in_progress",), "new", "cannot go back from in_progress to new; from in_progress it may go to: referred, closed"),
    (("closed",), "referred", "a closed case can only be reopened (set it to in_progress)"),
    (("closed",), "triaged", "a closed case can only be reopened"),
    ((), "archived", "unknown status 'archived'; choose one of: new, triaged, in_progress, referred, closed"),
])
def test_transitions_outside_the_workflow_are_refused_with_a_clear_message(db_url, path, target, message):
    from recruitwatch.cases.workflow import CaseError
    from recruitwatch.store import cases

    case_id, _, _ = _new_case(db_url)
    for status in path:
        _with_case(db_url, case_id, lambda s, c, status=status: cases.change_status(s, c, status, actor="kamila"))
    with pytest.raises(CaseError, match=re.escape(message)):
        _with_case(db_url, case_id, lambda s, c: cases.change_status(s, c, target, actor="kamila"))


def test_skipping_forward_is_allowed():
    from recruitwatch.cases.workflow import check_transition, next_statuses

    check_transition("new", "referred")
    check_transition("new", "closed")
    check_transition("closed", "in_progress")
    assert next_statuses("triaged") == ("in_progress", "referred", "closed") and next_statuses("closed") == ("in_progress",)


def test_other_actions_refuse_what_they_cannot_do(db_url):
    from recruitwatch.cases.workflow import CaseError
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    make_user(db_url, "ana", "analyst")
    make_user(db_url, "kamila", "caseworker")
    case_id, _, _ = _new_case(db_url)
    with transaction(db_url) as session:
        assert "ana" not in {u.username for u in cases.case_staff(session)}
    analyst = _user_id(db_url, "ana")
    refusals = [
        (lambda s, c: cases.assign(s, c, analyst, actor="kamila"), "only to an active caseworker or admin"),
        (lambda s, c: cases.add_note(s, c, "   ", actor="kamila"), "the note is required"),
        (lambda s, c: cases.add_note(s, c, "x" * 10_001, actor="kamila"), "longer than 10000 characters"),
        (lambda s, c: cases.refer(s, c, "embassy", "someone", actor="kamila"), "unknown referral kind 'embassy'; choose one of: consulate, ngo, lawyer, un_body"),
        (lambda s, c: cases.refer(s, c, "ngo", " ", actor="kamila"), "the referral is required"),
        (lambda s, c: cases.set_deadline(s, c, None, actor="kamila"), "the deadline is already unset"),
        (lambda s, c: cases.add_note(s, c, "x", actor=" "), "needs the username"),
    ]
    for action, message in refusals:
        with pytest.raises(CaseError, match=re.escape(message)):
            _with_case(db_url, case_id, action)
    _with_case(db_url, case_id, lambda s, c: cases.change_status(s, c, "closed", actor="kamila"))
    with pytest.raises(CaseError, match="reopen it"):
        _with_case(db_url, case_id, lambda s, c: cases.refer(s, c, "ngo", "Memorial", actor="kamila"))
    with pytest.raises(CaseError, match="the story is required"):
        _new_case(db_url, story="  ")
    with pytest.raises(CaseError, match="situation must be one of"):
        _new_case(db_url, answers={"situation": "<b>free text</b>"})


def test_lists_filter_by_status_assignee_and_deadline_and_count(db_url):
    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction

    make_user(db_url, "kamila", "caseworker")
    first, _, _ = _new_case(db_url)
    second, _, _ = _new_case(db_url, name=None, contact=None)
    third, _, _ = _new_case(db_url)
    with transaction(db_url) as session:
        kamila = cases.case_staff(session)[0].id
    _with_case(db_url, first, lambda s, c: cases.assign(s, c, kamila, actor="kamila"))
    _with_case(db_url, second, lambda s, c: cases.set_deadline(s, c, dt.date(2020, 1, 1), actor="kamila"))
    _with_case(db_url, third, lambda s, c: cases.set_deadline(s, c, dt.date(2020, 1, 1), actor="kamila"))
    _with_case(db_url, third, lambda s, c: cases.change_status(s, c, "closed", actor="kamila"))
    with transaction(db_url) as session:
        assert [c.id for c in cases.list_cases(session)] == [third, second, first]
        assert [c.id for c in cases.list_cases(session, status="new")] == [second, first]
        assert [c.id for c in cases.list_cases(session, assigned_to=kamila)] == [first]
        assert [c.id for c in cases.list_cases(session, overdue=True)] == [second]  # the closed one is not overdue
        counts = cases.case_counts(session, user_id=kamila)
        assert counts == {"new": 2, "triaged": 0, "in_progress": 0, "referred": 0, "closed": 1, "all": 3, "overdue": 1, "mine": 1}
        assert cases.get_case(session, second).anonymous and not cases.get_case(session, first).anonymous


# -- consent, linking and anonymisation


def test_anonymised_fields_keep_closed_answers_and_the_month_only():
    from types import SimpleNamespace

    from recruitwatch.cases.anonymise import anonymised_fields

    case = SimpleNamespace(answers=ANSWERS, created_at=dt.datetime(2026, 3, 17, 22, 5, tzinfo=dt.UTC),
                           name_enc="x", contact_enc="y", story_enc="z")
    assert anonymised_fields(case) == {
        "victim_nationalities": ["UZ"], "victim_status": "migrant_worker", "perpetrators": ["police"],
        "methods": ["threat"], "reported_month": "2026-03",
    }
    prisoner = SimpleNamespace(answers={"nationality": "other", "citizen": "yes", "situation": "relative_prisoner_pressed"},
                               created_at=dt.date(2026, 1, 2))
    assert anonymised_fields(prisoner) == {"victim_status": "prisoner", "reported_month": "2026-01"}
    tampered = SimpleNamespace(answers={"nationality": "Rustam", "situation": "summons", "story": STORY}, created_at=None)
    assert anonymised_fields(tampered) == {"perpetrators": ["enlistment_office"], "methods": ["summons"]}


def _incident_snapshot(session, incident_id) -> dict:
    """Everything of an incident that linking must leave alone: fields, search text, filter rows, review marks."""
    from recruitwatch.store.models import Incident, IncidentValue

    incident = session.get(Incident, incident_id)
    values = sorted((v.field, v.value) for v in session.query(IncidentValue).filter_by(incident_id=incident_id))
    return {"fields": incident.fields, "stored": incident.stored_fields, "search": incident.search_text, "values": values,
            "reviewed": list(incident.reviewed_fields or []), "state": incident.review_state, "date": incident.date}


def _published_incident(db_url, n=1, **values) -> int:
    from recruitwatch.store import review
    from recruitwatch.store.database import transaction

    with transaction(db_url) as session:
        incident_id = new_incident(session, n, **values).id
        review.confirm(session, incident_id, actor="ana")
    return incident_id


def test_linking_changes_no_field_of_the_incident_and_suggests_the_anonymised_answers_with_the_case_as_source(db_url):
    from recruitwatch.cases.workflow import CaseError
    from recruitwatch.store import cases, review
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Incident, IncidentChange, Suggestion

    incident_id = _published_incident(db_url, victim_names=["Press Name"], methods=["summons"], victim_status="unknown")
    with transaction(db_url) as session:
        before = _incident_snapshot(session, incident_id)
    case_id, code, _ = _new_case(db_url)
    with pytest.raises(CaseError, match="no consent recorded"):
        _with_case(db_url, case_id, lambda s, c: cases.link_incident(s, c, incident_id, actor="kamila"))
    _with_case(db_url, case_id, lambda s, c: cases.record_consent(s, c, by="kamila", at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC)))
    with pytest.raises(CaseError, match="already recorded by kamila"):
        _with_case(db_url, case_id, lambda s, c: cases.record_consent(s, c, by="kamila"))
    suggested = _with_case(db_url, case_id, lambda s, c: cases.link_incident(s, c, incident_id, actor="kamila"))
    assert set(suggested) <= {"victim_nationalities", "victim_status", "perpetrators", "methods", "outcomes", "reported_month"}
    with pytest.raises(CaseError, match="already linked to an incident"):
        _with_case(db_url, case_id, lambda s, c: cases.link_incident(s, c, incident_id, actor="kamila"))

    with transaction(db_url) as session:
        assert _incident_snapshot(session, incident_id) == before  # nothing changed before an analyst accepts
        rows = session.query(Suggestion).filter_by(incident_id=incident_id).order_by(Suggestion.field).all()
        assert {r.field: r.value for r in rows} == {
            "victim_nationalities": ["UZ"], "victim_status": "migrant_worker", "perpetrators": ["police"], "methods": ["threat"]}
        created_month = cases.get_case(session, case_id).created_at.strftime("%Y-%m")
        assert {(r.case_id, r.state, r.created_by, r.reported_month) for r in rows} == {(case_id, "pending", "kamila", created_month)}
        history = session.query(IncidentChange).filter_by(incident_id=incident_id, action="linked").one()
        assert history.detail["case_id"] == case_id and history.detail["suggested"] == sorted(r.field for r in rows)
        stored = json.dumps([[(r.field, r.value, r.reported_month, r.created_by) for r in rows], history.detail],
                            ensure_ascii=False, default=str)
        for private in (NAME, CONTACT, STORY, "Rustam", "998", "passport", "Sakharovo", code):
            assert private not in stored, private
        pending = review.pending_suggestions(session, session.get(Incident, incident_id))
        assert [(p["field"], p["current"], p["result"]) for p in pending if p["field"] == "methods"] == [
            ("methods", ["summons"], ["summons", "threat"])]
        case = cases.get_case(session, case_id)
        assert case.incident_id == incident_id and cases.timeline(session, case)[-1]["detail"]["fields"] == suggested


def test_an_analyst_accepting_a_suggestion_applies_it_as_a_correction_and_dismissing_leaves_the_field(db_url):
    from recruitwatch.store import cases, review
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Incident, IncidentChange, IncidentValue, Suggestion

    incident_id = _published_incident(db_url, methods=["summons"], victim_status="prisoner")
    case_id, _, _ = _new_case(db_url, consent=True)
    _with_case(db_url, case_id, lambda s, c: cases.link_incident(s, c, incident_id, actor="kamila"))
    with transaction(db_url) as session:
        ids = {r.field: r.id for r in session.query(Suggestion).filter_by(incident_id=incident_id)}
        review.accept_suggestion(session, incident_id, ids["methods"], actor="ana", reason="the appeal matches the report")
        review.dismiss_suggestion(session, incident_id, ids["victim_status"], actor="ana", reason="prison records say prisoner")
    with transaction(db_url) as session:
        incident = session.get(Incident, incident_id)
        assert incident.fields["methods"] == ["summons", "threat"] and incident.fields["victim_status"] == "prisoner"
        assert incident.reviewed_fields == ["methods"]  # kept from now on, as a correction is
        assert ("methods", "threat") in {(v.field, v.value) for v in session.query(IncidentValue).filter_by(incident_id=incident_id)}
        assert "threat" in incident.search_text
        accepted, dismissed = (session.query(IncidentChange).filter_by(incident_id=incident_id, action=a).one()
                               for a in ("accepted", "dismissed"))
        assert (accepted.actor, accepted.detail["reason"], accepted.detail["case_id"], accepted.detail["field"]) == (
            "ana", "the appeal matches the report", case_id, "methods")
        assert accepted.detail["changed"] == {"methods": {"before": ["summons"], "after": ["summons", "threat"]}}
        assert (dismissed.actor, dismissed.detail["field"], "changed" in dismissed.detail) == ("ana", "victim_status", False)
        states = {r.field: (r.state, r.decided_by) for r in session.query(Suggestion).filter_by(incident_id=incident_id)}
        assert states["methods"] == ("accepted", "ana") and states["victim_status"] == ("dismissed", "ana")
        assert states["perpetrators"] == ("pending", None)
        assert {p["field"] for p in review.pending_suggestions(session, incident)} == {"victim_nationalities", "perpetrators"}
    with pytest.raises(review.ReviewError, match=f"suggestion {ids['methods']} was already accepted by ana"), transaction(db_url) as session:
        review.dismiss_suggestion(session, incident_id, ids["methods"], actor="ana")
    other = _published_incident(db_url, 2)
    with pytest.raises(review.ReviewError, match=f"incident {other} has no suggestion {ids['perpetrators']}"), transaction(db_url) as session:
        review.accept_suggestion(session, other, ids["perpetrators"], actor="ana")


def test_undecided_suggestions_follow_a_merge(db_url):
    from recruitwatch.store import cases, review
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Suggestion

    gone, kept = _published_incident(db_url, 1), _published_incident(db_url, 2)
    case_id, _, _ = _new_case(db_url, consent=True)
    _with_case(db_url, case_id, lambda s, c: cases.link_incident(s, c, gone, actor="kamila"))
    with transaction(db_url) as session:
        first = session.query(Suggestion).filter_by(incident_id=gone).order_by(Suggestion.id).first().id
        review.dismiss_suggestion(session, gone, first, actor="ana")
        review.merge(session, kept, gone, actor="ana", reason="same event")
    with transaction(db_url) as session:
        moved = {r.id: r.incident_id for r in session.query(Suggestion).filter_by(case_id=case_id)}
        assert moved.pop(first) == gone and moved and set(moved.values()) == {kept}


def test_a_caseworker_links_only_to_a_published_incident_and_every_other_number_gets_the_same_refusal(db_url):
    from recruitwatch.cases.workflow import CaseError
    from recruitwatch.store import cases, review
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import Incident, Suggestion

    with transaction(db_url) as session:
        machine = new_incident(session, 1, methods=["summons"]).id
        rejected = new_incident(session, 2).id
        kept, gone = new_incident(session, 3).id, new_incident(session, 4).id
        review.reject(session, rejected, actor="ana", reason="not an incident")
        review.confirm(session, kept, actor="ana")
        review.confirm(session, gone, actor="ana")
        review.merge(session, kept, gone, actor="ana", reason="same")
    with transaction(db_url) as session:
        before = {i: _incident_snapshot(session, i) for i in (machine, rejected, kept, gone)}
    case_id, _, _ = _new_case(db_url, consent=True)
    for number in (machine, rejected, gone, 999_999):
        with pytest.raises(CaseError) as refused:
            _with_case(db_url, case_id, lambda s, c, number=number: cases.link_incident(s, c, number, actor="kamila"))
        assert str(refused.value) == "no published incident with this number", number
    with transaction(db_url) as session:
        assert {i: _incident_snapshot(session, i) for i in before} == before
        assert session.query(Suggestion).count() == 0 and cases.get_case(session, case_id).incident_id is None
        assert session.get(Incident, machine).fields["methods"] == ["summons"]
    _with_case(db_url, case_id, lambda s, c: cases.link_incident(s, c, kept, actor="kamila"))


def test_incident_staff_may_link_to_an_unpublished_incident_and_are_told_why_not_otherwise(db_url):
    from recruitwatch.cases.workflow import CaseError
    from recruitwatch.store import cases, review
    from recruitwatch.store.database import transaction

    with transaction(db_url) as session:
        machine, rejected = new_incident(session, 1).id, new_incident(session, 2).id
        kept, gone = new_incident(session, 3).id, new_incident(session, 4).id
        review.reject(session, rejected, actor="ana", reason="not an incident")
        review.merge(session, kept, gone, actor="ana", reason="same")
    case_id, _, _ = _new_case(db_url, consent=True)
    for number, message in ((rejected, "is rejected"), (gone, f"merged into incident {kept}; link to that one"),
                            (999_999, "no incident 999999")):
        with pytest.raises(CaseError, match=re.escape(message)):
            _with_case(db_url, case_id, lambda s, c, number=number: cases.link_incident(s, c, number, actor="root", visible_states=None))
    _with_case(db_url, case_id, lambda s, c: cases.link_incident(s, c, machine, actor="root", visible_states=None))
    with transaction(db_url) as session:
        case = cases.get_case(session, case_id)
        assert cases.linked_incident(session, case, None) == machine
        assert cases.linked_incident(session, case, ("verified",)) is None  # a caseworker is shown nothing of it


# -- files


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 40


@pytest.mark.parametrize(("name", "declared", "data", "expected"), [
    ("photo.png", "image/png", PNG, "image/png"),
    ("photo.jpg", "image/jpg", JPEG, "image/jpeg"),
    ("summons.pdf", "application/pdf", PDF, "application/pdf"),
    ("note.txt", "text/plain; charset=utf-8", "Повестка пришла в среду".encode(), "text/plain"),
    ("note.txt", "", b"plain words", "text/plain"),  # no declared type: the extension and the content agree
])
def test_allowed_files_are_recognised_by_their_first_bytes(name, declared, data, expected):
    from recruitwatch.cases.files import check_file

    assert check_file(name, declared, data) == expected


@pytest.mark.parametrize(("name", "declared", "data", "key"), [
    ("contract.pdf", "application/pdf", EXE, "file_mismatch"),  # a program renamed .pdf
    ("photo.png", "image/png", JPEG, "file_mismatch"),
    ("note.txt", "text/plain", EXE, "file_mismatch"),
    ("note.txt", "text/plain", b"\x00\x01binary", "file_mismatch"),
    ("run.exe", "application/x-msdownload", EXE, "file_type"),
    ("page.html", "text/html", b"<script>alert(1)</script>", "file_type"),
    ("empty.txt", "text/plain", b"", "file_empty"),
])
def test_files_of_other_types_or_whose_content_lies_are_refused(name, declared, data, key):
    from recruitwatch.cases.files import FileRefused, check_file

    with pytest.raises(FileRefused) as refused:
        check_file(name, declared, data)
    assert refused.value.key == key and not refused.value.too_large


def test_a_file_over_the_limit_is_refused_as_too_large():
    from recruitwatch.cases.files import DEFAULT_MAX_FILE_BYTES, FileRefused, check_file

    assert DEFAULT_MAX_FILE_BYTES == 5 * 1024 * 1024
    with pytest.raises(FileRefused, match="larger than 1 MB") as refused:
        check_file("big.pdf", "application/pdf", PDF + b"0" * 1024 * 1024, max_bytes=1024 * 1024)
    assert refused.value.too_large


def test_a_stored_file_keeps_the_hash_of_the_original_and_opens_to_the_same_bytes(db_url):
    import hashlib

    from recruitwatch.store import cases
    from recruitwatch.store.database import transaction
    from recruitwatch.store.models import CaseFile

    case_id, _, _ = _new_case(db_url)
    row_id = _with_case(db_url, case_id, lambda s, c: cases.add_file(s, c, "../../etc/\u202epassport.png", "image/png", PNG).id)
    with transaction(db_url) as session:
        row = session.get(CaseFile, row_id)
        assert row.sha256 == hashlib.sha256(PNG).hexdigest() and row.size == len(PNG) and PNG not in row.content_enc
        name, media_type, data = cases.file_content(session, case_id, row_id)
        assert (name, media_type, data) == ("passport.png", "image/png", PNG)  # no folders, no direction tricks
        assert cases.file_content(session, case_id + 1, row_id) is None


# -- the caseworkers' pages


@pytest.fixture
def app(db_url):
    from recruitwatch.web.app import create_app

    with transaction_of(db_url) as session:
        new_incident(session, 1, methods=["summons"])  # machine state: unpublished
    return create_app(db_url)


def transaction_of(db_url):
    from recruitwatch.store.database import transaction

    return transaction(db_url)


def _appeal(app, **fields) -> tuple[str, str]:
    public = TestClient(app)
    token = csrf_of(public.get("/appeal?lang=en").text)
    data = {"story": STORY, "name": NAME, "contact": CONTACT, **ANSWERS, "csrf_token": token} | fields
    files = [("files", (fields.get("_filename", "summons.pdf"), PDF, "application/pdf"))]
    response = public.post("/appeal?lang=en", data={k: v for k, v in data.items() if not k.startswith("_")}, files=files)
    assert response.status_code == 200, response.text
    return re.search(r'id="case-code">([^<]+)<', response.text).group(1), re.search(r'id="case-secret">([^<]+)<', response.text).group(1)


def _signed_in(app, db_url, username, role) -> TestClient:
    make_user(db_url, username, role)
    client = TestClient(app)
    assert sign_in(client, username).status_code == 303
    return client


def _case_id(db_url, code) -> int:
    from recruitwatch.store import cases

    with transaction_of(db_url) as session:
        return cases.case_by_code(session, code).id


def test_a_caseworker_handles_an_appeal_from_the_list_to_the_link(app, db_url):
    from recruitwatch.store import review

    with transaction_of(db_url) as session:
        review.confirm(session, 1, actor="ana")  # published: a caseworker may link to it
    code, secret = _appeal(app)
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    listing = worker.get("/cases")
    assert listing.status_code == 200 and code in listing.text and NAME not in listing.text  # the list shows no personal data
    assert 'href="/cases"' in listing.text  # the nav link for case staff
    page = worker.get(f"/cases/{case_id}")
    assert page.status_code == 200 and NAME in page.text and CONTACT in page.text and STORY in page.text
    assert "summons.pdf" in page.text and "Police press to sign a military contract".lower() in page.text.lower()

    path = f"/cases/{case_id}"
    for action, data in (
        ("status", {"status": "triaged", "reason": "first call done"}),
        ("assign", {"user_id": str(_user_id(db_url, "kamila"))}),
        ("note", {"text": "She asks us not to call after 20:00"}),
        ("deadline", {"deadline": "2020-05-01"}),
        ("refer", {"kind": "lawyer", "to": "Lawyer A. Karimova, Moscow"}),
        ("consent", {"given_on": "2026-01-05"}),
        ("link", {"incident": "#1"}),
    ):
        response = post_form(worker, path, f"{path}/{action}", data)
        assert response.status_code == 303 and response.headers["location"] == f"{path}?done=1", (action, response.text)
    page = worker.get(path).text
    assert "She asks us not to call after 20:00" in page and "Lawyer A. Karimova" in page and 'href="/incidents/1"' in page
    assert worker.get("/cases?mine=1").text.count(f"/cases/{case_id}\"") == 1
    assert code in worker.get("/cases?overdue=1").text and code in worker.get("/cases?status=referred").text
    assert code not in worker.get("/cases?status=new").text
    assert worker.get("/cases?status=nonsense").status_code == 400

    refused = post_form(worker, path, f"{path}/status", {"status": "new"})
    assert refused.status_code == 400 and "cannot go back from referred to new" in refused.text
    assert post_form(worker, path, f"{path}/link", {"incident": "1"}).status_code == 400  # already linked

    from recruitwatch.store.models import AuditEntry

    with transaction_of(db_url) as session:
        entries = session.query(AuditEntry).filter(AuditEntry.object_type.in_(("case", "case_file"))).order_by(AuditEntry.id).all()
        assert (entries[0].actor, entries[0].action, entries[0].object_id) == ("public", "create", str(case_id))
        assert [e.detail.get("action") for e in entries if e.action == "update"] == [
            "status", "assign", "note", "deadline", "refer", "consent", "link"]
        assert {e.actor for e in entries[1:]} == {"kamila"} and any(e.action == "read" for e in entries)
        logged = json.dumps([e.detail for e in entries], ensure_ascii=False)
        assert all(private not in logged for private in (NAME, CONTACT, STORY, "20:00", "Karimova"))

    status = TestClient(app)
    token = csrf_of(status.get("/appeal/status?lang=en").text)
    shown = status.post("/appeal/status?lang=en", data={"code": code, "secret": secret, "csrf_token": token}).text
    assert "Passed on to those who can help" in shown and "20:00" not in shown and "Karimova" not in shown and "kamila" not in shown


def _user_id(db_url, username):
    from recruitwatch.store.accounts import user_by_name

    with transaction_of(db_url) as session:
        return user_by_name(session, username).id


def test_linking_from_the_page_is_refused_without_consent(app, db_url):
    code, _ = _appeal(app)
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    refused = post_form(worker, f"/cases/{case_id}", f"/cases/{case_id}/link", {"incident": "1"})
    assert refused.status_code == 400 and "no consent recorded" in refused.text
    assert post_form(worker, f"/cases/{case_id}", f"/cases/{case_id}/link", {"incident": "one"}).status_code == 400


def _link_refusal(worker, case_id, number):
    response = post_form(worker, f"/cases/{case_id}", f"/cases/{case_id}/link", {"incident": number})
    assert response.status_code == 400, (number, response.status_code)
    return response.text


def test_linking_from_the_page_refuses_every_unpublished_number_alike_and_changes_nothing(app, db_url):
    from recruitwatch.store import cases, review
    from recruitwatch.store.models import Incident, Suggestion

    with transaction_of(db_url) as session:
        rejected = new_incident(session, 2).id
        review.reject(session, rejected, actor="ana", reason="not an incident")
    code, _ = _appeal(app, consent="yes")
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    refusals = {number: _link_refusal(worker, case_id, number) for number in ("1", f"#{rejected}", "999999", "2147483647")}
    assert "no published incident with this number" in refusals["1"]
    assert len(set(refusals.values())) == 1, "the refusal tells one number from another"
    with transaction_of(db_url) as session:
        assert session.get(Incident, 1).fields["methods"] == ["summons"] and session.query(Suggestion).count() == 0
        assert cases.get_case(session, case_id).incident_id is None


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999999999", "9" * 5000, "2147483648",
                                    "0", "-1", "١٢", "1e3", "", "#"])
def test_a_number_out_of_range_in_the_link_form_is_a_clear_400(app, db_url, number):
    code, _ = _appeal(app, consent="yes")
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    assert "give the number of the incident, as on its page" in _link_refusal(worker, case_id, number)


def _linked_to_published_incident(app, db_url):
    """An appeal with consent, incident 1 verified, and a caseworker who linked the two: (case id, her client)."""
    from recruitwatch.store import review

    with transaction_of(db_url) as session:
        review.confirm(session, 1, actor="ana")
    code, _ = _appeal(app, consent="yes")
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    assert post_form(worker, f"/cases/{case_id}", f"/cases/{case_id}/link", {"incident": "1"}).status_code == 303
    return case_id, worker


def test_the_case_page_shows_a_caseworker_nothing_of_an_incident_that_is_no_longer_published(app, db_url):
    from recruitwatch.store import review

    case_id, worker = _linked_to_published_incident(app, db_url)
    assert 'href="/incidents/1"' in worker.get(f"/cases/{case_id}").text
    with transaction_of(db_url) as session:
        review.reopen(session, 1, actor="ana", reason="the sources disagree")
    page = worker.get(f"/cases/{case_id}").text
    assert "/incidents/1" not in page and "#1<" not in page and "the incident is not public" in page
    admin = _signed_in(app, db_url, "root", "admin")
    assert 'href="/incidents/1"' in admin.get(f"/cases/{case_id}").text


def test_analysts_decide_suggestions_on_the_incident_page_and_nobody_else_sees_or_makes_them(app, db_url):
    from recruitwatch.store.models import AuditEntry, Incident, IncidentChange, Suggestion

    case_id, worker = _linked_to_published_incident(app, db_url)
    with transaction_of(db_url) as session:
        ids = {r.field: r.id for r in session.query(Suggestion).filter_by(incident_id=1)}
    assert set(ids) == {"victim_nationalities", "victim_status", "perpetrators", "methods"}

    for client in (TestClient(app), worker):  # the public and caseworkers see the published incident, not the suggestions
        page = client.get("/incidents/1")
        assert page.status_code == 200 and "Suggestions to review" not in page.text and "/suggestions/" not in page.text
    viewer = _signed_in(app, db_url, "vic", "viewer")
    shown = viewer.get("/incidents/1").text
    assert "Suggestions to review" in shown and f"case #{case_id}" in shown and "/suggestions/" not in shown  # read-only
    for client in (viewer, worker):
        token = csrf_of(client.get("/account").text)
        assert client.post(f"/incidents/1/suggestions/{ids['methods']}/accept", data={"csrf_token": token}).status_code == 403

    analyst = _signed_in(app, db_url, "ana", "analyst")
    page = analyst.get("/incidents/1").text
    assert f"/incidents/1/suggestions/{ids['methods']}/accept" in page and f"case #{case_id}" in page
    assert NAME not in page and CONTACT not in page and STORY not in page
    assert analyst.post(f"/incidents/1/suggestions/{ids['methods']}/accept", data={"reason": "x"}).status_code == 403  # no token
    accepted = post_form(analyst, "/incidents/1", f"/incidents/1/suggestions/{ids['methods']}/accept", {"reason": "matches"})
    assert accepted.status_code == 303 and accepted.headers["location"] == "/incidents/1?done=1"
    dismissed = post_form(analyst, "/incidents/1", f"/incidents/1/suggestions/{ids['victim_status']}/dismiss", {})
    assert dismissed.status_code == 303
    again = post_form(analyst, "/incidents/1", f"/incidents/1/suggestions/{ids['victim_status']}/accept", {})
    assert again.status_code == 400 and "already dismissed by ana" in again.text
    assert post_form(analyst, "/incidents/1", "/incidents/1/suggestions/99999999999/accept", {}).status_code == 422
    with transaction_of(db_url) as session:
        incident = session.get(Incident, 1)
        assert incident.fields["methods"] == ["summons", "threat"] and incident.fields["victim_status"] == "unknown"
        assert incident.reviewed_fields == ["methods"]
        assert [c.action for c in session.query(IncidentChange).filter_by(incident_id=1).order_by(IncidentChange.id)][-3:] == [
            "linked", "accepted", "dismissed"]
        entries = session.query(AuditEntry).filter_by(object_type="incident", action="update").order_by(AuditEntry.id).all()
        assert [(e.actor, e.detail) for e in entries][-2:] == [
            ("ana", {"action": "accept", "suggestion_id": ids["methods"]}),
            ("ana", {"action": "dismiss", "suggestion_id": ids["victim_status"]})]
    page = analyst.get("/incidents/1").text
    assert f"/suggestions/{ids['methods']}/" not in page and f"/suggestions/{ids['perpetrators']}/accept" in page


def test_a_file_downloads_as_an_attachment_with_its_stored_type(app, db_url):
    code, _ = _appeal(app, _filename="повестка \"1\".pdf")
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    link = re.search(rf'href="(/cases/{case_id}/files/\d+)"', worker.get(f"/cases/{case_id}").text).group(1)
    response = worker.get(link)
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"") and "filename*=UTF-8''%D0%BF%D0%BE%D0%B2" in disposition
    assert "sandbox" in response.headers["content-security-policy"]
    assert worker.get(link.rsplit("/", 1)[0] + "/999999").status_code == 404
    assert worker.get(f"/cases/{case_id + 1}{link[len(f'/cases/{case_id}'):]}").status_code == 404


def test_every_case_form_needs_its_csrf_token(app, db_url):
    from recruitwatch.store import cases

    code, _ = _appeal(app)
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    for action in ("status", "assign", "note", "deadline", "refer", "consent", "link"):
        assert worker.post(f"/cases/{case_id}/{action}", data={"status": "closed", "text": "x"}).status_code == 403, action
    with transaction_of(db_url) as session:
        assert [e["kind"] for e in cases.timeline(session, cases.get_case(session, case_id))] == ["created", "file"]


def test_hostile_text_in_every_appeal_field_is_shown_escaped_to_the_caseworker(app, db_url):
    from recruitwatch.store import cases

    payloads = {
        "story": "<script>alert('story')</script>",
        "name": "\"><img src=x onerror=alert('name')>",
        "contact": "<svg onload=alert('contact')>",
    }
    code, _ = _appeal(app, **payloads, _filename="<iframe src=javascript:alert('file')>.pdf")
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    _with_case(db_url, case_id, lambda s, c: cases.add_note(s, c, "<b onmouseover=alert('note')>", actor="kamila"))
    page = worker.get(f"/cases/{case_id}").text
    for raw in ("<script>alert('story')", "<img src=x", "<svg onload", "<iframe", "<b onmouseover"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(&#39;story&#39;)&lt;/script&gt;" in page and "&lt;svg onload=alert(&#39;contact&#39;)&gt;" in page


# -- who sees what


def test_a_caseworker_sees_incidents_only_as_the_public_does_and_no_documents(app, db_url):
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    assert worker.get("/incidents/1").status_code == 404  # unpublished: analysts' work
    assert worker.get("/documents/1").status_code == 403
    assert worker.get("/api/v1/documents/1").status_code == 403
    assert worker.get("/api/v1/incidents/1").status_code == 404
    assert 'href="/incidents/1"' not in worker.get("/incidents").text
    assert worker.get("/account").status_code == 200  # their own account, as every role
    viewer = _signed_in(app, db_url, "vic", "viewer")
    assert viewer.get("/incidents/1").status_code == 200 and viewer.get("/documents/1").status_code == 200


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_analysts_and_viewers_cannot_open_cases(app, db_url, role):
    code, _ = _appeal(app)
    case_id = _case_id(db_url, code)
    client = _signed_in(app, db_url, f"u-{role}", role)
    for path in ("/cases", f"/cases/{case_id}", f"/cases/{case_id}/files/1"):
        assert client.get(path).status_code == 403, path
    token = csrf_of(client.get("/account").text)
    assert client.post(f"/cases/{case_id}/note", data={"text": "x", "csrf_token": token}).status_code == 403
    assert 'href="/cases"' not in client.get("/incidents").text
    assert TestClient(app).get("/cases", follow_redirects=False).headers["location"].startswith("/login")


def test_an_admin_sees_both_cases_and_incidents(app, db_url):
    admin = _signed_in(app, db_url, "root", "admin")
    assert admin.get("/cases").status_code == 200 and admin.get("/incidents/1").status_code == 200


def test_the_users_command_makes_caseworkers(db_url):
    from .conftest import run_cli

    added = run_cli("users", "add", "kamila", "--role", "caseworker")
    assert added.returncode == 0, added.stderr
    assert "kamila\tcaseworker" in run_cli("users", "list").stdout.decode()


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999", "9" * 5000, "١٢", "-1"])
def test_a_huge_or_odd_caseworker_number_in_the_assign_form_is_a_clear_400(app, db_url, number):
    code, _ = _appeal(app, consent="yes")
    case_id = _case_id(db_url, code)
    worker = _signed_in(app, db_url, "kamila", "caseworker")
    answer = post_form(worker, f"/cases/{case_id}", f"/cases/{case_id}/assign", {"user_id": number})
    assert answer.status_code == 400 and "choose a caseworker from the list" in answer.text
