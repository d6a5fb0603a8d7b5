"""fetch.py against a real, misbehaving loopback server (tests/hostile_server.py).

Each scenario asserts the expectation of RELIABILITY.md (A6-A8, A24-A27, F1-F10, F24, F27).
Time bounds are generous ("well under 3x the deadline"), never tight.
"""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from time import monotonic
from urllib.parse import quote

import pytest

from newsmon.fetch import (
    FetchSettings,
    fetch_feed,
    fetch_feeds,
)
from newsmon.netguard import DnsError, is_public_address
from newsmon.records import FetchRequest, FetchResult
from tests.hostile_server import ETAG, FEED, LAST_MODIFIED, HostileServer

LOOPBACK = FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0)


@pytest.fixture(scope="module")
def server():
    with HostileServer(hosts=2) as srv:
        yield srv


def get(url: str, settings: FetchSettings = LOOPBACK, **request) -> FetchResult:
    return fetch_feed(FetchRequest(feed_id="f", url=url, **request), settings)


def requests_to(server: HostileServer, path: str) -> list:
    return [r for r in server.requests if r.path == path]


# --- success, validators, headers -------------------------------------------------------------


def test_plain_feed_returns_bytes_validators_and_hash(server):
    result = get(server.url("/feed"))
    assert result.is_ok and result.http_status == 200
    assert result.content == FEED and result.bytes == len(FEED)
    assert result.etag == ETAG and result.last_modified == LAST_MODIFIED
    assert result.body_hash == hashlib.sha256(FEED).hexdigest()
    assert result.final_url == server.url("/feed")


