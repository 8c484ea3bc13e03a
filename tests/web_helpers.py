"""Helpers for web tests: an app on the test database, accounts, and signing in like a browser does."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(url: str, username: str, role: str, password: str = PASSWORD) -> None:
    from recruitwatch.security.accounts import create_user
    from recruitwatch.store.database import transaction

    with transaction(url) as session:
        create_user(session, username, role, password=password)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/incidents"},
        follow_redirects=False,
    )


def post_form(client: TestClient, page_path: str, action: str, data: dict, **kwargs):
    """Post a form the way a browser would: with the CSRF token of the page that holds it."""
    token = csrf_of(client.get(page_path).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)
