"""Short-lived permission to answer on the status page, so the secret is never echoed into the page.

After the code and secret are checked, the page carries a token naming the case and an expiry,
with a MAC keyed from the key ring and bound to the case's secret digest: it cannot be forged,
stretched, moved to another case, or used once the secret changes. Pure functions: the caller
gives the key and the clock.
"""

from __future__ import annotations

import hashlib
import hmac

LIFETIME = 30 * 60  # seconds: long enough to write an answer on a slow phone
PURPOSE = "appeal-reply"


def _mac(key: bytes, case_id: int, expires: int, secret_digest: str) -> str:
    return hmac.new(key, f"{case_id}.{expires}.{secret_digest}".encode(), hashlib.sha256).hexdigest()


def issue(key: bytes, case_id: int, secret_digest: str, now: float) -> str:
    expires = int(now) + LIFETIME
    return f"{case_id}.{expires}.{_mac(key, case_id, expires, secret_digest)}"


def case_of(token: str) -> int | None:
    """The case a well-formed token names (not yet trusted: see `valid`)."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 12:
        return None
    return int(parts[0])


def valid(key: bytes, token: str, secret_digest: str | None, now: float) -> bool:
    """Whether the token was issued for this case's current secret and has not expired."""
    case_id = case_of(token)
    if case_id is None or secret_digest is None:
        return False
    _, expires, mac = token.split(".")
    if int(expires) < now or int(expires) > now + LIFETIME:
        return False
    return hmac.compare_digest(mac, _mac(key, case_id, int(expires), secret_digest))