def test_request_headers_name_the_product_and_cap_encodings(server):
    get(server.url("/feed?headers"))
    headers = {k.lower(): v for k, v in requests_to(server, "/feed?headers")[-1].headers.items()}
    assert headers["user-agent"].startswith("newsmon/") and "+https://" in headers["user-agent"]
    assert headers["accept"].startswith("application/rss+xml")
    assert headers["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in headers and "cookie" not in headers


def test_etag_round_trip_sends_exact_validators_and_304_is_success(server):
    first = get(server.url("/feed?etag"))
    second = get(server.url("/feed?etag"), etag=first.etag, last_modified=first.last_modified,
                 body_hash=first.body_hash)
    sent = requests_to(server, "/feed?etag")[-1].headers
    assert sent["If-None-Match"] == ETAG and sent["If-Modified-Since"] == LAST_MODIFIED
    assert second.http_status == 304 and second.error_class is None and second.is_not_modified
    assert second.content is None
    assert second.etag == ETAG and second.last_modified == LAST_MODIFIED


def test_304s_and_redirects_keep_the_connection_for_the_next_feed():
    # A re-run of many feeds of one site is mostly 304s: each must leave its connection reusable
    # (its empty body read to the end), as must a redirect's short body.
    with HostileServer(hosts=1) as srv:
        one_at_a_time = replace(LOOPBACK, concurrency=1, per_host_concurrency=1)
        requests = [FetchRequest(feed_id=f"f{i}", url=srv.url(f"/feed?n={i}"), etag=ETAG) for i in range(5)]
        results = fetch_feeds([*requests, FetchRequest(feed_id="moved", url=srv.url("/redirect/2"))], one_at_a_time)
        assert [r.http_status for r in results] == [304] * 5 + [200]
        assert len(srv.requests) == 8 and srv.connections() == 1


def test_last_modified_alone_gives_304(server):
    result = get(server.url("/feed"), last_modified=LAST_MODIFIED)
    assert result.http_status == 304 and result.is_ok


def test_same_body_twice_has_the_same_hash(server):
    a, b = get(server.url("/feed")), get(server.url("/feed"))
    assert a.body_hash == b.body_hash is not None


def test_validator_with_line_break_is_not_sent(server):
    get(server.url("/feed?inject"), etag='"x"\r\nX-Evil: 1')
    assert "X-Evil" not in requests_to(server, "/feed?inject")[-1].headers


@pytest.mark.parametrize("path", ["/gzip", "/deflate"])
def test_compressed_feed_is_decoded(server, path):
    result = get(server.url(path))
    assert result.is_ok and result.content == FEED
    assert result.body_hash == hashlib.sha256(FEED).hexdigest()


# --- HTTP errors and throttling --------------------------------------------------------------


@pytest.mark.parametrize(("code", "error_class"), [(404, "http_4xx"), (410, "http_4xx"), (500, "http_5xx")])
def test_http_errors_are_classified_with_status(server, code, error_class):
    result = get(server.url(f"/status/{code}"))
    assert result.error_class == error_class and result.http_status == code and result.content is None
    assert result.etag is None


def test_503_with_retry_after_reports_the_delay(server):
    result = get(server.url("/retry/503?after=120"))
    assert result.error_class == "http_5xx" and result.http_status == 503 and result.retry_after_s == 120


def test_429_seconds_then_host_is_not_asked_again_in_this_run(server):
    urls = [server.url("/retry/429?after=60"), server.url("/feed?after-429")]
    settings = FetchSettings(allow_private_networks=True, per_host_concurrency=1)
    throttled, skipped = fetch_feeds([FetchRequest("a", urls[0]), FetchRequest("b", urls[1])], settings)
    assert throttled.error_class == "rate_limited" and throttled.http_status == 429
    assert throttled.retry_after_s == 60
    assert skipped.error_class == "rate_limited" and 0 < skipped.retry_after_s <= 60
    assert requests_to(server, "/feed?after-429") == []


def test_429_http_date_is_converted_and_capped(server):
    when = (datetime.now(UTC) + timedelta(days=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    result = get(server.url("/retry/429?after=" + quote(when)))
    assert result.error_class == "rate_limited"
    assert result.retry_after_s == LOOPBACK.retry_after_cap_s


def test_cloudflare_challenge_is_blocked(server):
    result = get(server.url("/cf-challenge"))
    assert result.error_class == "blocked" and result.http_status == 403


def test_html_page_is_not_a_feed(server):
    result = get(server.url("/html"))
    assert result.error_class == "not_a_feed" and result.http_status == 200
    assert result.content is None and result.etag is None  # validators must not advance


# --- slow, truncated, oversized --------------------------------------------------------------


def test_slow_headers_hit_the_read_timeout(server):
    settings = FetchSettings(allow_private_networks=True, read_timeout_s=0.3, total_timeout_s=5)
    started = monotonic()
    result = get(server.url("/slow-headers?s=3"), settings)
    assert result.error_class == "timeout"
    assert monotonic() - started < 3 * settings.total_timeout_s


def test_slow_drip_body_hits_the_total_deadline(server):
    settings = FetchSettings(allow_private_networks=True, read_timeout_s=5, total_timeout_s=1.0)
    started = monotonic()
    result = get(server.url("/drip?interval=0.1"), settings)
    assert result.error_class == "timeout_total" and result.content is None
    assert monotonic() - started < 3 * settings.total_timeout_s


@pytest.mark.parametrize("path", ["/lying-length", "/reset", "/gzip-truncated"])
def test_cut_short_body_is_an_error(server, path):
    result = get(server.url(path))
    assert result.error_class == "truncated" and result.content is None and result.etag is None


def test_content_length_shorter_than_body_caps_bytes_read(server):
    result = get(server.url("/short-length"))
    assert result.bytes <= 100


def test_huge_body_stops_at_the_cap(server):
    result = get(server.url("/huge?mb=20"), FetchSettings(allow_private_networks=True, max_bytes=1024 * 1024))
    assert result.error_class == "too_large" and result.content is None


def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(server):
    cap = 1024 * 1024
    tracemalloc.start()
    try:
        result = get(server.url("/bomb?mb=200"), FetchSettings(allow_private_networks=True, max_bytes=cap))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error_class == "too_large"
    assert peak < 20 * cap  # 200 MB decoded if it were not bounded


# --- redirects -------------------------------------------------------------------------------


def test_redirect_chain_within_limit_is_followed(server):
    result = get(server.url("/redirect/3"))
    assert result.is_ok and result.content == FEED and result.final_url == server.url("/feed")


def test_relative_and_cross_host_redirect(server):
    result = get(server.url("/redirect-to?url=" + quote(server.url("/feed", host=1))))
    assert result.is_ok and result.final_url == server.url("/feed", host=1)


@pytest.mark.parametrize("path", ["/redirect/6", "/loop-a"])
def test_long_chain_or_loop_fails_after_max_hops(server, path):
    before = len(server.requests)
    result = get(server.url(path))
    assert result.error_class == "too_many_redirects"
    assert len(server.requests) - before == LOOPBACK.max_redirects + 1


def test_redirect_to_non_http_scheme_is_refused(server):
    result = get(server.url("/redirect-to?url=" + quote("file:///etc/passwd")))
    assert result.error_class == "bad_url"


# --- URL and address safety ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["file:///etc/passwd", "/etc/passwd", "gopher://127.0.0.1/", "feed://x.test/rss",
                                 "", "http://"])
def test_non_http_urls_are_rejected(url):
    assert get(url).error_class == "bad_url"


def test_private_address_refused_before_any_connection():
    with HostileServer() as srv:
        for url in (srv.url("/feed"), srv.url("/feed").replace("127.0.0.1", "localhost")):
            result = get(url, FetchSettings())
            assert result.error_class == "private_network"
        assert srv.connections() == 0 and srv.requests == []


def test_redirect_hop_to_private_address_refused_before_connect():
    # 127.0.0.1 is allow-listed (stands in for a public host); 127.0.0.2 is not.
    settings = FetchSettings(allow_networks=("127.0.0.1/32",))
    with HostileServer(hosts=2) as srv:
        result = get(srv.url("/redirect-to?url=" + quote(srv.url("/feed", host=1))), settings)
        assert result.error_class == "private_network"
        assert srv.connections(0) == 1 and srv.connections(1) == 0


def fixed_resolver(mapping):
    async def resolve(host: str, port: int) -> list[str]:
        if host not in mapping:
            raise DnsError(f"{host}: NXDOMAIN")
        return mapping[host]
    return resolve


def test_connects_to_the_checked_address_and_keeps_the_host_name():
    settings = FetchSettings(allow_networks=("127.0.0.1/32",))
    with HostileServer() as srv:
        port = srv.address()[1]
        resolver = fixed_resolver({"feeds.example.test": ["127.0.0.1"], "rebind.example.test": ["8.8.8.8", "10.1.2.3"],
                                   "internal.example.test": ["10.0.0.1"]})
        requests = [FetchRequest(name, f"http://{name}.example.test:{port}/feed") for name in
                    ("feeds", "rebind", "internal", "missing")]
        ok, rebind, internal, missing = fetch_feeds(requests, settings, resolver=resolver)
        assert ok.is_ok and [r.host for r in srv.requests] == ["feeds.example.test"]
        assert rebind.error_class == "private_network" and internal.error_class == "private_network"
        assert missing.error_class == "dns"
        assert srv.connections() == 1


@pytest.mark.parametrize(("address", "public"), [
    ("169.254.169.254", False), ("127.0.0.1", False), ("::1", False), ("[::1]", False),
    ("::ffff:127.0.0.1", False), ("[::ffff:127.0.0.1]", False), ("0.0.0.0", False), ("100.64.0.1", False),
    ("198.18.0.1", False), ("64:ff9b::7f00:1", False), ("10.0.0.1", False), ("192.168.1.1", False),
    ("fd00::1", False), ("fe80::1", False), ("2002:7f00:1::", False), ("224.0.0.1", False),
    ("not-an-ip", False), ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("64:ff9b::808:808", True),
])
def test_address_classifier(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "017700000001"])
def test_shorthand_loopback_literals_are_refused(host):
    assert get(f"http://{host}:9/feed", FetchSettings()).error_class == "private_network"


# --- network failures ------------------------------------------------------------------------


def test_connection_refused():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert get(f"http://127.0.0.1:{port}/feed").error_class == "refused"


def test_tls_failure_is_classified(server):
    assert get(server.url("/feed").replace("http://", "https://")).error_class == "tls"


# --- politeness and batch behaviour ----------------------------------------------------------


def test_results_keep_input_order_and_one_failure_does_not_stop_others(server):
    urls = [server.url("/status/500"), "file:///x", server.url("/feed"), server.url("/html")]
    results = fetch_feeds([FetchRequest(str(i), u) for i, u in enumerate(urls)], LOOPBACK)
    assert [r.feed_id for r in results] == ["0", "1", "2", "3"]
    assert [r.error_class for r in results] == ["http_5xx", "bad_url", None, "not_a_feed"]


def test_works_when_called_from_a_running_event_loop(server):
    async def caller():
        return fetch_feed(FetchRequest("f", server.url("/feed")), LOOPBACK)
    assert asyncio.run(caller()).is_ok


# --- pure helpers ----------------------------------------------------------------------------
