"""A misbehaving loopback HTTP server for fetch tests and the fetch benchmark.

One threaded server per loopback address (127.0.0.1, 127.0.0.2, ... act as different hosts),
all sharing one record of requests, accepted connections and concurrent requests per host.
Routes (path, query):
  /feed                 small RSS; ETag + Last-Modified; 304 on a matching validator
  /feed-delay?ms=200    same after a delay (benchmark)
  /gzip, /deflate       compressed feed
  /gzip-truncated       gzip stream cut before its trailer (Content-Length matches what is sent)
  /status/<code>        bare status (404, 410, 500, ...)
  /retry/<code>?after=V status with `Retry-After: V`
  /slow-headers?s=3     sleeps before sending anything
  /drip?interval=0.2    one byte per interval, Content-Length 100000
  /lying-length         Content-Length 100000, sends 100 bytes, closes
  /short-length         Content-Length 100, sends 1 MB
  /reset                sends part of the body, then a TCP RST
  /bomb?mb=100          gzip of zeros, streamed (a few KB per decoded MB)
  /huge?mb=20           plain body of that size without Content-Length
  /redirect/<n>         chain of n redirects ending at /feed; /loop-a <-> /loop-b
  /redirect-to?url=U    302 to U
  /html                 an HTML page; /cf-challenge a 403 Cloudflare challenge
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ETAG = '"v1-abc"'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>http://example.test/</link>
<description>fixture</description>
<item><title>First item</title><link>http://example.test/1</link><guid>1</guid></item>
<item><title>Second item</title><link>http://example.test/2</link><guid>2</guid></item>
</channel></rss>
"""
HTML_PAGE = b"""<!DOCTYPE html><html><head><title>Home</title>
<link rel="alternate" type="application/rss+xml" href="/feed"></head><body><p>Welcome</p></body></html>"""
CHALLENGE_PAGE = b"""<!DOCTYPE html><html><head><title>Just a moment...</title></head>
<body><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>"""


