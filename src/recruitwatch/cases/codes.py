"""Case codes and status-check secrets: readable on a phone, typed back without look-alike mistakes.

The code (RW-XXXX-XXXX) names the case; the secret (five groups of four) proves
the person asking is the one who sent it. Only the SHA-256 of the secret is
stored: it carries about 99 random bits, so a slow hash is not needed.
Typing is forgiving: case, spaces and dashes do not matter, and Cyrillic
letters that look like Latin ones (a Russian keyboard layout) are read as Latin.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
SECRET_ALPHABET = CODE_ALPHABET.lower()
SECRET_GROUPS = 5
CODE_PATTERN = re.compile(rf"^RW-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
_LOOK_ALIKES = str.maketrans("АВЕКМНОРСТХУавекмнорстху", "ABEKMHOPCTXYabekmhopctxy")
_NOT_CODE = re.compile(r"[^0-9A-Z]")
# Compared against when the code is unknown, so a wrong code costs as much as a wrong secret.
_NO_CASE_DIGEST = hashlib.sha256(b"recruitwatch: no such case").hexdigest()


def new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"RW-{body[:4]}-{body[4:]}"


def new_secret() -> str:
    return "-".join("".join(secrets.choice(SECRET_ALPHABET) for _ in range(4)) for _ in range(SECRET_GROUPS))


def normalise_code(text: str) -> str | None:
    """'rw 7kq2 m9xp', 'RW-7KQ2-M9XP' or '7KQ2M9XP' → 'RW-7KQ2-M9XP'; None if it cannot be a code."""
    plain = _NOT_CODE.sub("", (text or "")[:64].translate(_LOOK_ALIKES).upper())
    plain = plain.removeprefix("RW") if len(plain) == 10 else plain
    code = f"RW-{plain[:4]}-{plain[4:]}"
    return code if CODE_PATTERN.match(code) else None


def normalise_secret(text: str) -> str:
    return "".join(c for c in (text or "")[:128].translate(_LOOK_ALIKES).lower() if c.isalnum())


def secret_digest(secret: str) -> str:
    return hashlib.sha256(normalise_secret(secret).encode("ascii", "replace")).hexdigest()


def secret_matches(secret: str, digest: str | None) -> bool:
    """Constant-time; with digest None (no such case) it still compares, and says no."""
    given = secret_digest(secret).encode("ascii")
    return hmac.compare_digest(given, (digest or _NO_CASE_DIGEST).encode("ascii")) and digest is not None
