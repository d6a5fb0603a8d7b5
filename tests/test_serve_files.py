"""`newsmon serve` publishes alerts.atom and report.html over HTTP on 127.0.0.1 (newsmon/http_files.py)."""

import urllib.error
import urllib.request
from datetime import UTC, datetime

import feedparser
import pytest

from newsmon.alerts.sinks import write_atom
from newsmon.http_files import FilesServerError, serve_files

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
STORY = ("s1", NOW, {"title": "Лавров встретился с Чвэ Сон Хи в Вонсане", "link": "https://news.example/a",
                     "lang": "ru", "outlets": ["TASS"], "subtopics": ["diplomacy"]})
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes via a proxy


def get(url: str, headers: dict | None = None):
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_the_alert_feed_is_served_as_atom_and_a_feed_reader_subscribes(tmp_path):
    write_atom(tmp_path / "alerts.atom", [STORY], NOW)
    (tmp_path / "report.html").write_text("<!DOCTYPE html><title>report</title>", encoding="utf-8")
    (tmp_path / "newsmon.duckdb").write_bytes(b"secret")
    with serve_files(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:")
        status, headers, body = get(f"{base}/alerts.atom")
        assert status == 200 and headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        parsed = feedparser.parse(body, response_headers={"content-location": f"{base}/alerts.atom",
                                                          "content-type": headers["Content-Type"]})
        assert not parsed.bozo and parsed.version == "atom10"
        assert [link.href for link in parsed.feed.links if link.rel == "self"] == [f"{base}/alerts.atom"]
        assert parsed.entries[0].title == STORY[2]["title"] and parsed.entries[0].link == "https://news.example/a"
        via_url = feedparser.parse(f"{base}/alerts.atom")  # as a reader fetches it: the self link resolves
        assert via_url.status == 200 and via_url.feed.links[0].href == f"{base}/alerts.atom"

        status, headers, body = get(f"{base}/report.html")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8" and b"report" in body
        # conditional GET: a polling reader gets 304 and no body
        status, again, body = get(f"{base}/alerts.atom", {"If-None-Match": headers_etag(base)})
        assert status == 304 and body == b""
        # exactly those files: nothing else of the directory
        for path in ("/newsmon.duckdb", "/../etc/passwd", "/alerts.jsonl"):
            assert get(base + path)[0] == 404
        assert b"alerts.atom" in get(base + "/")[2]


def headers_etag(base: str) -> str:
    return get(f"{base}/alerts.atom")[1]["ETag"]


def test_before_the_first_run_the_files_are_404_with_a_reason(tmp_path):
    with serve_files(tmp_path) as base:
        status, _, body = get(f"{base}/alerts.atom")
        assert status == 404 and b"first run" in body


def test_a_taken_port_is_one_line_naming_it(tmp_path):
    with serve_files(tmp_path) as base:
        port = int(base.rsplit(":", 1)[1])
        with pytest.raises(FilesServerError, match=f"127.0.0.1:{port}"):
            with serve_files(tmp_path, port):
                pass