@dataclass(frozen=True)
class RecordedRequest:
    host: str  # from the Host header, without port
    address: str  # the loopback address the connection arrived on
    path: str
    headers: dict[str, str]


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.connections: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: defaultdict[str, int] = defaultdict(int)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: str, state: _State) -> None:
        super().__init__((address, 0), _Handler)
        self.state = state

    def verify_request(self, request, client_address) -> bool:
        with self.state.lock:
            self.state.connections[self.server_address[0]] += 1
        return True

    def handle_error(self, request, client_address) -> None:
        pass  # hostile routes break connections on purpose


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        state = self.server.state
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        with state.lock:
            state.requests.append(RecordedRequest(host, self.server.server_address[0], self.path,
                                                  dict(self.headers.items())))
            state.in_flight[host] += 1
            state.max_in_flight[host] = max(state.max_in_flight[host], state.in_flight[host])
        self._in_flight_host = host
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        finally:
            self._count_out()

    def _count_out(self) -> None:
        """The request leaves the in-flight count once, before its body is written: a client that
        has the whole answer may start its next request, which could reach another server thread
        before this one returned (a peak above a limit the client kept)."""
        host, self._in_flight_host = getattr(self, "_in_flight_host", None), None
        if host is not None:
            with self.server.state.lock:
                self.server.state.in_flight[host] -= 1

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              content_type: str = "application/rss+xml") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self._count_out()
        self.wfile.write(body)

    def _start_close_delimited(self, status: int, headers: dict[str, str]) -> None:
        self.close_connection = True
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()

    def _feed(self) -> None:
        if self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return
        self._send(200, FEED, {"ETag": ETAG, "Last-Modified": LAST_MODIFIED})

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
        segments = path.strip("/").split("/")
        if path == "/feed":
            self._feed()
        elif path == "/feed-delay":
            time.sleep(int(query.get("ms", "200")) / 1000)
            self._feed()
        elif path == "/gzip":
            self._send(200, gzip.compress(FEED), {"Content-Encoding": "gzip"})
        elif path == "/deflate":
            self._send(200, zlib.compress(FEED), {"Content-Encoding": "deflate"})
        elif path == "/gzip-truncated":
            data = gzip.compress(FEED * 50)
            self._send(200, data[: len(data) // 2], {"Content-Encoding": "gzip"})
        elif segments[0] == "status":
            self._send(int(segments[1]), b"error", content_type="text/plain")
        elif segments[0] == "retry":
            self._send(int(segments[1]), b"slow down", {"Retry-After": query.get("after", "")}, "text/plain")
        elif path == "/slow-headers":
            time.sleep(float(query.get("s", "3")))
            self._feed()
        elif path == "/drip":
            self._drip(float(query.get("interval", "0.2")))
        elif path == "/lying-length":
            self._partial(b"<rss>" + b"x" * 95, announce=100_000)
        elif path == "/short-length":
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"<rss>" + b"x" * (1024 * 1024))
        elif path == "/reset":
            self._partial(b"<rss>" + b"x" * 5000, announce=100_000, reset=True)
        elif path == "/bomb":
            self._bomb(int(query.get("mb", "100")))
        elif path == "/huge":
            self._huge(int(query.get("mb", "20")))
        elif segments[0] == "redirect":
            n = int(segments[1])
            self._send(302, headers={"Location": f"/redirect/{n - 1}" if n > 1 else "/feed"})
        elif path in ("/loop-a", "/loop-b"):
            self._send(302, headers={"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
        elif path == "/redirect-to":
            self._send(302, headers={"Location": query["url"]})
        elif path == "/html":
            self._send(200, HTML_PAGE, content_type="text/html; charset=utf-8")
        elif path == "/cf-challenge":
            self._send(403, CHALLENGE_PAGE, {"cf-mitigated": "challenge", "Server": "cloudflare"},
                       "text/html; charset=UTF-8")
        else:
            self._send(404, b"no such route", content_type="text/plain")

    def _drip(self, interval: float) -> None:
        self._start_close_delimited(200, {"Content-Length": "100000", "Content-Type": "application/rss+xml"})
        for _ in range(100_000):
            self.wfile.write(b"<")
            self.wfile.flush()
            time.sleep(interval)

    def _partial(self, body: bytes, announce: int, reset: bool = False) -> None:
        self._start_close_delimited(200, {"Content-Length": str(announce), "Content-Type": "application/rss+xml"})
        self.wfile.write(body)
        self.wfile.flush()
        if reset:  # SO_LINGER 0 turns close() into a RST
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _bomb(self, mb: int) -> None:
        self._start_close_delimited(200, {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        zeros = bytes(1024 * 1024)
        for _ in range(mb):
            self.wfile.write(compressor.compress(zeros))
        self.wfile.write(compressor.flush())

    def _huge(self, mb: int) -> None:
        self._start_close_delimited(200, {"Content-Type": "application/rss+xml"})
        block = b"<rss>" + b"a" * (1024 * 1024 - 5)
        for _ in range(mb):
            self.wfile.write(block)


class HostileServer:
    """`with HostileServer(hosts=2) as server: server.url("/feed", host=1)`."""

    def __init__(self, hosts: int = 1) -> None:
        self._state = _State()
        self._servers = [_Server(f"127.0.0.{i + 1}", self._state) for i in range(hosts)]
        self._threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
                         for s in self._servers]

    def __enter__(self) -> HostileServer:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def address(self, host: int = 0) -> tuple[str, int]:
        return self._servers[host].server_address[:2]

    def url(self, path: str, host: int = 0) -> str:
        address, port = self.address(host)
        return f"http://{address}:{port}{path}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def connections(self, host: int = 0) -> int:
        with self._state.lock:
            return self._state.connections[self.address(host)[0]]

    def reset_max_in_flight(self) -> None:
        with self._state.lock:
            self._state.max_in_flight.clear()

    @property
    def max_in_flight(self) -> dict[str, int]:
        with self._state.lock:
            return dict(self._state.max_in_flight)
