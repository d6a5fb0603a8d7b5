"""`feeds check` (newsmon/feed_check.py) against a real loopback server.

Every URL is on 127.0.0.1, or on a *.example.test name answered by an injected resolver: nothing
leaves the machine, DNS included.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsmon.feed_check import VERDICTS, FeedCheck, check_feeds, format_age, format_check_table
from newsmon.feed_options import USER_AGENT_PRESETS, fetch_request_for
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings, fetch_feed
from newsmon.netguard import DnsError
from newsmon.records import Feed

FEEDS_DIR = Path(__file__).parent / "fixtures" / "feeds"
BROWSER = USER_AGENT_PRESETS["browser"]
NEWEST = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)  # newest item of check_dated_ko.xml
SETTINGS = FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0, total_timeout_s=10)
CHALLENGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
             b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></body></html>")


class _Handler(BaseHTTPRequestHandler):
    """/feeds/<file> serves a fixture; /browser-only/<file> answers 403 unless the browser preset's
    User-Agent is sent (as TASS's StormWall does); /status/<code>; /challenge; /html."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.seen.append((self.path, dict(self.headers.items())))
        parts = urlsplit(self.path).path.strip("/").split("/")
        if parts[0] == "browser-only" and self.headers.get("User-Agent") != BROWSER:
            self._send(403, b"<html><body>Forbidden</body></html>", "text/html")
        elif parts[0] in ("feeds", "browser-only") and len(parts) == 2 and (FEEDS_DIR / parts[1]).is_file():
            self._send(200, (FEEDS_DIR / parts[1]).read_bytes(), "application/rss+xml; charset=utf-8")
        elif parts[0] == "status":
            self._send(int(parts[1]), b"", "text/plain")
        elif parts[0] == "challenge":
            self._send(403, CHALLENGE, "text/html")
        elif parts[0] == "html":
            self._send(200, b"<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>",
                       "text/html")
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def base(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def only_example_test(port_map: dict[str, str]):
    """A resolver for tests: the names given answer with their loopback address, any other is NXDOMAIN."""
    async def resolve(host: str, port: int) -> list[str]:
        if host not in port_map:
            raise DnsError(f"{host}: NXDOMAIN")
        return [port_map[host]]
    return resolve


def check(feeds: list[Feed], now: datetime = NEWEST + timedelta(hours=3), **kwargs) -> dict[str, FeedCheck]:
    resolver = only_example_test({"feeds.example.test": "127.0.0.1"})
    return {c.feed_id: c for c in check_feeds(feeds, SETTINGS, now, resolver=resolver, **kwargs)}


# --- verdicts --------------------------------------------------------------------------------------


def test_each_verdict_is_given_for_what_the_server_does(server):
    url = base(server)
    port = server.server_address[1]
    feeds = [
        Feed("ok", "OK", f"{url}/feeds/check_dated_ko.xml", "ko"),
        Feed("by_name", "Resolved name", f"http://feeds.example.test:{port}/feeds/check_dated_ko.xml", "ko"),
        Feed("empty", "Empty", f"{url}/feeds/check_empty.xml", "en"),
        Feed("forbidden", "Forbidden", f"{url}/browser-only/check_dated_ko.xml", "ko"),
        Feed("challenge", "Challenge", f"{url}/challenge", "en"),
        Feed("html", "Home page", f"{url}/html", "en"),
        Feed("gone", "Gone", f"{url}/status/404", "en"),
        Feed("no_dns", "No such host", f"http://gone.example.test:{port}/feed", "en"),
        Feed("broken", "Server error", f"{url}/status/503", "en"),
    ]
    checks = check(feeds)
    assert {feed_id: c.verdict for feed_id, c in checks.items()} == {
        "ok": "ok", "by_name": "ok", "empty": "empty", "forbidden": "blocked", "challenge": "blocked",
        "html": "not_a_feed", "gone": "dead", "no_dns": "dead", "broken": "failing",
    }
    assert checks["ok"].items == 3 and checks["ok"].http_status == 200
    assert checks["ok"].newest_age == timedelta(hours=3)
    assert checks["gone"].http_status == 404 and checks["forbidden"].http_status == 403
    assert checks["no_dns"].error_class == "dns" and checks["no_dns"].http_status is None
    assert checks["empty"].items == 0 and checks["empty"].newest_age is None
    assert all(path != "/feed" for path, _ in server.seen), "an unresolved name never reaches a socket"


def test_old_newest_item_is_stale_and_the_threshold_is_the_callers(server):
    feeds = [Feed("ok", "OK", f"{base(server)}/feeds/check_dated_ko.xml", "ko")]
    assert check(feeds, now=NEWEST + timedelta(days=4))["ok"].verdict == "stale"
    assert check(feeds, now=NEWEST + timedelta(days=4), stale_after=timedelta(days=7))["ok"].verdict == "ok"


def test_browser_user_agent_override_unblocks_a_feed_that_refuses_ours(server):
    url = f"{base(server)}/browser-only/check_dated_ko.xml"
    plain = Feed("plain", "Plain", url, "ko")
    browser = Feed("browser", "Browser", url + "?ua", "ko", user_agent="browser")
    checks = check([plain, browser])
    assert checks["plain"].verdict == "blocked" and checks["browser"].verdict == "ok"
    agents = {path: headers.get("User-Agent") for path, headers in server.seen if path.startswith("/browser-only")}
    assert agents[url.removeprefix(base(server)) + "?ua"] == BROWSER
    assert agents[url.removeprefix(base(server))].startswith("newsmon/")  # the default stays honest


def test_user_agent_and_headers_from_the_csv_reach_the_server(server, tmp_path):
    url = f"{base(server)}/browser-only/check_dated_ko.xml?csv"
    path = tmp_path / "feeds.csv"
    path.write_text(
        "feed_id,name,url,language,user_agent,headers\n"
        f'tass_ru,ТАСС,{url},ru,browser,"Accept-Language: ru; Referer: https://tass.ru/"\n',
        encoding="utf-8",
    )
    [feed] = read_feeds_csv(path)
    result = fetch_feed(fetch_request_for(feed), SETTINGS)
    assert result.is_ok and result.http_status == 200
    [(_, headers)] = [(p, h) for p, h in server.seen if p.endswith("?csv")]
    assert headers["User-Agent"] == BROWSER
    assert headers["Accept-Language"] == "ru" and headers["Referer"] == "https://tass.ru/"


def test_declared_and_detected_language_are_both_reported(server):
    url = f"{base(server)}/feeds/check_dated_ko.xml"
    checks = check([Feed("right", "Right", url, "ko"), Feed("wrong", "Wrong", url + "?x", "ru")])
    assert checks["right"].detected_language == "ko" and checks["right"].detected_share == 1.0
    assert checks["wrong"].declared_language == "ru" and checks["wrong"].detected_language == "ko"


# --- the table -------------------------------------------------------------------------------------


def test_table_has_a_line_per_feed_and_counts_verdicts(server):
    url = base(server)
    feeds = [
        Feed("ok", "OK", f"{url}/feeds/check_dated_ko.xml", "ru"),
        Feed("gone", "Gone", f"{url}/status/410", "en"),
        Feed("spare", "Spare", f"{url}/feeds/check_empty.xml", "en", active=False, role="fallback"),
    ]
    table = format_check_table(check_feeds(feeds, SETTINGS, NEWEST + timedelta(hours=5)))
    lines = table.splitlines()
    assert lines[0].split() == ["feed_id", "verdict", "status", "items", "newest", "lang", "detail"]
    assert lines[1].split()[:6] == ["ok", "ok", "200", "3", "5.0h", "ru>ko"]
    assert lines[2].split()[:4] == ["gone", "dead", "410", "0"]
    assert lines[3].startswith("spare (fallback)") and " empty " in lines[3]
    assert lines[-1] == "3 feeds: 1 ok, 1 empty, 1 dead"


def test_table_warns_when_every_feed_fails_at_the_network_level():
    async def offline(host: str, port: int) -> list[str]:
        raise DnsError(f"{host}: offline")
    feeds = [Feed(f"f{i}", "F", f"http://host{i}.example.test/feed", "en") for i in range(4)]
    checks = check_feeds(feeds, SETTINGS, NEWEST, resolver=offline)
    assert [c.verdict for c in checks] == ["dead"] * 4
    assert "check this machine's network or DNS" in format_check_table(checks).splitlines()[-1]


@pytest.mark.parametrize(("age", "text"), [(None, "-"), (timedelta(minutes=90), "1.5h"),
                                            (timedelta(days=3, hours=2), "3d")])
def test_format_age(age, text):
    assert format_age(age) == text


def test_verdicts_are_the_documented_ones():
    assert VERDICTS == ("ok", "empty", "stale", "blocked", "not_a_feed", "dead", "failing")
