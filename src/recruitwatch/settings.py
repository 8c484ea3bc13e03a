"""One settings object, read from RECRUITWATCH_* environment variables, each with a default and help."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("RECRUITWATCH_DATABASE_URL", "sqlite:///./data/recruitwatch.db",
            "where the store lives: an SQLAlchemy URL, SQLite file or postgresql+psycopg://…"),
    Setting("RECRUITWATCH_CACHE_DIR", "$XDG_CACHE_HOME/recruitwatch or ~/.cache/recruitwatch",
            "where compiled lexicons are kept between runs (rebuilt when the data files change)"),
    Setting("RECRUITWATCH_NO_CACHE", "unset", "set to any value to compile the lexicons afresh in every process"),
    Setting("RECRUITWATCH_KEY_FILE", "./data/recruitwatch.key",
            "the key ring for personal data, cursors and the audit log's seals (made with mode 0600 only for a store with "
            "nothing encrypted yet; a store that holds encrypted data will not open without it); keep it off the "
            "database's disk and back it up"),
    Setting("RECRUITWATCH_KEY", "unset",
            "the key ring inline instead of a file: '<id>:<base64 key>' lines, current first (overrides the file)"),
    Setting("RECRUITWATCH_REQUIRE_2FA", "",
            "roles (comma-separated, e.g. admin,caseworker) whose accounts must set up two-step sign-in before anything else"),
    Setting("RECRUITWATCH_PUBLIC_MIN_COUNT", "3",
            "counts below this are not published (shown as 'fewer than N' or left out) to anyone without a staff role"),
    Setting("RECRUITWATCH_PUBLIC_DATE_PRECISION", "month",
            "incident dates shown to the public are cut to this: day, month or year"),
    Setting("RECRUITWATCH_SECURE_COOKIES", "unset",
            "1 marks cookies Secure, as `serve --secure-cookies` does (set by it for its worker processes)"),
    Setting("RECRUITWATCH_WEB_THREADS", "4",
            "threads per web worker process for page and API requests (more queue than run at once)"),
    Setting("RECRUITWATCH_BASE_URL", "http://127.0.0.1:8000",
            "the web app's address as its users reach it, for the links in alerts (e-mails, webhooks, feeds)"),
    Setting("RECRUITWATCH_SMTP_HOST", "unset", "the mail server e-mail alerts go through; unset: e-mail alerts wait"),
    Setting("RECRUITWATCH_SMTP_PORT", "587", "its port"),
    Setting("RECRUITWATCH_SMTP_SECURITY", "starttls", "starttls, tls (implicit, usually port 465) or none (a local relay only)"),
    Setting("RECRUITWATCH_SMTP_FROM", "unset", "the address alerts come from"),
    Setting("RECRUITWATCH_SMTP_USER", "unset", "user name for the mail server, if it asks for one"),
    Setting("RECRUITWATCH_SMTP_PASSWORD", "unset", "its password (prefer a secrets manager's environment to a file)"),
    Setting("RECRUITWATCH_TELEGRAM_TOKEN_FILE", "unset", "a file holding the tipline's bot token (mode 0600; preferred to the variable below)"),
    Setting("RECRUITWATCH_TELEGRAM_TOKEN", "unset", "the tipline's bot token itself, when no file is given"),
    Setting("RECRUITWATCH_TELEGRAM_API_URL", "https://api.telegram.org", "the Bot API server the tipline talks to"),
    Setting("RECRUITWATCH_TEST_DATABASE_URL", "unset",
            "tests only: a PostgreSQL URL; when set, the store tests also run against it"),
)


def database_url() -> str:
    return os.environ.get("RECRUITWATCH_DATABASE_URL") or "sqlite:///./data/recruitwatch.db"


DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def base_url(default: str = DEFAULT_BASE_URL) -> str:
    """Where the web app is reached from outside, for links sent out of it (alerts, the tipline)."""
    return (os.environ.get("RECRUITWATCH_BASE_URL") or default).rstrip("/")


def web_threads() -> int:
    value = os.environ.get("RECRUITWATCH_WEB_THREADS") or "4"
    if not value.isdigit() or not 1 <= int(value) <= 256:
        raise UsageError(f"RECRUITWATCH_WEB_THREADS must be a whole number from 1 to 256 (got {value!r})")
    return int(value)


def roles_requiring_2fa() -> frozenset[str]:
    """Roles whose accounts may not work without a second factor (read on every request: no restart needed)."""
    return frozenset(part.strip() for part in os.environ.get("RECRUITWATCH_REQUIRE_2FA", "").split(",") if part.strip())


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases or an in-memory one)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url in ("sqlite://", "sqlite:///:memory:"):
        return None
    return Path(url[len(prefix) :])
