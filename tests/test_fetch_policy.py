"""Polling policy (Retry-After, backoff, outage), feed classification, resolver deadlines and per-feed
request options of the fetcher (newsmon/fetch.py, feed_health.py), over loopback servers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from time import monotonic
from urllib.parse import quote

import pytest
from test_fetch import LOOPBACK, fixed_resolver, get, requests_to, server  # noqa: F401 - server is a fixture

from newsmon.feed_health import is_network_outage, next_due
from newsmon.fetch import (
    FetchSettings,
    classify_feed_bytes,
    fetch_feeds,
    parse_retry_after,
)
from newsmon.records import FetchRequest, FetchResult
from tests.hostile_server import ETAG, FEED, HostileServer

# --- success, validators, headers -------------------------------------------------------------


def test_per_host_concurrency_never_exceeds_the_limit():
    settings = FetchSettings(allow_private_networks=True, per_host_concurrency=2, per_host_min_interval_s=0.0)
    with HostileServer(hosts=2) as srv:
        requests = [FetchRequest(f"f{i}", srv.url(f"/feed-delay?ms=100&i={i}", host=i % 2)) for i in range(16)]
        results = fetch_feeds(requests, settings)
        assert all(r.is_ok for r in results)
        assert max(srv.max_in_flight.values()) <= 2
        assert set(srv.max_in_flight) == {"127.0.0.1", "127.0.0.2"}


class CountingServer:
    """A loopback server (one address) that answers the feed after `delay_s` and records the peak number
    of requests in flight at the server and when each request arrived, whatever host name was used."""

    def __init__(self, address: str = "127.0.0.1", delay_s: float = 0.15) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        state = self
        self.lock, self.in_flight, self.peak, self.arrivals = threading.Lock(), 0, 0, []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                with state.lock:
                    state.in_flight += 1
                    state.peak = max(state.peak, state.in_flight)
                    state.arrivals.append(monotonic())
                try:
                    import time
                    time.sleep(delay_s)
                finally:
                    # Counted out before the answer is sent: once the client has it, it may start
                    # its next request, which could reach another server thread before this one
                    # got back here (a peak of 3 at a limit of 2 that the client never exceeded).
                    with state.lock:
                        state.in_flight -= 1
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(FEED)))
                self.end_headers()
                self.wfile.write(FEED)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_two_names_of_one_address_share_the_per_host_limit():
    """127.0.0.1 and localhost, and two made-up names resolving to 127.0.0.1: one server, one allowance."""
    srv = CountingServer()
    try:
        settings = FetchSettings(allow_private_networks=True, per_host_concurrency=2, per_host_min_interval_s=0.0)
        names = ["127.0.0.1", "localhost", "a.example.test", "b.example.test"]
        resolver = fixed_resolver({"localhost": ["::1", "127.0.0.1"], "a.example.test": ["127.0.0.1"],
                                   "b.example.test": ["::ffff:127.0.0.1"]})
        requests = [FetchRequest(f"f{i}", f"http://{names[i % 4]}:{srv.port}/feed?i={i}") for i in range(16)]
        results = fetch_feeds(requests, settings, resolver=resolver)
        assert all(r.is_ok for r in results), [r.error_message for r in results if not r.is_ok]
        assert srv.peak == 2  # four names, one server: never more than the per-host limit at once
    finally:
        srv.close()


def test_two_names_of_one_address_share_the_interval_between_starts():
    srv = CountingServer(delay_s=0.0)
    try:
        settings = FetchSettings(allow_private_networks=True, per_host_concurrency=4, per_host_min_interval_s=0.2)
        resolver = fixed_resolver({"a.example.test": ["127.0.0.1"], "b.example.test": ["127.0.0.1"]})
        requests = [FetchRequest(f"f{i}", f"http://{'ab'[i % 2]}.example.test:{srv.port}/feed?i={i}") for i in range(4)]
        assert all(r.is_ok for r in fetch_feeds(requests, settings, resolver=resolver))
        gaps = [b - a for a, b in zip(srv.arrivals, srv.arrivals[1:])]
        assert min(gaps) >= 0.15, gaps  # not two names each starting at once
    finally:
        srv.close()


def test_distinct_addresses_keep_their_own_allowance():
    first, second = CountingServer("127.0.0.1"), CountingServer("127.0.0.2")
    try:
        settings = FetchSettings(allow_private_networks=True, per_host_concurrency=2, per_host_min_interval_s=0.0)
        requests = [FetchRequest(f"f{i}", f"http://127.0.0.{1 + i % 2}:{(first, second)[i % 2].port}/feed?i={i}")
                    for i in range(8)]
        started = monotonic()
        assert all(r.is_ok for r in fetch_feeds(requests, settings))
        assert first.peak == second.peak == 2
        assert monotonic() - started < 4 * 0.15 * 2  # two hosts in parallel, not one after the other
    finally:
        first.close()
        second.close()


NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0), ("Thu, 01 Jan 2026 12:02:00 GMT", 120.0), ("Wed, 31 Dec 2025 12:00:00 GMT", 0.0),
    ("soon", None), ("", None), (None, None), ("1000000000", 3600.0), ("-5", None),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW, cap_s=3600) == expected


def test_next_due_backs_off_exponentially_with_cap_and_stable_jitter():
    base = 1800.0
    delays = [(next_due(NOW, n, "timeout", None, base, "feed-a") - NOW).total_seconds() for n in range(1, 12)]
    assert delays == sorted(delays) and delays[0] <= base and delays[-1] <= 24 * 3600
    assert delays[-1] >= 0.9 * 24 * 3600  # capped, never given up
    assert next_due(NOW, 3, "timeout", None, base, "feed-a") == next_due(NOW, 3, "timeout", None, base, "feed-a")
    assert next_due(NOW, 3, "timeout", None, base, "feed-a") != next_due(NOW, 3, "timeout", None, base, "feed-b")


def test_next_due_hard_errors_back_off_faster_than_temporary_ones():
    soft = next_due(NOW, 2, "http_5xx", None, 1800, "f", http_status=503)
    hard = next_due(NOW, 2, "http_4xx", None, 1800, "f", http_status=404)
    assert hard > soft > NOW
    assert next_due(NOW, 2, "dns", None, 1800, "f") == hard


def test_next_due_honours_retry_after_and_success_uses_base():
    assert next_due(NOW, 1, "rate_limited", 7200, 600, "f") >= NOW + timedelta(seconds=7200)
    ok = next_due(NOW, 0, None, None, 600, "f")
    assert NOW + timedelta(seconds=540) <= ok <= NOW + timedelta(seconds=600)


def result(error_class: str | None, status: int | None = None) -> FetchResult:
    return FetchResult(feed_id="f", url="http://x.test/", fetched_at=NOW, error_class=error_class,
                       http_status=status)


def test_is_network_outage():
    assert is_network_outage([result("dns")] * 9 + [result("timeout")])
    assert not is_network_outage([result("dns")] * 5 + [result(None, 200)] * 5)
    assert not is_network_outage([result("http_5xx", 503)] * 10)  # the network works; servers fail
    assert not is_network_outage([result("dns")])  # one feed cannot tell
    assert not is_network_outage([])


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    (FEED, "text/html", None),  # content types lie
    (b'<?xml version="1.0"?>\n<!-- c --><feed xmlns="http://www.w3.org/2005/Atom"/>', None, None),
    (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>', "application/xml", None),
    ("\ufeff<?xml version='1.0' encoding='utf-16'?><rss/>".encode("utf-16"), "text/xml", None),
    (b"<!DOCTYPE html>\n<html><body>hi</body></html>", "application/rss+xml", "not_a_feed"),
    (b'<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><html/>', None, "not_a_feed"),
    (b"<html><title>Just a moment...</title></html>", "text/html", "blocked"),
    (b"   ", "application/rss+xml", "not_a_feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1"}', "application/feed+json", None),
])
def test_classify_feed_bytes(body, content_type, expected):
    assert classify_feed_bytes(body, content_type) == expected


def test_slow_resolver_is_a_connect_timeout_not_the_total_deadline():
    async def slow(host: str, port: int) -> list[str]:
        await asyncio.sleep(5)
        return ["8.8.8.8"]
    settings = FetchSettings(connect_timeout_s=0.2, total_timeout_s=3)
    result = fetch_feeds([FetchRequest("f", "http://slow-dns.example.test/feed")], settings, resolver=slow)[0]
    assert result.error_class == "timeout"


# --- per-feed User-Agent and headers (registry options) --------------------------------------


def test_feed_user_agent_and_headers_are_sent_on_every_hop():
    agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    with HostileServer(hosts=2) as srv:
        target = quote(srv.url("/redirect/1", host=1))
        result = get(srv.url(f"/redirect-to?url={target}"), user_agent=agent,
                     headers=(("Accept-Language", "ru"), ("X-Feed", "a;b")))
        assert result.is_ok and result.content == FEED
        assert [r.path for r in srv.requests] == [f"/redirect-to?url={target}", "/redirect/1", "/feed"]
        for recorded in srv.requests:
            headers = {k.lower(): v for k, v in recorded.headers.items()}
            assert headers["user-agent"] == agent
            assert headers["accept-language"] == "ru" and headers["x-feed"] == "a;b"
            assert headers["accept-encoding"] == "gzip, deflate"


def test_feed_headers_cannot_replace_what_the_fetcher_owns_or_break_the_line(server):
    get(server.url("/feed?owned"), etag=ETAG, headers=(
        ("Accept-Encoding", "br"), ("Host", "evil.test"), ("If-None-Match", '"other"'), ("Cookie", "a=1"),
        ("X-Ok", "yes"), ("X-Bad", "v\r\nX-Evil: 1"), ("Bad Name", "x"),
    ), user_agent="bad\r\nX-Evil: 2")
    headers = {k.lower(): v for k, v in requests_to(server, "/feed?owned")[-1].headers.items()}
    assert headers["accept-encoding"] == "gzip, deflate" and headers["if-none-match"] == ETAG
    assert headers["host"].startswith("127.0.0.1") and "cookie" not in headers
    assert headers["x-ok"] == "yes" and "x-bad" not in headers and "x-evil" not in headers
    assert headers["user-agent"].startswith("newsmon/")
