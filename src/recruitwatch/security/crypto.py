"""Encryption of personal data at rest: AES-256-GCM with keys kept outside the database.

A value is stored as ``rw1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``. The
key id says which key of the key ring opens it, so keys can be rotated: a new
key becomes current, `recruitwatch keys rotate` re-encrypts every stored value
with it, and only then may the old key be removed from the file. Each value is
bound to what it is (its *context*, e.g. ``appeal.contact``) as associated
data, so a ciphertext copied into another column will not open there.

Keys come from ``RECRUITWATCH_KEY`` (one base64 key) or the key file
``RECRUITWATCH_KEY_FILE`` (default ``./data/recruitwatch.key``): one
``<id>:<base64 key>`` per line, the first line current. The file is made (mode
0600) only when a store that holds nothing encrypted yet is opened
(`store.encrypted.check_key_ring`): a new key made later would leave what the
store holds unreadable, and seal new data under a key nobody keeps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import RecruitWatchError
from .files import private_folder

PREFIX = "rw1"
DEFAULT_KEY_FILE = "./data/recruitwatch.key"


class KeyRingError(RecruitWatchError):
    """The key ring is missing, malformed, or lacks the key a value needs."""

    exit_code = 4


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key_line() -> str:
    key = secrets.token_bytes(32)
    return f"{hashlib.sha256(key).hexdigest()[:8]}:{_b64(key)}"


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]  # (id, 32-byte key); the first is current

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def has(self, key_id: str) -> bool:
        return any(kid == key_id for kid, _ in self.keys)

    def _key(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise KeyRingError(f"no key {key_id} in the key ring; restore the key file that encrypted this data")

    def encrypt(self, plaintext: str | bytes, context: str) -> str:
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.keys[0][1]).encrypt(nonce, data, context.encode("utf-8"))
        return f"{PREFIX}:{self.current_id}:{_b64(nonce + sealed)}"

    def decrypt(self, token: str, context: str) -> bytes:
        try:
            prefix, key_id, body = token.split(":", 2)
        except ValueError:
            raise KeyRingError("not an encrypted value") from None
        if prefix != PREFIX:
            raise KeyRingError(f"unknown encryption format {prefix!r}")
        raw = _unb64(body)
        try:
            return AESGCM(self._key(key_id)).decrypt(raw[:12], raw[12:], context.encode("utf-8"))
        except InvalidTag:
            raise KeyRingError(f"an encrypted {context} value does not open: altered, or stored under another field") from None

    def decrypt_text(self, token: str, context: str) -> str:
        return self.decrypt(token, context).decode("utf-8")

    def blind_index(self, text: str, context: str) -> str:
        """A keyed hash for finding a value without storing it (equality only; changes with the key)."""
        return hmac.new(self.keys[0][1], f"{context}\x1f{text}".encode(), hashlib.sha256).hexdigest()[:32]

    def mac_key(self, key_id: str, purpose: str) -> bytes:
        """A key for authenticating `purpose` (e.g. the audit log), derived one-way from key `key_id`.

        Holding it lets one check and make MACs for that purpose, never open encrypted values.
        """
        return hmac.new(self._key(key_id), f"recruitwatch-mac:{purpose}".encode(), hashlib.sha256).digest()

    def needs_rotation(self, token: str) -> bool:
        return not token.startswith(f"{PREFIX}:{self.current_id}:")


def is_encrypted(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def key_file_path() -> Path:
    return Path(os.environ.get("RECRUITWATCH_KEY_FILE") or DEFAULT_KEY_FILE)


def parse_key_lines(text: str, origin: str) -> KeyRing:
    keys = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key_id, _, encoded = line.partition(":")
        try:
            key = _unb64(encoded)
        except ValueError:
            key = b""
        if not key_id or len(key) != 32:
            raise KeyRingError(f"{origin}, line {number}: expected '<id>:<base64 of 32 bytes>'")
        keys.append((key_id, key))
    if not keys:
        raise KeyRingError(f"{origin} holds no key")
    return KeyRing(tuple(keys))


def key_origin() -> str:
    """Where the keys come from, for messages."""
    return "RECRUITWATCH_KEY" if os.environ.get("RECRUITWATCH_KEY") else str(key_file_path())


def load_key_ring(*, create: bool = False) -> KeyRing:
    """The key ring from the environment or the key file; `create` makes a new file when there is none."""
    inline = os.environ.get("RECRUITWATCH_KEY")
    if inline:
        return parse_key_lines(inline if ":" in inline else f"env:{inline}", "RECRUITWATCH_KEY")
    path = key_file_path()
    if not path.exists():
        if not create:
            raise KeyRingError(f"no key file at {path}; set RECRUITWATCH_KEY_FILE or RECRUITWATCH_KEY")
        private_folder(path.parent)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(new_key_line() + "\n")
    return parse_key_lines(path.read_text(encoding="ascii"), str(path))


@cache
def _cached_ring(source: tuple) -> KeyRing:
    return load_key_ring()


def key_ring() -> KeyRing:
    """The process's key ring, re-read when the key file or variables change (after a rotation).

    Called for every value sealed or opened, so it costs one stat() of the key file and no more.
    Never makes a key: a key file gone while the system runs is a KeyRingError, not a new key.
    """
    inline = os.environ.get("RECRUITWATCH_KEY")
    if inline:
        return _cached_ring((inline, None, None))
    path = os.environ.get("RECRUITWATCH_KEY_FILE") or str(DEFAULT_KEY_FILE)
    try:
        found = os.stat(path)
        stamp = (found.st_mtime_ns, found.st_ino, found.st_size)  # a rotation replaces the file
    except FileNotFoundError:
        stamp = None
    return _cached_ring((None, path, stamp))


def add_current_key(path: Path | None = None) -> str:
    """Put a new key first in the key file (the old ones stay, to open what they sealed). Returns its id."""
    path = path or key_file_path()
    if os.environ.get("RECRUITWATCH_KEY"):
        raise KeyRingError("keys come from RECRUITWATCH_KEY: rotate by setting a new value with the old ones after it")
    existing = path.read_text(encoding="ascii") if path.exists() else ""
    line = new_key_line()
    private_folder(path.parent)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(line + "\n" + existing)
    temporary.replace(path)
    return line.split(":", 1)[0]


def drop_old_keys(path: Path | None = None) -> int:
    """Keep only the current key (after every value was re-encrypted with it). Returns how many were dropped."""
    path = path or key_file_path()
    ring = parse_key_lines(path.read_text(encoding="ascii"), str(path))
    kept = [line for line in path.read_text(encoding="ascii").splitlines() if line.startswith(ring.current_id + ":")]
    path.write_text(kept[0] + "\n", encoding="ascii")
    return len(ring.keys) - 1
