"""Real alert receivers on 127.0.0.1 for delivery tests: an HTTP webhook and an SMTP server, and
hostile ones (HostileWebhook, TricklingSmtp) that trickle, stall or never answer.

The webhook answers according to `mode` (ok, down, 503, 429 with Retry-After, 410), records
every request, and deduplicates deliveries by their Idempotency-Key, as a well-behaved receiver
of an at-least-once sender should. The SMTP server (aiosmtpd) deduplicates by Message-ID.
"""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Hit:
    key: str | None
    body: dict | None
    status: int
    at: float  # time.monotonic() when received


@dataclass
class WebhookReceiver:
    mode: str = "ok"  # ok | down | 503 | 429 | 410 | 401
    retry_after: str = "1"
    hits: list[Hit] = field(default_factory=list)
    delivered: dict[str, dict] = field(default_factory=dict)  # idempotency key -> first body
    fail_next: int = 0  # answer this many requests with `mode`, then ok (when mode is not ok)
    url: str = ""

    def answer(self, key: str | None, body: dict | None) -> int:
        mode = self.mode
        if mode != "ok" and self.fail_next > 0:
            self.fail_next -= 1
            if self.fail_next == 0:
                self.mode = "ok"
        status = {"ok": 200, "503": 503, "429": 429, "410": 410, "401": 401}.get(mode, 200)
        self.hits.append(Hit(key, body, status, time.monotonic()))
        if status == 200 and key is not None:
            self.delivered.setdefault(key, body)
        return status

    @property
    def accepted(self) -> list[Hit]:
        return [h for h in self.hits if h.status == 200]


def start_webhook(receiver: WebhookReceiver):
    """Serve `receiver` on a free loopback port; returns the server (call .shutdown())."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if receiver.mode == "down":
                receiver.hits.append(Hit(self.headers.get("Idempotency-Key"), None, 0, time.monotonic()))
                self.close_connection = True
                self.connection.close()  # no answer at all: the sender sees a dropped connection
                return
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            status = receiver.answer(self.headers.get("Idempotency-Key"), body)
            self.send_response(status)
            if status in (429, 503):
                self.send_header("Retry-After", receiver.retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"json://127.0.0.1:{server.server_address[1]}/hook"
    return server


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1; `messages` keeps every message, `by_message_id` the first of each."""

    def __init__(self, port: int | None = None) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self.by_message_id: dict[str, email.message.EmailMessage] = {}
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                message = email.message_from_bytes(envelope.original_content or envelope.content,
                                                   policy=email.policy.default)
                receiver.messages.append(message)
                receiver.by_message_id.setdefault(message["Message-ID"], message)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port or _free_port())

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def url(self, to: str = "desk@example.org") -> str:
        return f"mailto://127.0.0.1:{self.controller.port}?to={to}&from=newsmon@example.org"


def _free_port() -> int:
    """aiosmtpd's Controller cannot report an ephemeral port 0, so pick a free one first."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HostileWebhook:
    """A raw-socket HTTP receiver on 127.0.0.1 whose `mode` says how it misbehaves:

    ok              200 at once
    slow_ok         200 after `delay` seconds (the key counts as delivered when the 200 is sent)
    trickle_body    status line and headers at once, then the body one byte per `interval`
    trickle_headers the status line itself one byte per `interval`
    silent          reads the request and never answers

    `hits` lists the Idempotency-Key of every request read; `delivered` keeps each key answered 200.
    """

    def __init__(self, mode: str = "ok", interval: float = 0.5, delay: float = 3.0) -> None:
        import socket

        self.mode, self.interval, self.delay = mode, interval, delay
        self.hits: list[str | None] = []
        self.delivered: dict[str, dict | None] = {}
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"json://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        import socket

        self._stop.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; close alone does not
        except OSError:
            pass
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        with conn:
            try:
                key, body = _read_request(conn)
            except (OSError, ValueError):
                return
            self.hits.append(key)
            mode = self.mode
            try:
                if mode == "silent":
                    self._stop.wait()
                elif mode == "trickle_headers":
                    self._trickle(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                elif mode == "trickle_body":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n")
                    self._trickle(conn, b"x" * 64)
                else:
                    if mode == "slow_ok" and self._stop.wait(self.delay):
                        return
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    if key is not None:
                        self.delivered.setdefault(key, body)
            except OSError:
                return

    def _trickle(self, conn, data: bytes) -> None:
        for i in range(len(data)):
            conn.sendall(data[i:i + 1])
            if self._stop.wait(self.interval):
                return


def _read_request(conn) -> tuple[str | None, dict | None]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ValueError("closed before the headers ended")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length") or 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return headers.get("idempotency-key"), parsed


class TricklingSmtp:
    """An SMTP 'server' on 127.0.0.1 that sends its 220 greeting one byte per `interval`, forever."""

    def __init__(self, interval: float = 0.5) -> None:
        import socket

        self.interval, self.connections = interval, 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, to: str = "desk@example.org") -> str:
        return f"mailto://127.0.0.1:{self.port}?to={to}&from=newsmon@example.org"

    def close(self) -> None:
        import socket

        self._stop.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; close alone does not
        except OSError:
            pass
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._greet, args=(conn,), daemon=True).start()

    def _greet(self, conn) -> None:
        with conn:
            greeting = b"220 " + b"slow " * 10_000
            for i in range(len(greeting)):
                try:
                    conn.sendall(greeting[i:i + 1])
                except OSError:
                    return
                if self._stop.wait(self.interval):
                    return
