"""Fetching, pages and feeds, against a local HTTP server on 127.0.0.1 (no outside network)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from recruitwatch.sources import SourceError, reader_for
from recruitwatch.sources import fetch as fetch_module
from recruitwatch.sources.feeds import FeedState, read_feed
from recruitwatch.sources.fetch import USER_AGENT, Fetcher, FetchError, check_url, forbidden_reason
from recruitwatch.sources.pages import read_page

Route = Callable[[BaseHTTPRequestHandler], None]


def send(
    handler: BaseHTTPRequestHandler,
    status: int = 200,
    body: bytes = b"",
    headers: dict | None = None,
) -> None:
    handler.send_response(status)
    headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    headers.setdefault("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


class LocalServer:
    """An http.server in a thread; tests set `routes` and read `requests`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                try:
                    if route is None:
                        send(self, 404, b"<html><body>not found</body></html>")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (size cap): expected

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for seen, _ in self.requests if seen == path)


@pytest.fixture(scope="module")
def running_server():
    server = LocalServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def server(running_server: LocalServer) -> LocalServer:
    running_server.routes.clear()
    running_server.requests.clear()
    return running_server


@pytest.fixture
def fetcher():
    with Fetcher(allow_private=True, min_interval=0, backoff=0) as client:
        yield client


def page(body: bytes, status: int = 200, **headers: str) -> Route:
    return lambda handler: send(
        handler, status, body, {k.replace("_", "-"): v for k, v in headers.items()}
    )


def redirect(target: str, status: int = 302) -> Route:
    return lambda handler: send(handler, status, b"", {"Location": target})


ARTICLE = b"""<!doctype html><html><head><title>Migrant sent to the front | Example News</title>
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-04-18T10:00:00Z">
<meta property="og:title" content="Migrant sent to the front">
</head><body><article><h1>Migrant sent to the front</h1>
<p>A construction worker detained in a raid signed a contract and was sent to the front.</p>
</article></body></html>"""


