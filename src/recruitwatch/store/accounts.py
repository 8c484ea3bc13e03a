"""Users, signed-in sessions, API tokens and failed sign-ins: the SQL behind accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from ..security.secrets import new_token, token_digest
from .models import ApiToken, LoginFailure, User, WebSession, utcnow


def add_user(session: Session, username: str, password_hash: str, role: str, *, language: str = "en", must_change_password: bool = False) -> User:
    user = User(
        username=username, password_hash=password_hash, role=role, language=language,
        must_change_password=must_change_password, disabled=False,
    )
    session.add(user)
    session.flush()
    return user


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def user_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def start_session(session: Session, user: User, lifetime: dt.timedelta) -> tuple[str, WebSession]:
    """A new signed-in session; returns the cookie token (shown once, never stored)."""
    token = new_token()
    row = WebSession(token_hash=token_digest(token), user_id=user.id, csrf_token=new_token(), expires_at=utcnow() + lifetime)
    session.add(row)
    user.last_login_at = utcnow()
    session.flush()
    return token, row


def session_for_token(session: Session, token: str) -> WebSession | None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == token_digest(token)))
    if row is None or _aware(row.expires_at) <= utcnow() or row.user.disabled:
        return None
    return row


def end_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_digest(token)))


def end_sessions_of(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def purge_expired_sessions(session: Session) -> None:
    """No matching of loaded rows in Python: SQLite gives their times back without a zone, which cannot be
    compared with an aware one (signing in again from a signed-in browser failed so)."""
    session.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()).execution_options(synchronize_session=False))


def add_api_token(session: Session, user: User, name: str) -> str:
    token = new_token()
    session.add(ApiToken(token_hash=token_digest(token), user_id=user.id, name=name, revoked=False))
    session.flush()
    return token


TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)  # "last used" is told to the minute: no write per request


def user_for_api_token(session: Session, token: str) -> User | None:
    """The token's account, or None; notes when it was last used (at most once a minute)."""
    row = session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user))  # one query per request, not two
        .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked.is_(False))
    )
    if row is None or row.user.disabled:
        return None
    now = utcnow()
    if row.last_used_at is None or _aware(row.last_used_at) <= now - TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return row.user


def api_tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_api_token(session: Session, user: User, token_id: int) -> bool:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        return False
    row.revoked = True
    return True


def revoke_api_tokens_of(session: Session, user: User) -> None:
    """Every token of the account stops working (they stay listed, as revoked)."""
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False)).values(revoked=True))


def record_failure(session: Session, username: str) -> None:
    session.add(LoginFailure(username=username[:64]))


def recent_failures(session: Session, username: str, window: dt.timedelta) -> int:
    since = utcnow() - window
    return session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.username == username[:64], LoginFailure.at > since)
    ) or 0


def clear_failures(session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == username[:64]))


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes for what was stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
