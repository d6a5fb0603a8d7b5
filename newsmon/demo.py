"""The offline demo: serve seeds/demo/ from 127.0.0.1 so a run goes through the real fetch path.

seeds/demo/feeds.csv lists the demo feeds with the placeholder `{base}` in their URLs;
`demo_feeds_csv` writes a copy pointing at the running server.

The demo's stories happened in the week before DEMO_NOW. Served as written, they would age out of
what the demo is meant to show: alerts announce stories of the last three days only, and the
report covers 30 days. `dated_demo` writes a copy whose dates are all moved forward by the time
since DEMO_NOW, so a demo run today sees yesterday's news (the deliberate year-2099 date stays).
"""

from __future__ import annotations

import csv
import email.utils
import functools
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
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


DEMO_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # when the demo feeds were written (newest item: 10:30)
_DATE_ELEMENT = re.compile(rb"<(pubDate|lastBuildDate|published|updated|dc:date)>([^<]{10,40})</\1>")
_FUTURE_ODDITY_YEAR = 2099  # an item dated far in the future, to show that such dates are clamped


def dated_demo(out_dir: Path, now: datetime, demo_dir: Path = DEMO_DIR) -> Path:
    """Copy the demo (feeds.csv and the feed files, byte for byte) into `out_dir`, with every
    feed date moved forward by now - DEMO_NOW. Returns `out_dir`."""
    shift = now - DEMO_NOW
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in demo_dir.iterdir():
        if path.suffix == ".xml":
            (out_dir / path.name).write_bytes(shift_dates(path.read_bytes(), shift))
        elif path.is_file():
            shutil.copyfile(path, out_dir / path.name)
    return out_dir


def shift_dates(document: bytes, shift: timedelta) -> bytes:
    """Move the dates of feed date elements (RFC 822 and ISO 8601, zone kept as written). The
    dates are ASCII, so this works on the bytes of any ASCII-compatible encoding (cp1251, EUC-KR)."""
    def moved(match: re.Match) -> bytes:
        text = match.group(2).decode("ascii", "replace").strip()
        shifted = _shift_one(text, shift)
        if shifted is None:
            return match.group(0)
        return b"<%s>%s</%s>" % (match.group(1), shifted.encode("ascii"), match.group(1))
    return _DATE_ELEMENT.sub(moved, document)


def _shift_one(text: str, shift: timedelta) -> str | None:
    if text[:1].isdigit():  # ISO 8601: 2026-11-27T09:20:00Z, ...+09:00, or no zone
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.year == _FUTURE_ODDITY_YEAR:
            return None
        moved = (when + shift).isoformat()
        return moved.replace("+00:00", "Z") if text.endswith("Z") else moved
    try:  # RFC 822: Fri, 27 Nov 2026 09:20:00 GMT (or +0300)
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.year == _FUTURE_ODDITY_YEAR:
        return None
    if text.endswith("GMT"):
        return email.utils.format_datetime((when + shift).astimezone(UTC), usegmt=True)
    return email.utils.format_datetime(when + shift)