# ---------------------------------------------------------------- the address guard


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:8080/",
        "http://0.0.0.0/",
        "http://192.168.1.1/",
        "http://224.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
    ],
)
def test_guard_refuses_private_addresses(url: str) -> None:
    with Fetcher(min_interval=0) as client, pytest.raises(FetchError) as caught:
        client.fetch(url)
    message = str(caught.value)
    assert message.startswith("refusing") and "--allow-private" in message and "\n" not in message


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/", "not a url"]
)
def test_guard_refuses_other_schemes_even_when_private_allowed(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https|not a valid URL|no host"):
        check_url(url, allow_private=True)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_guard_lets_public_addresses_through(address: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) is None


def test_guard_names_the_kind_of_address() -> None:
    assert forbidden_reason(ipaddress.ip_address("127.0.0.1")) == "loopback"
    assert forbidden_reason(ipaddress.ip_address("169.254.169.254")) == "link-local"
    assert forbidden_reason(ipaddress.ip_address("10.0.0.1")) == "private"
    assert forbidden_reason(ipaddress.ip_address("::")) == "unspecified"


def test_readers_refuse_local_addresses_by_default(server: LocalServer) -> None:
    server.routes["/a1"] = page(ARTICLE)
    with pytest.raises(SourceError, match="loopback"):
        list(read_page(server.url("/a1")))
    assert server.hits("/a1") == 0


def test_every_redirect_hop_is_checked(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend 127.0.0.1 is a public site, and 127.0.0.2 the private network behind it.
    real = forbidden_reason
    monkeypatch.setattr(
        fetch_module, "forbidden_reason", lambda ip: None if str(ip) == "127.0.0.1" else real(ip)
    )
    port = server.httpd.server_address[1]
    server.routes["/in"] = redirect(f"http://127.0.0.2:{port}/admin")
    server.routes["/file"] = redirect("file:///etc/passwd")
    with Fetcher(min_interval=0) as client:
        with pytest.raises(FetchError, match="refusing http://127.0.0.2"):
            client.fetch(server.url("/in"))
        with pytest.raises(FetchError, match="only http and https"):
            client.fetch(server.url("/file"))
    assert server.hits("/admin") == 0


# ---------------------------------------------------------------- fetching


def test_fetch_returns_bytes_headers_and_sends_user_agent(
    server: LocalServer, fetcher: Fetcher
) -> None:
    server.routes["/a1"] = page(
        ARTICLE, ETag='"abc"', Last_Modified="Wed, 17 Apr 2024 08:00:00 GMT"
    )
    result = fetcher.fetch(server.url("/a1"))
    assert (result.status, result.content, result.not_modified) == (200, ARTICLE, False)
    assert result.etag == '"abc"' and result.last_modified == "Wed, 17 Apr 2024 08:00:00 GMT"
    assert result.media_type == "text/html"
    assert result.fetched_at.tzinfo is not None
    assert server.requests[0][1]["User-Agent"] == USER_AGENT


def conditional(handler: BaseHTTPRequestHandler) -> None:
    fresh = handler.headers.get("If-None-Match") == '"v1"' or (
        handler.headers.get("If-Modified-Since") == "Wed, 17 Apr 2024 08:00:00 GMT"
    )
    if fresh:
        send(handler, 304, b"", {"ETag": '"v1"', "Content-Length": "0"})
    else:
        send(
            handler,
            200,
            ARTICLE,
            {"ETag": '"v1"', "Last-Modified": "Wed, 17 Apr 2024 08:00:00 GMT"},
        )


def test_conditional_get_reports_not_modified(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/c"] = conditional
    first = fetcher.fetch(server.url("/c"))
    assert not first.not_modified and first.etag == '"v1"'
    by_etag = fetcher.fetch(server.url("/c"), etag=first.etag)
    assert by_etag.not_modified and by_etag.status == 304 and by_etag.content == b""
    assert by_etag.etag == '"v1"'
    by_date = fetcher.fetch(server.url("/c"), last_modified=first.last_modified)
    assert by_date.not_modified and by_date.last_modified == first.last_modified
    assert server.requests[1][1]["If-None-Match"] == '"v1"'


def test_size_cap_by_declared_length(server: LocalServer) -> None:
    server.routes["/big"] = page(b"x" * 5000)
    client = Fetcher(allow_private=True, min_interval=0, max_bytes=1000)
    with client, pytest.raises(FetchError, match="larger than the 1,000-byte limit"):
        client.fetch(server.url("/big"))


def endless(handler: BaseHTTPRequestHandler) -> None:
    # No Content-Length, HTTP/1.0: the body runs until the server closes (here: 200 MB).
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    for _ in range(200 * 16):
        handler.wfile.write(b"y" * 65536)


def test_size_cap_stops_a_stream_early(server: LocalServer) -> None:
    server.routes["/endless"] = endless
    started = time.monotonic()
    client = Fetcher(allow_private=True, min_interval=0, max_bytes=100_000)
    with client, pytest.raises(FetchError, match="larger than the 100,000-byte limit"):
        client.fetch(server.url("/endless"))
    assert time.monotonic() - started < 5


def test_redirects_are_followed_to_the_final_url(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/old"] = redirect("/older", 301)
    server.routes["/older"] = redirect(server.url("/a1"), 308)
    server.routes["/a1"] = page(ARTICLE)
    result = fetcher.fetch(server.url("/old"))
    assert result.url == server.url("/a1") and result.content == ARTICLE


def test_redirect_loop_stops_with_a_clear_error(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/loop-a"] = redirect("/loop-b")
    server.routes["/loop-b"] = redirect("/loop-a")
    with pytest.raises(FetchError, match="redirect loop") as caught:
        fetcher.fetch(server.url("/loop-a"))
    assert "/loop-a → " in str(caught.value) and "\n" not in str(caught.value)
    assert server.hits("/loop-a") == 1 and server.hits("/loop-b") == 1


def test_too_many_redirects(server: LocalServer, fetcher: Fetcher) -> None:
    for hop in range(10):
        server.routes[f"/hop{hop}"] = redirect(f"/hop{hop + 1}")
    server.routes["/hop5"] = page(b"five hops")
    assert fetcher.fetch(server.url("/hop0")).content == b"five hops"  # exactly 5: fine
    server.routes["/hop5"] = redirect("/hop6")
    with pytest.raises(FetchError, match="more than 5 times"):
        fetcher.fetch(server.url("/hop0"))


def flaky(failures: int, status: int = 503, retry_after: str | None = None) -> Route:
    left = [failures]

    def route(handler: BaseHTTPRequestHandler) -> None:
        if left[0] > 0:
            left[0] -= 1
            send(handler, status, b"busy", {"Retry-After": retry_after} if retry_after else {})
        else:
            send(handler, 200, b"finally")

    return route


def recording_fetcher(**options) -> tuple[Fetcher, list[float]]:
    sleeps: list[float] = []
    options = {"allow_private": True, "min_interval": 0, **options}
    return Fetcher(sleep=sleeps.append, **options), sleeps


def test_retries_with_exponential_backoff_on_5xx(server: LocalServer) -> None:
    server.routes["/flaky"] = flaky(2)
    client, sleeps = recording_fetcher(backoff=1.0)
    with client:
        assert client.fetch(server.url("/flaky")).content == b"finally"
    assert sleeps == [1.0, 2.0] and server.hits("/flaky") == 3


def test_gives_up_after_three_retries(server: LocalServer) -> None:
    server.routes["/down"] = flaky(99)
    client, sleeps = recording_fetcher(backoff=0.5)
    with (
        client,
        pytest.raises(FetchError, match="HTTP 503 on every attempt; .*try again later") as caught,
    ):
        client.fetch(server.url("/down"))
    assert caught.value.status == 503
    assert sleeps == [0.5, 1.0, 2.0] and server.hits("/down") == 4


def test_honours_a_short_retry_after_and_refuses_a_long_one(server: LocalServer) -> None:
    server.routes["/slow-down"] = flaky(1, status=429, retry_after="2")
    server.routes["/come-back-tomorrow"] = flaky(1, status=429, retry_after="86400")
    client, sleeps = recording_fetcher()
    with client:
        assert client.fetch(server.url("/slow-down")).content == b"finally"
        assert sleeps == [2.0]
        with pytest.raises(FetchError, match="wait 86400 s"):
            client.fetch(server.url("/come-back-tomorrow"))
    assert server.hits("/come-back-tomorrow") == 1


def test_retries_connection_errors() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client, sleeps = recording_fetcher(backoff=1.0)
    with client, pytest.raises(FetchError, match="after 4 attempts .*ConnectError"):
        client.fetch(f"http://127.0.0.1:{port}/")
    assert sleeps == [1.0, 2.0, 4.0]


def test_http_errors_are_not_retried(server: LocalServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="HTTP 404: not found") as caught:
        fetcher.fetch(server.url("/missing"))
    assert caught.value.status == 404 and server.hits("/missing") == 1


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rate_limit_is_per_host(server: LocalServer) -> None:
    server.routes["/a1"] = page(ARTICLE)
    fake = FakeTime()
    port = server.httpd.server_address[1]
    with Fetcher(
        allow_private=True, min_interval=1.5, sleep=fake.sleep, clock=fake.clock
    ) as client:
        for _ in range(3):
            client.fetch(server.url("/a1"))
        client.fetch(f"http://localhost:{port}/a1")  # another host: no wait
    assert fake.sleeps == [1.5, 1.5]


def test_rate_limit_really_waits(server: LocalServer) -> None:
    server.routes["/a1"] = page(ARTICLE)
    with Fetcher(allow_private=True, min_interval=0.25) as client:
        started = time.monotonic()
        client.fetch(server.url("/a1"))
        client.fetch(server.url("/a1"))
        assert time.monotonic() - started >= 0.25


# ---------------------------------------------------------------- pages


def test_page_yields_one_item_with_metadata(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/a1"] = page(ARTICLE)
    server.routes["/short"] = redirect("/a1")
    (item,) = read_page(server.url("/short"), fetcher=fetcher)
    assert item.source_kind == "page" and item.locator == server.url("/a1")
    assert item.raw == ARTICLE and item.text is None and item.media_type == "text/html"
    assert item.title == "Migrant sent to the front"
    assert item.published == dt.date(2024, 4, 18) and item.author == "Jane Roe"
    assert item.meta["requested_url"] == server.url("/short") and item.meta["http_status"] == 200


def test_plain_text_page_has_no_html_metadata(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/notice.txt"] = page(
        "Сообщение о вербовке".encode(), Content_Type="text/plain; charset=utf-8"
    )
    (item,) = read_page(server.url("/notice.txt"), fetcher=fetcher)
    assert item.media_type == "text/plain" and item.title is None
    assert item.meta["content_type"] == "text/plain; charset=utf-8"


def test_page_reader_makes_its_own_fetcher(server: LocalServer) -> None:
    server.routes["/a1"] = page(ARTICLE)
    (item,) = reader_for("page")(server.url("/a1"), allow_private=True)
    assert item.raw == ARTICLE


def test_missing_page_raises_source_error(server: LocalServer, fetcher: Fetcher) -> None:
    with pytest.raises(SourceError, match="404"):
        list(read_page(server.url("/gone"), fetcher=fetcher))


# ---------------------------------------------------------------- feeds


def rss(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example News</title><link>{base}/</link><description>News</description>
<item><title>Entry one</title><link>{base}/a1</link><guid isPermaLink="false">id-1</guid>
  <pubDate>Mon, 15 Apr 2024 08:00:00 GMT</pubDate><description>Summary one</description></item>
<item><title>Entry two</title><link>{base}/a2</link><guid isPermaLink="false">id-2</guid>
  <pubDate>Tue, 16 Apr 2024 08:00:00 GMT</pubDate>
  <description>&lt;p&gt;Summary &lt;b&gt;two&lt;/b&gt; &amp;amp; more&lt;/p&gt;&lt;p&gt;Second paragraph&lt;/p&gt;</description></item>
<item><title>Entry three</title><link>{base}/a3</link><guid isPermaLink="false">id-3</guid>
  <pubDate>Wed, 17 Apr 2024 08:00:00 GMT</pubDate><author>desk@example.org (News Desk)</author>
  <description>Summary three</description></item>
</channel></rss>""".encode()


@pytest.fixture
def news_site(server: LocalServer) -> LocalServer:
    body = rss(server.url(""))

    def feed(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == '"feed-v1"':
            send(handler, 304, b"", {"ETag": '"feed-v1"'})
        else:
            send(
                handler,
                200,
                body,
                {
                    "Content-Type": "application/rss+xml",
                    "ETag": '"feed-v1"',
                    "Last-Modified": "Wed, 17 Apr 2024 09:00:00 GMT",
                },
            )

    server.routes["/feed.xml"] = feed
    server.routes["/a1"] = page(ARTICLE)
    # /a2 is missing (404)
    server.routes["/a3"] = page(b"Plain report three.", Content_Type="text/plain")
    return server


def test_feed_yields_each_article_and_keeps_a_failed_one(
    news_site: LocalServer, fetcher: Fetcher
) -> None:
    state = FeedState()
    items = list(read_feed(news_site.url("/feed.xml"), fetcher=fetcher, state=state))
    assert [item.locator for item in items] == [news_site.url(p) for p in ("/a1", "/a2", "/a3")]
    one, two, three = items
    assert {item.source_kind for item in items} == {"feed"}

    assert one.raw == ARTICLE and one.title == "Migrant sent to the front"  # the page's own
    assert one.published == dt.date(2024, 4, 18) and "error" not in one.meta

    assert "404" in two.meta["error"] and two.text == "Summary two & more\nSecond paragraph"
    assert two.title == "Entry two" and two.published == dt.date(2024, 4, 16)

    assert three.raw == b"Plain report three." and three.title == "Entry three"  # from the entry
    assert three.published == dt.date(2024, 4, 17) and three.author

    for number, item in enumerate(items, start=1):
        assert item.meta["feed_url"] == news_site.url("/feed.xml")
        assert item.meta["entry_id"] == f"id-{number}"
        assert item.meta["feed_etag"] == '"feed-v1"'
        assert item.meta["feed_last_modified"] == "Wed, 17 Apr 2024 09:00:00 GMT"
    assert (state.entries, state.errors, state.not_modified) == (3, 1, False)
    assert state.etag == '"feed-v1"' and state.title == "Example News"


def test_unchanged_feed_yields_nothing_and_says_so(
    news_site: LocalServer, fetcher: Fetcher
) -> None:
    state = FeedState()
    items = list(
        read_feed(news_site.url("/feed.xml"), fetcher=fetcher, etag='"feed-v1"', state=state)
    )
    assert items == [] and state.not_modified and state.etag == '"feed-v1"'
    assert [path for path, _ in news_site.requests] == ["/feed.xml"]  # no article fetched


def test_feed_without_article_fetching_delivers_entries(
    news_site: LocalServer, fetcher: Fetcher
) -> None:
    items = list(read_feed(news_site.url("/feed.xml"), fetcher=fetcher, fetch_articles=False))
    assert [item.text for item in items] == [
        "Summary one",
        "Summary two & more\nSecond paragraph",
        "Summary three",
    ]
    assert all("error" not in item.meta for item in items)
    assert news_site.hits("/a1") == 0


def test_articles_share_the_feed_fetchers_rate_limit(news_site: LocalServer) -> None:
    fake = FakeTime()
    with Fetcher(
        allow_private=True, min_interval=1.0, sleep=fake.sleep, clock=fake.clock
    ) as client:
        assert len(list(read_feed(news_site.url("/feed.xml"), fetcher=client))) == 3
    assert fake.sleeps == [1.0, 1.0, 1.0]  # feed + 3 articles on one host


def test_atom_feed_with_relative_links(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/atom"] = page(
        b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title><id>urn:x</id>
<updated>2024-04-18T00:00:00Z</updated>
<entry><title>Relative</title><link href="/a1"/><id>urn:1</id><updated>2024-04-18T00:00:00Z</updated>
<summary>s</summary></entry></feed>""",
        Content_Type="application/atom+xml",
    )
    server.routes["/a1"] = page(ARTICLE)
    (item,) = read_feed(server.url("/atom"), fetcher=fetcher)
    assert (
        item.locator == server.url("/a1")
        and item.raw == ARTICLE
        and item.meta["entry_id"] == "urn:1"
    )


def test_a_public_feed_cannot_point_us_at_private_addresses(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = forbidden_reason
    monkeypatch.setattr(
        fetch_module, "forbidden_reason", lambda ip: None if str(ip) == "127.0.0.1" else real(ip)
    )
    server.routes["/feed"] = page(
        b"""<rss version="2.0"><channel><title>t</title>
<item><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link><description>bait</description></item>
</channel></rss>""",
        Content_Type="application/rss+xml",
    )
    with Fetcher(min_interval=0) as client:
        (item,) = read_feed(server.url("/feed"), fetcher=client)
    assert item.meta["error"].startswith("refusing") and item.text == "bait"


def test_a_name_that_resolves_to_a_private_address_on_connect_is_refused(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the guard's lookup says public, the connection lands on loopback."""
    monkeypatch.setattr(fetch_module, "_resolve", lambda host, port, url: [ipaddress.ip_address("93.184.216.34")])
    server.routes["/secret"] = page(b"<html><body>internal</body></html>")
    with Fetcher(min_interval=0, max_retries=0) as client, pytest.raises(FetchError) as caught:
        client.fetch(server.url("/secret"))
    assert "DNS rebinding" in str(caught.value) and "127.0.0.1" in str(caught.value)


def test_a_page_that_is_not_a_feed_raises(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/home"] = page(b"<html><body><p>Welcome <b>home</p></body>")
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        list(read_feed(server.url("/home"), fetcher=fetcher))


def test_an_entry_without_link_is_delivered_as_it_is(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/notices"] = page(
        b"""<rss version="2.0"><channel><title>Notices</title>
<item><guid isPermaLink="false">n-1</guid><description>Notice text only</description></item>
</channel></rss>""",
        Content_Type="application/rss+xml",
    )
    (item,) = read_feed(server.url("/notices"), fetcher=fetcher)
    assert item.locator == server.url("/notices") + "#n-1"
    assert item.text == "Notice text only" and "error" not in item.meta


# ---------------------------------------------------------------- proxies


@pytest.fixture
def proxy():
    """A stand-in HTTP proxy on 127.0.0.1: a proxy is asked for absolute URLs, and answers itself."""
    proxy = LocalServer()
    yield proxy
    proxy.httpd.shutdown()
    proxy.httpd.server_close()


FROM_PROXY = b"<html><body>from the proxy</body></html>"


def test_proxy_variables_in_the_environment_are_ignored(
    server: LocalServer, proxy: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a proxy the guard would check the proxy's address, not the target's: never implicitly."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, proxy.url(""))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    server.routes["/a1"] = page(ARTICLE)
    proxy.routes[server.url("/a1")] = page(FROM_PROXY)
    with Fetcher(allow_private=True, min_interval=0) as client:
        assert client.fetch(server.url("/a1")).content == ARTICLE
    assert server.hits("/a1") == 1 and proxy.requests == []


def test_an_explicit_proxy_carries_the_request_and_the_guard_still_checks_the_target(
    proxy: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    addresses = {"news.example": "93.184.216.34", "intranet.example": "10.0.0.7"}
    monkeypatch.setattr(fetch_module, "_resolve", lambda host, port, url: [ipaddress.ip_address(addresses[host])])
    proxy.routes["http://news.example/story"] = page(FROM_PROXY)
    with Fetcher(min_interval=0, max_retries=0, proxy=proxy.url("")) as client:
        # The connection is the proxy's, on loopback: that is not held against the public target.
        assert client.fetch("http://news.example/story").content == FROM_PROXY
        with pytest.raises(FetchError, match="refusing http://intranet.example/.*private"):
            client.fetch("http://intranet.example/admin")
    assert [path for path, _ in proxy.requests] == ["http://news.example/story"]


def test_an_unusable_proxy_is_a_usage_error() -> None:
    from recruitwatch.errors import UsageError

    with pytest.raises(UsageError, match="proxy 'ftp://example.org:21' cannot be used"):
        Fetcher(proxy="ftp://example.org:21")
