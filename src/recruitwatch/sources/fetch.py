"""The one place that speaks HTTP: polite, bounded and guarded fetching.

Every network read in RecruitWatch goes through a `Fetcher`, so the rules
that keep us a good citizen and keep hostile input out are enforced once:

- an address guard: only http(s), and no host that resolves to a private,
  loopback, link-local, multicast, reserved or unspecified address (unless
  `allow_private`), checked again on every redirect hop, so a public feed
  cannot point us at a router, a cloud metadata service or localhost;
- a per-host minimum interval between requests (default 1 s);
- timeouts (connect 10 s, read 30 s), a limit on the whole body (default
  120 s: the read timeout is per read, so a server dripping a byte now and
  then would otherwise hold us for days) and a size cap (default 10 MB,
  counted on the decoded body while streaming, so a gzip bomb stops early too);
- retries with exponential back-off on connection errors and 5xx/429,
  honouring a short Retry-After;
- redirects followed by hand (at most 5, loops reported as loops);
- conditional GET (ETag / Last-Modified) with 304 reported as `not_modified`.

The guard resolves the host name before httpx connects, and httpx resolves
it again; a hostile DNS server answering differently the second time (DNS
rebinding) would slip past that check, so the address actually connected to
is checked again before any byte of the answer is read.

Proxies: the environment's HTTP_PROXY, HTTPS_PROXY and ALL_PROXY are ignored
(httpx's `trust_env` is off), since through a proxy the address connected to
is the proxy's and the target's name is resolved by the proxy, out of the
guard's sight. A proxy is used only when given explicitly (`proxy=`, the
`--proxy` option); the guard then still resolves each name here and refuses
private addresses, but the check of the address actually connected to (DNS
rebinding) is the proxy's to make, so it should refuse private ranges itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx

from ..errors import UsageError
from .base import SourceError, utcnow

logger = logging.getLogger(__name__)

USER_AGENT = "RecruitWatch/0.1 (+https://github.com/recruitwatch)"
MAX_BYTES = 10 * 1024 * 1024
MAX_SECONDS = 120.0  # for one answer's body, however slowly it trickles in
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Transport failures worth another try: the network, not the request, was at fault.
RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class FetchError(SourceError):
    """A URL that could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


@dataclass(frozen=True)
class FetchResult:
    """What one GET returned, after redirects; `content` is empty when `not_modified`."""

    url: str  # final URL, after redirects
    status: int
    content: bytes
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None
    not_modified: bool
    fetched_at: dt.datetime = field(default_factory=utcnow)

    @property
    def media_type(self) -> str | None:
        """The Content-Type without parameters, lower-cased ("text/html"), or None."""
        value = self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return value or None


# ---------------------------------------------------------------- address guard


def forbidden_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address must not be fetched from ("loopback", "private"…), or None if public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return forbidden_reason(embedded)
    # Most specific first: 127.0.0.1 and 169.254.x.x are "private" too, but the
    # narrower name tells the user more.
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "non-public"
    return None


