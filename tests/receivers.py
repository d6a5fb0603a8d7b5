"""Real alert receivers on 127.0.0.1 for delivery tests: an HTTP webhook and an SMTP server.

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

    def __init__(self) -> None:
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

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=_free_port())

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
