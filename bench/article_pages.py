"""Article pages for the bench's generated corpus, served from 127.0.0.1 (bench/run.py --article-pages).

The corpus's item links (https://newsN.example.TLD/...) are rewritten to a loopback page server
(http://127.0.0.1:PORT/newsN.example.TLD/...), which answers any article path with a page built
like a real news page: the item's headline and its feed text as the lede, five paragraphs of other
items of the same feed as the rest of the body, and the clutter of a real layout around them
(navigation, share buttons, related links, comments, a cookie banner, inline scripts; ~40 KB).
robots.txt allows everything. The run's fulltext stage fetches the candidates' pages from it
with the default budget; like the feeds, the pages share one loopback host, so the children get
the per-host politeness of many hosts (no gap, 8 at once, the run's page budget on one host).
"""

from __future__ import annotations

import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_LINK = re.compile(r"https://(news\d+\.example\.[a-z]+)/")
_ITEM = re.compile(r"<(?:item|entry)>.*?</(?:item|entry)>", re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_URL = re.compile(r"<link>(.*?)</link>|<link href=\"(.*?)\"")
_TEXT = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_TAGS = re.compile(r"<[^>]+>")

CLUTTER_SCRIPT = "<script>" + "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}" * 120 + "</script>"
NAV = "<nav class='menu'><ul>" + "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(40)) + "</ul></nav>"
COOKIES = ("<div class='cookie-banner'>We use cookies to improve your experience. <button>Accept</button>"
           "<a href='/privacy'>Privacy policy</a></div>")


def rewrite_links(corpus_dir: Path, base: str) -> int:
    """Point every item link of the corpus's feeds at the page server; returns the files rewritten."""
    count = 0
    for path in sorted((corpus_dir / "feeds").glob("*.xml")):
        text = path.read_text(encoding="utf-8")
        path.write_text(_LINK.sub(lambda m: f"{base}/{m.group(1)}/", text), encoding="utf-8")
        count += 1
    return count


def index_pages(corpus_dir: Path, base: str) -> dict[str, tuple[str, str, list[str]]]:
    """path -> (headline, lede, the same feed's other texts) for every item of the corpus."""
    out: dict[str, tuple[str, str, list[str]]] = {}
    for path in sorted((corpus_dir / "feeds").glob("*.xml")):
        items = []
        for item in _ITEM.findall(path.read_text(encoding="utf-8")):
            url = _URL.search(item)
            title = _TITLE.search(item)
            text = _TEXT.search(item)
            if url and title:
                link = html.unescape(url.group(1) or url.group(2)).split("?", 1)[0]
                items.append((link.removeprefix(base), html.unescape(title.group(1)),
                              " ".join(_TAGS.sub(" ", text.group(1) if text else "").split())))
        texts = [t for _, _, t in items if t]
        for n, (key, title, text) in enumerate(items):
            out[key] = (title, text, [texts[(n + k) % len(texts)] for k in range(1, 6)] if texts else [])
    return out


def render_page(title: str, lede: str, rest: list[str]) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in [lede, *rest] if p)
    related = "".join(f"<li><a href='/news/{i}'>{html.escape(r[:60])}</a></li>" for i, r in enumerate(rest))
    comments = "".join(f"<div class='comment'><p>Reader {i}: {html.escape(r[:80])}</p></div>" for i, r in enumerate(rest[:3]))
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} | Outlet</title>"
            f"{CLUTTER_SCRIPT}</head><body>{COOKIES}<header>{NAV}</header><main><article><h1>{html.escape(title)}</h1>"
            f"<div class='share'><a href='#'>Share</a><a href='#'>Tweet</a></div><div class='entry-content'>{paragraphs}"
            f"</div></article><aside class='related'><h3>Related</h3><ul>{related}</ul></aside>"
            f"<section class='comments'>{comments}</section></main><footer>{NAV}</footer></body></html>")
    return page.encode("utf-8")


def serve_article_pages(corpus_dir: Path, env: dict[str, str], enabled: bool = True) -> str | None:
    """Start the page server (a daemon thread for the bench's lifetime), rewrite the corpus's links
    to it and set the children's fulltext settings in `env`. Off: the stage is turned off."""
    if not enabled:
        env["NEWSMON_FULLTEXT"] = "0"
        return None
    pages: dict[str, tuple[str, str, list[str]]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            elif (page := pages.get(self.path.split("?", 1)[0])) is not None:
                body, kind = render_page(*page), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_port}"
    rewrite_links(corpus_dir, base)
    pages.update(index_pages(corpus_dir, base))
    threading.Thread(target=server.serve_forever, name="article-pages", daemon=True).start()
    env.update({"NEWSMON_FULLTEXT_PER_HOST_INTERVAL": "0", "NEWSMON_FULLTEXT_PER_HOST_CONCURRENCY": "8",
                "NEWSMON_FULLTEXT_PER_HOST_PAGES": "100000"})
    return base
