"""Staff accounts: create, sign in (with throttling), change passwords, disable.

Used by both the command line (`recruitwatch users …`) and the web app, so the
rules live once: usernames are plain, passwords are Argon2id-hashed, and a
username with too many recent failures is refused before its password is tried.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..errors import UsageError
from ..store import accounts as store
from ..store.models import User
from .roles import check_role
from .secrets import (
    hash_password,
    needs_rehash,
    one_time_password,
    password_problem,
    verify_password,
)

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(UsageError):
    """A request about accounts that cannot be done as asked; the message says why."""


class Throttled(AccountError):
    pass


@dataclass
class NewAccount:
    user: User
    one_time_password: str | None  # shown once when the system chose the password


def create_user(session: Session, username: str, role: str, *, password: str | None = None, language: str = "en") -> NewAccount:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("a username is 2–64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")
    try:
        check_role(role)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    if store.user_by_name(session, username):
        raise AccountError(f"user {username} exists already")
    chosen = password is None
    password = password or one_time_password()
    _check_password(password)
    user = store.add_user(session, username, hash_password(password), role, language=language, must_change_password=chosen)
    return NewAccount(user, password if chosen else None)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user, if the password is right and the account usable; failures are counted (caller commits)."""
    username = (username or "").strip().lower()[:64]
    if store.recent_failures(session, username, FAILURE_WINDOW) >= MAX_FAILURES:
        raise Throttled(f"too many failed sign-ins for this account; wait {FAILURE_WINDOW.seconds // 60} minutes")
    user = store.user_by_name(session, username)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or user.disabled:
        store.record_failure(session, username)
        return None
    if not user.totp_enabled_at:  # else the failures stay until the code is right too (security.two_step)
        store.clear_failures(session, username)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(session: Session, user: User, new_password: str) -> None:
    """The new password; every session and API token of the user ends (a stolen one goes with the old password)."""
    _check_password(new_password)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    _end_access(session, user)


def reset_password(session: Session, username: str) -> str:
    """A new one-time password; every session and API token of the user ends."""
    user = _existing(session, username)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    _end_access(session, user)
    store.clear_failures(session, user.username)
    return password


def set_disabled(session: Session, username: str, disabled: bool = True) -> User:
    """Disabling ends every session and API token (enabling again revives none)."""
    user = _existing(session, username)
    user.disabled = disabled
    if disabled:
        _end_access(session, user)
    return user


def _end_access(session: Session, user: User) -> None:
    store.end_sessions_of(session, user)
    store.revoke_api_tokens_of(session, user)


def _existing(session: Session, username: str) -> User:
    user = store.user_by_name(session, username.strip().lower())
    if user is None:
        raise AccountError(f"no user {username}; `recruitwatch users list` shows them")
    return user


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
