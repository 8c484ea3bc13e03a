"""Throttling without a CAPTCHA and without keeping anyone's address: counters in memory only.

A CAPTCHA would send a frightened person's phone to a third party (and fail
on old phones); keeping addresses would put them in danger if the server were
seized. So each client address is turned into an HMAC under a random key
made at start-up and never written anywhere; only that, with the times of
recent requests, is held in this process's memory, and it is dropped once
older than the longest window. A restart forgets everything. A global
ceiling per minute caps what a crowd of addresses can send together.

Behind a reverse proxy every request comes from the proxy's address, so the
per-address limit becomes one shared limit; the proxy should then limit per
client itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

GLOBAL = "*"
_MAX_KEYS = 50_000  # beyond this, stale keys are swept before a new one is added


@dataclass(frozen=True)
class Rule:
    limit: int  # at most this many …
    window: float  # … in this many seconds


class RateLimiter:
    def __init__(self, clock=time.monotonic) -> None:
        self._key = secrets.token_bytes(32)
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._longest = 3600.0

    def pseudonym(self, value: str) -> str:
        """An address (or a case code) as a key that cannot be turned back without this process's memory."""
        return hmac.new(self._key, value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]

    def _recent(self, key: str, window: float, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= _MAX_KEYS:
                self._sweep(now)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - window:
            hits.popleft()
        return hits

    def _sweep(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self._longest]:
            del self._hits[key]

    def check(self, rules: dict[str, Rule]) -> float | None:
        """Count one request against every (key → rule) if all allow it; else count nothing and return
        how many seconds until it would be allowed."""
        with self._lock:
            now = self._clock()
            waits = []
            for key, rule in rules.items():
                self._longest = max(self._longest, rule.window)
                hits = self._recent(key, rule.window, now)
                if len(hits) >= rule.limit:
                    waits.append(hits[0] + rule.window - now)
            if waits:
                return max(1.0, max(waits))
            for key in rules:
                self._hits[key].append(now)
            return None

    def blocked(self, key: str, rule: Rule) -> float | None:
        """Seconds to wait if `key` has reached its limit (without counting a request)."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, rule.window, now)
            return max(1.0, hits[0] + rule.window - now) if len(hits) >= rule.limit else None

    def record(self, key: str, rule: Rule) -> None:
        """Count one event (a wrong secret) against `key`."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, rule.window, now)
            hits.append(now)
            while len(hits) > rule.limit:
                hits.popleft()