def check_url(url: str, *, allow_private: bool = False) -> httpx.URL:
    """Refuse URLs we must not fetch; return the parsed URL when it is fine.

    Raises `FetchError` for a non-http(s) scheme, a missing host, a host that
    does not resolve, or (unless `allow_private`) any resolved address that is
    not public: one bad address is enough, as the connection may use any.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchError(f"{url!r} is not a valid URL ({exc}); check it", url=str(url)) from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(
            f"refusing {url}: only http and https URLs are fetched (got {parsed.scheme or 'no'} scheme)",
            url=url,
        )
    if not parsed.host:
        raise FetchError(f"refusing {url}: it has no host name; check the URL", url=url)
    if allow_private:
        return parsed
    host = parsed.raw_host.decode("ascii")
    for address in _resolve(host, parsed.port or (443 if parsed.scheme == "https" else 80), url):
        reason = forbidden_reason(address)
        if reason:
            raise FetchError(
                f"refusing {url}: {parsed.host} is a {reason} address ({address}); "
                "use --allow-private only for sources you trust on your own network",
                url=url,
            )
    return parsed


def _resolve(host: str, port: int, url: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    with contextlib.suppress(ValueError):
        return [ipaddress.ip_address(host)]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            f"cannot resolve host {host} for {url} ({exc}); check the URL and your network", url=url
        ) from None
    # A link-local IPv6 answer may carry a scope ("fe80::1%eth0"): drop it before parsing.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


# ---------------------------------------------------------------- the fetcher


class Fetcher:
    """A polite HTTP client: one per run, shared by every reader so the per-host rate holds.

    `sleep` and `clock` exist so tests can watch the waiting without waiting.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        min_interval: float = 1.0,
        max_bytes: int = MAX_BYTES,
        max_seconds: float = MAX_SECONDS,
        max_retries: int = 3,
        max_redirects: int = 5,
        backoff: float = 1.0,
        max_retry_after: float = 30.0,
        timeout: httpx.Timeout | None = None,
        user_agent: str = USER_AGENT,
        proxy: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.allow_private = allow_private
        self.min_interval = min_interval
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.max_retries = max_retries
        self.max_redirects = max_redirects
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.proxy = proxy
        self._sleep = sleep
        self._clock = clock
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()
        try:
            self._client = httpx.Client(
                timeout=timeout or httpx.Timeout(30.0, connect=10.0),
                headers={"User-Agent": user_agent},
                follow_redirects=False,  # followed by hand, so each hop passes the guard
                trust_env=False,  # no proxy (nor anything else) from the environment: see the module's docstring
                proxy=proxy,
            )
        except (ValueError, ImportError) as exc:  # an unknown scheme; socks5:// without httpx's socks extra
            raise UsageError(f"proxy {proxy!r} cannot be used ({exc}); give http://HOST:PORT") from None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`; conditional when `etag`/`last_modified` are given. Raises `FetchError`."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain = [url]
        current = url
        while True:
            check_url(current, allow_private=self.allow_private)
            response, content = self._get(current, headers)
            status = response.status_code
            if status in REDIRECT_STATUSES and "location" in response.headers:
                target = str(response.url.join(response.headers["location"]))
                if target in chain:
                    hops = " → ".join([*chain[chain.index(target) :], target])
                    raise FetchError(
                        f"redirect loop at {url} ({hops}); the site is misconfigured, try later",
                        url=url,
                        status=status,
                    )
                if len(chain) > self.max_redirects:
                    raise FetchError(
                        f"{url} redirects more than {self.max_redirects} times; use the final address directly",
                        url=url,
                        status=status,
                    )
                chain.append(target)
                current = target
                continue
            found, not_modified = response.headers, status == 304
            if not (not_modified or 200 <= status < 300):
                raise FetchError(_status_message(current, status), url=current, status=status)
            return FetchResult(
                url=current,
                status=status,
                content=content,  # empty for 304: _get reads bodies of 2xx answers only
                headers=dict(found),
                # A 304 may omit the validators: the ones we sent still hold.
                etag=found.get("etag") or (etag if not_modified else None),
                last_modified=found.get("last-modified")
                or (last_modified if not_modified else None),
                not_modified=not_modified,
            )

    # -- one hop, with retries

    def _get(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        host = httpx.URL(url).host
        for attempt in range(self.max_retries + 1):
            last_try = attempt == self.max_retries
            self._wait_turn(host)
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    self._check_peer(response, url)
                    if response.status_code in RETRY_STATUSES and not last_try:
                        delay = self._retry_delay(response, attempt, url)
                        logger.debug(
                            "%s answered %s; retrying in %.1f s", url, response.status_code, delay
                        )
                        self._sleep(delay)
                        continue
                    if 200 <= response.status_code < 300:
                        return response, self._read_capped(response, url)
                    return response, b""
            except RETRY_ERRORS as exc:
                if last_try:
                    raise FetchError(
                        f"could not fetch {url} after {attempt + 1} attempts ({type(exc).__name__}: {exc}); "
                        "check the address or try again later",
                        url=url,
                    ) from None
                logger.debug("%s failed (%s); retrying", url, exc)
                self._sleep(self.backoff * 2**attempt)
            except httpx.HTTPError as exc:  # bad URL or protocol: another try would not help
                raise FetchError(
                    f"could not fetch {url} ({type(exc).__name__}: {exc}); check the address",
                    url=url,
                ) from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _check_peer(self, response: httpx.Response, url: str) -> None:
        """Refuse an answer from a forbidden address even if DNS said otherwise a moment ago.

        Through a proxy the address connected to is the proxy's: the check is the proxy's to make.
        """
        if self.allow_private or self.proxy:
            return
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if not peer:
            return  # a transport without sockets (tests' MockTransport): nothing was connected to
        ip = ipaddress.ip_address(peer[0])
        reason = forbidden_reason(ip)
        if reason:
            raise FetchError(
                f"refusing {url}: connected to {reason} address {ip} (the name resolved elsewhere a moment "
                "before: DNS rebinding?); use --allow-private only for sources you trust on your own network",
                url=url,
            )

    def _wait_turn(self, host: str) -> None:
        """Keep `min_interval` between requests to one host; reserve the slot, then sleep outside the lock."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.min_interval
        if slot > now:
            self._sleep(slot - now)

    def _retry_delay(self, response: httpx.Response, attempt: int, url: str) -> float:
        wait = _retry_after_seconds(response.headers.get("retry-after"))
        if wait is None:
            return self.backoff * 2**attempt
        if wait > self.max_retry_after:
            raise FetchError(
                f"{url} answered HTTP {response.status_code} and asks us to wait {wait:.0f} s; try again later",
                url=url,
                status=response.status_code,
            )
        return wait

    def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        too_big = f"{url} is larger than the {self.max_bytes:,}-byte limit; raise max_bytes if you trust the source"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(too_big, url=url, status=response.status_code)
        chunks, size = [], 0
        # Real time, not `self._clock`: that one is the rate limiter's and tests move it by hand.
        deadline = time.monotonic() + self.max_seconds
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(too_big, url=url, status=response.status_code)
            if time.monotonic() > deadline:
                raise FetchError(
                    f"{url} sent {size:,} bytes in {self.max_seconds:.0f} s and is still sending; "
                    "the server is too slow or stalling on purpose, try later",
                    url=url,
                    status=response.status_code,
                )
            chunks.append(chunk)
        return b"".join(chunks)


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now (it may be a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - utcnow()).total_seconds())


def _status_message(url: str, status: int) -> str:
    if status in RETRY_STATUSES:
        return f"{url} answered HTTP {status} on every attempt; the server is struggling, try again later"
    if status in (401, 403):
        return (
            f"{url} answered HTTP {status}: access denied; the page needs a login or blocks robots"
        )
    if status in (404, 410):
        return f"{url} answered HTTP {status}: not found; check the address"
    return f"{url} answered HTTP {status}; check the address"


@contextlib.contextmanager
def fetcher_for(fetcher: Fetcher | None, *, allow_private: bool, proxy: str | None = None) -> Iterator[Fetcher]:
    """Use the caller's fetcher (its own `allow_private` and proxy apply), or a new one closed afterwards."""
    if fetcher is not None:
        yield fetcher
        return
    with Fetcher(allow_private=allow_private, proxy=proxy) as own:
        yield own
