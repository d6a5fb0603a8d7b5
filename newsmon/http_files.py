"""The files a run publishes (alerts.atom, report.html), served over HTTP on 127.0.0.1 by `newsmon serve`,
so a feed reader on this machine can subscribe to the alerts and a browser can open the report.

Exactly those files, nothing else of the directory: a small threaded server that reads each file
when asked (a run rewrites them atomically), with its content type, Last-Modified and ETag, and
answers If-None-Match / If-Modified-Since with 304 so readers polling the feed cost nothing.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

PUBLISHED = {
    "alerts.atom": "application/atom+xml; charset=utf-8",
    "report.html": "text/html; charset=utf-8",
}
INDEX = ("<!DOCTYPE html><meta charset=utf-8><title>newsmon</title>"
         "<p><a href=alerts.atom>alerts.atom</a> (subscribe in a feed reader) &middot; "
         "<a href=report.html>report.html</a></p>\n")


class FilesServerError(OSError):
    """The files server could not listen on its port; the message says which."""


class _Handler(BaseHTTPRequestHandler):
    server_version = "newsmon"
    protocol_version = "HTTP/1.1"
    directory: Path = Path()

    def log_message(self, format, *args) -> None:  # feed readers poll: no access log on the console
        pass

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        name = urlsplit(self.path).path.lstrip("/")
        if name == "":
            return self._send(200, "text/html; charset=utf-8", INDEX.encode(), head)
        if name not in PUBLISHED:
            return self._send(404, "text/plain; charset=utf-8", b"not published here\n", head)
        path = self.directory / name
        try:
            body = path.read_bytes()
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return self._send(404, "text/plain; charset=utf-8", f"{name} is written by the first run\n".encode(), head)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = email.utils.formatdate(mtime, usegmt=True)
        if self._not_modified(etag, mtime):
            return self._send(304, None, b"", True, etag, modified)
        self._send(200, PUBLISHED[name], body, head, etag, modified)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if match := self.headers.get("If-None-Match"):
            return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
        if since := self.headers.get("If-Modified-Since"):
            try:
                return int(mtime) <= email.utils.parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, content_type: str | None, body: bytes, head: bool,
              etag: str | None = None, modified: str | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Length", str(0 if status == 304 else len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


@contextmanager
def serve_files(directory: Path, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `directory`'s alerts.atom and report.html on host:port (0: a free port) in a background
    thread; yields the base URL (no trailing slash). Stopped when the block ends."""
    handler = type("FilesHandler", (_Handler,), {"directory": Path(directory)})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise FilesServerError(f"cannot serve the alert feed and report on {host}:{port}: {exc.strerror or exc}"
                               f" (choose another port with --files-port)") from None
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="newsmon-files", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
