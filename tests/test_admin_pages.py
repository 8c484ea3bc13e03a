"""Admins manage accounts and read the audit log in the browser, with the command line's rules."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from recruitwatch.web.app import create_app

from .web_helpers import PASSWORD, csrf_of, make_user, post_form, sign_in


@pytest.fixture
def client(db_url):
    make_user(db_url, "root", "admin")
    make_user(db_url, "ana", "analyst")
    with TestClient(create_app(db_url)) as c:
        yield c


def test_an_admin_adds_an_account_that_signs_in_with_the_one_time_password(client):
    sign_in(client, "root")
    page = post_form(client, "/admin/users", "/admin/users", {"username": "Cara", "role": "caseworker", "language": "ru"})
    assert page.status_code == 200
    password = re.search(r'<code class="token">([^<]+)</code>', page.text).group(1)
    assert "cara" in page.text
    again = post_form(client, "/admin/users", "/admin/users", {"username": "cara", "role": "caseworker"})
    assert again.status_code == 400 and "exists already" in again.text and 'value="cara"' in again.text
    bad = post_form(client, "/admin/users", "/admin/users", {"username": "x y", "role": "emperor"})
    assert bad.status_code == 400

    other = TestClient(client.app)
    assert sign_in(other, "cara", password).headers["location"] == "/account/password"  # must choose its own first


def test_disabling_and_a_new_password_end_the_accounts_access_and_are_audited(client):
    sign_in(client, "root")
    ana = TestClient(client.app)
    sign_in(ana, "ana")
    assert ana.get("/searches").status_code == 200
    assert post_form(client, "/admin/users", "/admin/users/ana", {"action": "disable"}).status_code == 303
    assert ana.get("/searches", follow_redirects=False).status_code in (303, 401)  # signed out at once
    assert sign_in(TestClient(client.app), "ana").status_code != 303  # a disabled account cannot sign in
    assert post_form(client, "/admin/users", "/admin/users/ana", {"action": "enable"}).status_code == 303
    reset = post_form(client, "/admin/users", "/admin/users/ana", {"action": "reset_password"})
    new = re.search(r'<code class="token">([^<]+)</code>', reset.text).group(1)
    assert sign_in(TestClient(client.app), "ana", PASSWORD).status_code != 303  # the old password is gone
    assert sign_in(TestClient(client.app), "ana", new).headers["location"] == "/account/password"
    log = client.get("/admin/audit?object_type=user").text
    assert log.count("reset_password") >= 1 and "disable" in log and "enable" in log


def test_an_admin_cannot_lock_himself_out_here(client):
    sign_in(client, "root")
    refused = post_form(client, "/admin/users", "/admin/users/root", {"action": "disable"})
    assert refused.status_code == 400 and "not your own account" in refused.text


def test_only_admins_see_the_accounts_and_the_audit_log(client):
    sign_in(client, "ana")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    token = csrf_of(client.get("/searches").text)
    assert client.post("/admin/users", data={"csrf_token": token, "username": "evil", "role": "admin"}).status_code == 403
    assert "/admin/users" not in client.get("/incidents").text


def test_the_audit_log_pages_and_filters_and_its_reading_is_logged(client, db_url):
    sign_in(client, "root")
    for n in range(3):
        post_form(client, "/admin/users", "/admin/users", {"username": f"user{n}", "role": "viewer"})
    page = client.get("/admin/audit?action=create&object_type=user").text
    assert all(f"user{n}" in page for n in range(3))
    assert "sign_in" not in page.split("<tbody>")[1]  # filtered
    assert client.get("/admin/audit?before=abc").status_code == 200  # a bad cursor is ignored
    newest = client.get("/admin/audit?object_type=audit_log").text
    assert "audit_log" in newest.split("<tbody>")[1]
