"""Sending: e-mail through the configured SMTP server, webhooks by HTTP POST. One attempt each;
the runner decides about retrying. Errors come back as DeliveryError with a message fit for the log."""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage

import httpx

from ..errors import UsageError
from ..sources.fetch import FetchError, check_url
from .messages import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

TIMEOUT = 20.0  # seconds for one SMTP conversation or one webhook request
SECURITY = ("starttls", "tls", "none")


class DeliveryError(Exception):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    security: str = "starttls"  # starttls | tls | none
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_environment(cls) -> SmtpSettings | None:
        """The SMTP server the RECRUITWATCH_SMTP_HOST (and _PORT, _FROM …) settings name, or None when no host is set (e-mail alerts then wait)."""
        host = os.environ.get("RECRUITWATCH_SMTP_HOST", "").strip()
        if not host:
            return None
        port = os.environ.get("RECRUITWATCH_SMTP_PORT", "587").strip()
        security = os.environ.get("RECRUITWATCH_SMTP_SECURITY", "starttls").strip().lower()
        sender = os.environ.get("RECRUITWATCH_SMTP_FROM", "").strip()
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise UsageError(f"RECRUITWATCH_SMTP_PORT must be a port number (got {port!r})")
        if security not in SECURITY:
            raise UsageError(f"RECRUITWATCH_SMTP_SECURITY must be one of {', '.join(SECURITY)} (got {security!r})")
        if "@" not in sender:
            raise UsageError("RECRUITWATCH_SMTP_FROM must be the address alerts come from (e.g. alerts@example.org)")
        return cls(host, int(port), sender, security, os.environ.get("RECRUITWATCH_SMTP_USER") or None,
                   os.environ.get("RECRUITWATCH_SMTP_PASSWORD") or None)


def send_email(settings: SmtpSettings, message: EmailMessage) -> None:
    try:
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP {settings.host}:{settings.port}: {type(exc).__name__}: {exc}") from None


def check_webhook_url(url: str) -> str:
    """A webhook address as typed: http(s) with a host and no credentials in it, or UsageError.
    (Where it points is checked when sending, as the sender's --allow-private says.)"""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise UsageError("the webhook address is not a valid URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UsageError("the webhook address must start with https:// (or http://) and name a host")
    if parsed.userinfo:
        raise UsageError("put no user name or password in the webhook address; the requests are signed instead")
    if len(url) > 2000:
        raise UsageError("the webhook address is too long")
    return url


def post_webhook(url: str, key: str, payload: bytes, delivery_id: int, *, allow_private: bool = False,
                 client: httpx.Client | None = None) -> int:
    """POST the signed payload; the HTTP status when 2xx, else DeliveryError. Redirects are not followed
    (a signed request must reach the address its owner gave)."""
    try:
        check_url(url, allow_private=allow_private)
    except FetchError as exc:
        raise DeliveryError(str(exc)) from None
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "RecruitWatch-alerts",
        "X-RecruitWatch-Event": "alert",
        "X-RecruitWatch-Delivery": str(delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(key, timestamp, payload),
    }
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False)
    try:
        response = client.post(url, content=payload, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    finally:
        if own:
            client.close()
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"the receiver answered HTTP {response.status_code}")
    return response.status_code
