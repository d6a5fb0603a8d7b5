"""The demo report rendered by a real headless Chromium: the charts draw, the stories are listed,
and a screenshot is taken (kept under the test's tmp dir for a human to look at).

Needs Debian's chromium. In CI (CI=true, as root) the set-up installs it with apt-get; elsewhere
the test is skipped with the install line when chromium is missing.
The page is opened from a file:// URL with background networking off: it must need nothing else.
"""

import os
import shutil
import subprocess
from datetime import UTC, timedelta
from html.parser import HTMLParser

import duckdb
import pytest
from demo_db import shared_demo_db
from test_report import HOSTILE_TITLE, demo_db, hostile_db  # noqa: F401 - fixtures

from newsmon.report.publish import build_report

INSTALL = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"


def _find_chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found or not os.environ.get("CI") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    subprocess.run(["bash", "-c", INSTALL], capture_output=True, timeout=900, check=False)
    return shutil.which("chromium")


CHROMIUM = _find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason=f"chromium is not installed (Debian, as root: {INSTALL})")


def _chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1280,2000", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True, cwd=tmp_path)


class DomCounts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bars = self.svgs = self.rows = self.links = self.event_rows = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.svgs += tag == "svg"
        self.bars += tag == "rect" and "bar" in (attrs.get("class") or "").split()
        self.rows += tag == "tr"
        self.event_rows += tag == "tr" and "event" in (attrs.get("class") or "").split()  # a happening's heading
        self.links += tag == "a" and (attrs.get("href") or "").startswith("https://")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    db = shared_demo_db()
    con = duckdb.connect(str(db), read_only=True)
    try:
        now = con.execute("select max(finished_at) from runs").fetchone()[0].astimezone(UTC) + timedelta(minutes=1)
        stories = con.execute("select count(distinct coalesce(a.story_id, a.article_id)) from articles a"
                              " join article_topics t using (article_id) where t.is_match").fetchone()[0]
        page = build_report(con, now)
    finally:
        con.close()
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path, stories


def test_headless_chromium_draws_the_charts_and_lists_the_stories(report_file, tmp_path):
    path, stories = report_file
    dom = _chromium(tmp_path, "--dump-dom", path.as_uri()).stdout
    counts = DomCounts()
    counts.feed(dom)
    assert counts.svgs == 3 and counts.bars > 20
    # one row per story, a header, and a heading row over each happening reported by several stories
    assert counts.rows == stories + 1 + counts.event_rows and counts.event_rows >= 1
    assert counts.links >= stories
    assert "Latest matching stories" in dom


def test_headless_chromium_screenshot(report_file, tmp_path):
    path, _ = report_file
    shot = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={shot}", path.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a blank page is a few kB
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)


def test_the_served_report_opens_in_chromium_with_feed_text_still_escaped(hostile_db, tmp_path):  # noqa: F811
    """`newsmon serve`'s file server hands report.html to a browser: a feed's script, image and
    event-handler attacks arrive as text, never as elements or attributes."""
    from newsmon.http_files import serve_files
    from newsmon.report.publish import publish_report

    out = tmp_path / "out"
    publish_report(hostile_db, out)
    with serve_files(out) as base:
        dom = _chromium(tmp_path, "--dump-dom", f"{base}/report.html").stdout

    class Elements(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags, self.handlers, self.text = [], [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.handlers += [name for name, _ in attrs if name.startswith("on")]

        def handle_data(self, data):
            self.text.append(data)

    page = Elements()
    page.feed(dom)
    assert "Latest matching stories" in dom
    assert "script" not in page.tags and "img" not in page.tags and page.handlers == []
    assert HOSTILE_TITLE in "".join(page.text)  # shown to the reader as the text it is
