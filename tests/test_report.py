"""The HTML report and Markdown summary: built from a real demo database, with hostile feed text
inserted into a copy of it, and from an empty database."""

import json
import shutil
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import duckdb
import pytest

from demo_db import shared_demo_db
from newsmon.export import export_parquet
from newsmon.report import build_report, report_markdown
from newsmon.store import open_store

HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)> Russia and North Korea'
HOSTILE_URL = "javascript:alert(document.cookie)"


class Elements(HTMLParser):
    """Every start tag with its attributes, plus the text, as the browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def demo_db():
    return shared_demo_db()


def _now(db) -> datetime:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select max(finished_at) from runs").fetchone()[0].astimezone(UTC) + timedelta(minutes=1)
    finally:
        con.close()


def _report(db, now=None, days=30):
    con = duckdb.connect(str(db), read_only=True)
    try:
        now = now or _now(db)
        return build_report(con, now, days), report_markdown(con, now)
    finally:
        con.close()


def test_demo_report_has_charts_and_stories(demo_db):
    page, _ = _report(demo_db)
    doc = parse(page)
    tags = [t for t, _ in doc.tags]
    assert page.startswith("<!DOCTYPE html>") and tags.count("svg") == 3
    bars = [a for t, a in doc.tags if t == "rect" and "bar" in a.get("class", "").split()]
    assert len(bars) > 20
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        matching = con.execute("select count(distinct coalesce(a.story_id, a.article_id)) from articles a"
                               " join article_topics t using (article_id) where t.is_match").fetchone()[0]
        arabic = con.execute("select a.title from articles a join article_topics t using (article_id)"
                             " where t.is_match and a.lang = 'ar' limit 1").fetchone()[0]
    finally:
        con.close()
    assert tags.count("tr") == matching + 1  # one row per story, plus the header
    titled = [a for t, a in doc.tags if t == "a" and a.get("lang") == "ar"]
    assert titled and titled[0]["dir"] == "auto" and arabic in "".join(doc.text)
    assert "script" not in tags and not any(k.startswith("on") for _, a in doc.tags for k in a)


def test_every_link_is_http_and_opens_without_referrer(demo_db):
    doc = parse(_report(demo_db)[0])
    links = [a for t, a in doc.tags if t == "a"]
    assert links
    assert all(a["href"].startswith(("http://", "https://")) for a in links)
    assert all(a["rel"] == "noopener noreferrer" for a in links)


@pytest.fixture
def hostile_db(demo_db, tmp_path):
    """A copy of the demo database with one matching article whose every field is an attack."""
    db = tmp_path / "hostile.duckdb"
    shutil.copy(demo_db, db)
    now = _now(demo_db) - timedelta(minutes=1)
    evidence = [{"term": "<b>x</b>", "matched": "</td><script>alert(2)</script>", "role": "side:russia",
                 "lang": "en", "where": "title", "entity": ""}]
    con = duckdb.connect(str(db))
    try:
        con.execute("insert into feeds values ('evil', '<img src=x onerror=alert(3)>', 'http://127.0.0.1/', 'en',"
                    " null, true, null, ?)", [now])
        con.execute("insert into feed_state (feed_id, last_attempt_at, consecutive_failures, last_error_class)"
                    " values ('evil', ?, 3, '<i>http_5xx</i>')", [now])
        for article_id, url in (("hostile00000001", HOSTILE_URL), ("hostile00000002", "data:text/html,<script>")):
            con.execute("insert into articles values (?, ?, null, ?, 'text', null, ?, ?, ?, 'evil',"
                        " 'en\" onmouseover=\"alert(4)', 0.9, 'h', 'r', ?)",
                        [article_id, url, HOSTILE_TITLE, now, now, now, article_id])
            con.execute("insert into article_feeds values (?, 'evil', ?)", [article_id, now])
            con.execute("insert into article_topics values (?, 'russia_dprk', 1.0, true, ['military'], ?, ?)",
                        [article_id, json.dumps(evidence), now])
    finally:
        con.close()
    return db


def test_hostile_feed_text_is_neutralised(hostile_db):
    page, markdown = _report(hostile_db)
    doc = parse(page)
    assert "script" not in [t for t, _ in doc.tags] and "img" not in [t for t, _ in doc.tags]
    assert not any(k.startswith("on") for _, a in doc.tags for k in a)
    hrefs = [a.get("href", "") for t, a in doc.tags if t == "a"]
    assert not any(h.lower().startswith(("javascript:", "data:")) for h in hrefs)
    assert "javascript:" not in page and "data:text" not in page
    text = "".join(doc.text)
    assert HOSTILE_TITLE in text  # shown as text, exactly as the feed wrote it
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page
    assert "</td><script>alert(2)</script>" in text
    # The hostile lang value never becomes an attribute (it is not a language tag).
    assert not any("onmouseover" in v for _, a in doc.tags for v in a.values() if v)
    assert "1 of 13 feeds had errors" in page and "&lt;i&gt;http_5xx&lt;/i&gt;" in page
    assert "javascript:" not in markdown and "<script" not in markdown
    assert "&lt;script&gt;" in markdown


def test_empty_database_gives_a_valid_report(db_path):
    open_store(db_path).close()
    page, markdown = _report(db_path, now=datetime(2026, 11, 28, 6, 0, tzinfo=UTC))
    doc = parse(page)
    assert "Nothing yet" in page and page.rstrip().endswith("</html>")
    assert "svg" not in [t for t, _ in doc.tags]
    assert "Nothing yet" in markdown


def test_window_without_stories_says_so(demo_db):
    page, markdown = _report(demo_db, now=datetime(2099, 1, 1, tzinfo=UTC), days=7)
    assert "Nothing yet" in page and "Nothing yet" in markdown


def test_markdown_lists_top_stories_with_links(demo_db):
    _, markdown = _report(demo_db)
    assert markdown.startswith("# ")
    top = [line for line in markdown.splitlines() if line[:3] in {f"{i}. " for i in range(1, 10)}]
    assert 5 <= len(top) <= 10
    assert "](https://" in top[0] and " outlets: " in top[0]  # the most widely carried story comes first


def test_parquet_export_reads_back_with_the_same_counts(demo_db, tmp_path):
    out = tmp_path / "parquet"
    first = export_parquet(demo_db, out)
    again = export_parquet(demo_db, out)  # overwriting an earlier export is safe
    assert first == again and first["articles"] > 50
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        for table, rows in first.items():
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == rows
        assert con.execute(f"select count(*) from read_parquet('{out}/articles/*/*.parquet', hive_partitioning = true)"
                           ).fetchone()[0] == first["articles"]
        assert con.execute(f"select count(*) from '{out}/article_topics.parquet' where is_match").fetchone()[0] > 0
        days = {p.name for p in (out / "articles").iterdir()}
        assert all(d.startswith("first_seen_day=") for d in days)
    finally:
        con.close()
