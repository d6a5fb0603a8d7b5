"""The offline demo: serve seeds/demo/ from 127.0.0.1 so a run goes through the real fetch path.

seeds/demo/feeds.csv lists the demo feeds with the placeholder `{base}` in their URLs;
`demo_feeds_csv` writes a copy pointing at the running server.
"""

from __future__ import annotations

import csv
import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from newsmon.paths import DEMO_DIR


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".xml": "application/xml"}
    protocol_version = "HTTP/1.1"  # keep-alive, as news sites serve feeds (HTTP/1.0 closes every connection)
    disable_nagle_algorithm = True  # headers and body are separate writes: without this, kept-alive
    # connections stall ~40 ms per response on the client's delayed ACK

    def log_message(self, format, *args) -> None:  # the demo's access log is noise
        pass


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve a directory over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="newsmon-demo-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def demo_feeds_csv(base_url: str, out_path: Path, demo_dir: Path = DEMO_DIR) -> Path:
    """Write the demo feed registry with `{base}` replaced by the server's URL."""
    with open(demo_dir / "feeds.csv", newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "url": row["url"].replace("{base}", base_url)})
    return out_path
