"""Two-step sign-in for staff accounts: enrolment, the code after the password, and turning it off.

The secret is stored encrypted (context ``user.totp``) and only once the
account has proved, with a code, that its authenticator app holds it. Until
then, and between the password and the code at sign-in, the state travels in
short-lived tokens sealed with the key ring (AES-GCM: nobody can read or forge
them), so nothing half-done is kept on the server and no session exists
before the code is right. Wrong codes count as failed sign-ins: the same
throttle guards passwords and codes.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..settings import roles_requiring_2fa
from ..store import accounts as store
from ..store.models import User, utcnow
from . import totp
from .accounts import FAILURE_WINDOW, MAX_FAILURES, AccountError, Throttled
from .crypto import KeyRingError, key_ring

SECRET_CONTEXT = "user.totp"
ENROLMENT_CONTEXT = "user.totp.enrolment"
PENDING_CONTEXT = "signin.pending"
ENROLMENT_LIFETIME = 15 * 60  # seconds to scan the code and type the first code
PENDING_LIFETIME = 5 * 60  # seconds between the password and the code


@dataclass
class Enrolment:
    secret: str  # shown as text for apps that cannot scan
    uri: str
    qr_svg: str
    token: str  # the secret sealed for this account, sent back with the first code


def is_enabled(user: User) -> bool:
    return bool(user.totp_enabled_at and user.totp_secret_enc)


def is_required(user: User) -> bool:
    """The account's role must use a second factor (RECRUITWATCH_REQUIRE_2FA) and it has none yet."""
    return user.role in roles_requiring_2fa() and not is_enabled(user)


def _seal(payload: dict, context: str) -> str:
    return key_ring().encrypt(json.dumps(payload), context)


def _open(token: str, context: str, lifetime: int) -> dict:
    try:
        payload = json.loads(key_ring().decrypt_text(token or "", context))
    except (KeyRingError, ValueError):
        raise AccountError("the form was not valid; start again") from None
    if time.time() - payload.get("at", 0) > lifetime:
        raise AccountError("the form expired; start again")
    return payload


def start_enrolment(user: User) -> Enrolment:
    secret = totp.new_secret()
    uri = totp.provisioning_uri(secret, user.username)
    token = _seal({"user": user.id, "secret": secret, "at": time.time()}, ENROLMENT_CONTEXT)
    return Enrolment(secret, uri, totp.qr_svg(uri), token)


def resume_enrolment(user: User, token: str) -> Enrolment:
    """The same secret again, after a wrong first code: no need to scan a new QR code."""
    payload = _open(token, ENROLMENT_CONTEXT, ENROLMENT_LIFETIME)
    if payload.get("user") != user.id:
        raise AccountError("the form was not valid; start again")
    uri = totp.provisioning_uri(payload["secret"], user.username)
    return Enrolment(payload["secret"], uri, totp.qr_svg(uri), token)


def confirm_enrolment(user: User, token: str, code: str) -> None:
    """Turn two-step sign-in on once a code from the app proves it holds the secret (caller commits)."""
    secret = resume_enrolment(user, token).secret
    step = totp.verify(secret, code, last_used_step=None)
    if step is None:
        raise AccountError("that code is not right; check the time on your phone and try the next code")
    user.totp_secret_enc = key_ring().encrypt(secret, SECRET_CONTEXT)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step


def check_code(user: User, code: str) -> bool:
    """A current code of the account's app, never one used before; the step is remembered (caller commits)."""
    secret = key_ring().decrypt_text(user.totp_secret_enc, SECRET_CONTEXT)
    step = totp.verify(secret, code, last_used_step=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def disable(session: Session, user: User, code: str) -> None:
    """Turn two-step sign-in off (caller commits, also on failure: wrong codes are counted).

    It takes a current code, so a borrowed session alone cannot; wrong codes
    count toward the sign-in throttle, so it cannot be guessed either.
    """
    _check_throttle(session, user)
    if not is_enabled(user) or not check_code(user, code):
        store.record_failure(session, user.username)
        raise AccountError("that code is not right")
    clear(user)


def _check_throttle(session: Session, user: User) -> None:
    if store.recent_failures(session, user.username, FAILURE_WINDOW) >= MAX_FAILURES:
        raise Throttled(f"too many failed sign-ins for this account; wait {FAILURE_WINDOW.seconds // 60} minutes")


def clear(user: User) -> None:
    """Forget the second factor (an admin's reset when a phone is lost)."""
    user.totp_secret_enc = None
    user.totp_enabled_at = None
    user.totp_last_step = None


def _password_mark(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


def reset(session: Session, username: str) -> User:
    """An admin's reset when a phone is lost: the factor is forgotten and the account's sessions end."""
    user = store.user_by_name(session, username.strip().lower())
    if user is None:
        raise AccountError(f"no user {username}; `recruitwatch users list` shows them")
    clear(user)
    store.end_sessions_of(session, user)
    return user


def pending_sign_in(user: User) -> str:
    """The token that carries a right password to the code form (no session is started yet).

    It names the password it was given for, so a reset in between voids it.
    """
    return _seal({"user": user.id, "password": _password_mark(user), "at": time.time()}, PENDING_CONTEXT)


def finish_sign_in(session: Session, token: str, code: str) -> tuple[User | None, str | None]:
    """(user, None) when the code is right; (None, username) when it is wrong (counted as a failure).

    Raises Throttled after too many failures, AccountError when the token is not valid or expired.
    """
    payload = _open(token, PENDING_CONTEXT, PENDING_LIFETIME)
    user = session.get(User, payload.get("user"))
    if user is None or user.disabled or not is_enabled(user) or payload.get("password") != _password_mark(user):
        raise AccountError("the form was not valid; start again")
    _check_throttle(session, user)
    if not check_code(user, code):
        store.record_failure(session, user.username)
        return None, user.username
    store.clear_failures(session, user.username)
    return user, None
