"""Time-based one-time codes (RFC 6238) for the second step of signing in, as authenticator apps make them.

Codes are 6 digits for 30-second steps. A code of the step before or after
the current one is accepted too (clocks drift), but never a code of a step at
or before the last one accepted, so a code overheard or typed on a
compromised machine cannot be used again.
"""

from __future__ import annotations

import hmac
import time

import pyotp
import segno

ISSUER = "RecruitWatch"
STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1


def new_secret() -> str:
    """A random base32 secret of 160 bits (what authenticator apps expect)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The address as an inline SVG QR code, drawn here: the secret never goes to a QR service."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff",
                                                  title="QR code for an authenticator app")


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def verify(secret: str, code: str, *, last_used_step: int | None, now: float | None = None) -> int | None:
    """The step the code belongs to if it is right and newer than `last_used_step`, else None.

    The caller stores the returned step (User.totp_last_step) so the same code is refused next time.
    """
    code = "".join((code or "").split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    found = None
    here = current_step(now)
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        # every candidate is compared, in constant time, whatever matched before
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code) and (last_used_step is None or step > last_used_step):
            found = step
    return found
