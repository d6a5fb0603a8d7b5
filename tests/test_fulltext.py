"""Extraction, wall detection, robots.txt and body tagging of newsmon/fulltext on real pages
(tests/fixtures/pages, hand-marked) and the labelled full articles (tests/data/fulltext_dev.jsonl)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
from conftest import FIXTURES

from bench.eval_fulltext import eval_tagging, overlap
from newsmon.fetch import FetchSettings, fetch_pages
from newsmon.fulltext.extract import extract_page
from newsmon.fulltext.robots import RobotsFile, RobotsRules, origin_of
from newsmon.fulltext.tagging import find_matched, paragraphs, snippet, tag_body
from newsmon.fulltext.walls import detect_wall
from newsmon.paths import SEEDS_DIR
from newsmon.records import FetchRequest
from newsmon.topics.match import load_topic_rules

PAGES = FIXTURES / "pages"
MANIFEST = json.loads((PAGES / "pages.json").read_text(encoding="utf-8"))
ARTICLES = [p for p in MANIFEST if p["kind"] == "article"]
WALLS = [p for p in MANIFEST if p["kind"] != "article"]


@pytest.mark.parametrize("page", ARTICLES, ids=lambda p: p["file"])
def test_extraction_keeps_the_paragraphs_and_drops_the_clutter(page):
    raw = (PAGES / page["file"]).read_bytes()
    text = extract_page(raw)
    recall, precision = overlap((PAGES / page["expected"]).read_text(encoding="utf-8"), text.text)
    assert recall >= 0.98 and precision >= 0.9, (recall, precision)
    assert detect_wall(text.html, text.text, raw) is None  # mentions of subscriptions or cookies included
    assert text.lang == page["lang"]
    assert text.author == page["author"]
    assert text.published_at is not None and text.published_at.isoformat()[:10] <= page["published"][:10]


@pytest.mark.parametrize("page", WALLS, ids=lambda p: p["file"])
def test_walls_are_detected_by_kind(page):
    raw = (PAGES / page["file"]).read_bytes()
    text = extract_page(raw)
    assert detect_wall(text.html, text.text, raw) == page["kind"]


def test_a_wall_needs_its_markup_not_just_its_words():
    short = "Subscribe to continue reading. Already a subscriber? Log in. Accept all. Reject all. Manage options."
    assert detect_wall(f"<html><body><article><p>{short}</p></article></body></html>", short) is None
    assert detect_wall('<div class="paywall"></div>', short) == "paywall"
    assert detect_wall('<script>window.__tcfapi=function(){}</script>', short) == "consent"
    article = (PAGES / "article_mentions_cookies.html").read_text(encoding="utf-8")
    assert detect_wall(article, extract_page(article).text) is None  # cookie markup, but the article's text


def test_robots_rules_per_origin():
    rules = RobotsRules([RobotsFile("https://a.example", "ok", "User-agent: *\nDisallow: /private/\n"),
                         RobotsFile("https://b.example", "missing"), RobotsFile("https://c.example", "unreachable"),
                         RobotsFile("https://d.example", "ok", "User-agent: newsmon\nDisallow: /\n\nUser-agent: *\nAllow: /\n")])
    assert rules.allows("https://a.example/news/1") and not rules.allows("https://a.example/private/1")
    assert rules.allows("https://b.example/anything")
    assert not rules.allows("https://c.example/news/1")  # unreachable: nothing until asked again
    assert not rules.allows("https://d.example/news/1")  # a group naming us
    assert not rules.allows("https://e.example/x")  # not read yet
    assert rules.missing(["https://a.example", "https://e.example"]) == ["https://e.example"]
    assert origin_of("HTTPS://User@A.Example:8443/x?y") == "https://a.example:8443"


def test_body_evidence_has_offset_and_snippet_and_unrelated_paragraphs_do_not_combine():
    rules = load_topic_rules(SEEDS_DIR)
    body = ("Russia's central bank raised its key rate to 21 percent on Friday.\n"
            "Markets in Europe fell.\n"
            "North Korea fired a ballistic missile into the sea, Japan's defence ministry said.")
    tags = tag_body("Week in review", "", body, rules, lang="en")
    assert not tags.body_match
    body += "\nThe Kremlin said North Korean troops would help Russia defend the Kursk region."
    tags = tag_body("Week in review", "", body, rules, lang="en")
    assert tags.body_match and not tags.teaser_match
    hit, = [h for h in tags.hits if h.is_match]
    located = [e for e in hit.evidence if e.where == "body"]
    assert located and all(body[e.offset:].casefold().startswith(e.matched) for e in located)
    assert all(e.offset >= body.rindex("\n") for e in located) and "Kursk" in located[0].snippet


def test_offsets_survive_normalisation_and_snippets_are_cut_at_spaces():
    assert find_matched("Visit to  PYONGYANG’s airport", "pyongyang's") == 10
    assert list(paragraphs("a\n\nb")) == [(0, "a"), (3, "b")]
    text = "word " * 100
    cut = snippet(text, 250, 4, width=40)
    assert cut.startswith("…") and cut.endswith("…") and len(cut) <= 42


def test_tagging_on_full_bodies_meets_the_floor():
    figures = eval_tagging()
    for split in ("tune", "heldout", "all"):
        body, teaser = figures[("body", split)], figures[("teaser", split)]
        assert body["R"] >= teaser["R"]
    assert figures[("body", "all")]["P"] >= 0.95 and figures[("body", "all")]["n"] >= 50
    assert figures[("body", "heldout")]["P"] >= 0.95 and figures[("body", "all")]["R"] >= 0.9


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_GET(self):  # noqa: N802
        _Recorder.seen.append(dict(self.headers))
        body = b"<html><body><p>hello</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_fetch_pages_accepts_html_sends_page_headers_and_defers_past_its_budget():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        settings = FetchSettings(allow_private_networks=True, per_host_concurrency=1, per_host_min_interval_s=0.3)
        requests = [FetchRequest(f"a{i}", f"{base}/p{i}", etag='"e1"', user_agent="Mozilla/5.0 Test/1.0")
                    for i in range(4)]
        results = fetch_pages(requests, settings, budget_s=0.5)
    finally:
        server.shutdown()
    assert results[0].is_ok and results[0].body() and b"hello" in results[0].body()  # HTML is not `not_a_feed`
    assert [r.error_class for r in results].count("deferred") >= 1  # 0.3 s apart: not all start within 0.5 s
    first = _Recorder.seen[0]
    assert first["Accept"].startswith("text/html") and first["If-None-Match"] == '"e1"'
    assert first["User-Agent"] == "Mozilla/5.0 Test/1.0"
