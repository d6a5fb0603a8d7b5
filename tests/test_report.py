"""The HTML report and Markdown summary: built from a real demo database, with hostile feed text
inserted into a copy of it, and from an empty database."""

import json
import shutil
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import duckdb
import pytest
from demo_db import shared_demo_db

from newsmon.db import sql
from newsmon.export import export_parquet
from newsmon.report.data import LATEST_STORIES, read_report_data, story_snippets
from newsmon.report.markdown import render_markdown, top_stories
from newsmon.report.publish import build_report, build_report_and_markdown, report_markdown
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
    event_rows = sum(1 for t, a in doc.tags if t == "tr" and a.get("class") == "event")
    assert event_rows >= 1, "the Wonsan meeting's stories are grouped under one event row"
    assert tags.count("tr") == matching + 1 + event_rows  # one row per story and event, plus the header
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
            con.execute("insert into articles (article_id, url, guid, title, text, author, published_at, first_seen_at,"
                        " updated_at, feed_id, lang, lang_prob, content_hash, run_id, story_id)"
                        " values (?, ?, null, ?, 'text', null, ?, ?, ?, 'evil',"
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


@pytest.fixture
def edge_db(demo_db, tmp_path):
    """A copy of the demo database with the cases a windowed read could get wrong: a recent story
    with a matching copy stored long ago, an old article re-dated into the window, and event links
    from recent stories to an old story and to a recent non-matching one in another language."""
    db = tmp_path / "edge.duckdb"
    shutil.copy(demo_db, db)
    now = _now(demo_db)
    con = duckdb.connect(str(db))
    try:
        recent = [r[0] for r in con.execute(
            "select coalesce(a.story_id, a.article_id) from articles as a join article_topics as t using (article_id)"
            " where t.is_match group by 1 order by max(a.first_seen_at) desc limit 3").fetchall()]
        other = con.execute("select coalesce(story_id, article_id), lang from articles as a where not exists"
                            " (select 1 from article_topics as t where t.article_id = a.article_id and t.is_match)"
                            " order by first_seen_at desc limit 1").fetchone()
        old, redated = now - timedelta(days=60), now - timedelta(days=90)
        for article_id, story_id, seen, published, lang in (
            ("edgeoldcopy0001", recent[0], old, old, "en"),
            ("edgeredated0001", "edgeredated0001", redated, now - timedelta(days=2), "de"),
            ("edgeoldstory001", "edgeoldstory001", old, old, "fr"),
        ):
            con.execute("insert into articles (article_id, url, guid, title, text, author, published_at, first_seen_at,"
                        " updated_at, feed_id, lang, lang_prob, content_hash, run_id, story_id)"
                        " values (?, ?, null, 'Edge case', 'text', null, ?, ?, ?, 'edge', ?, 0.9,"
                        " 'h', 'r', ?)", [article_id, f"https://edge.example/{article_id}", published, seen, seen,
                                          lang, story_id])
            con.execute("insert into article_feeds values (?, 'edge', ?)", [article_id, seen])
            con.execute("insert into article_topics values (?, 'russia_dprk', 1.0, true, ['military'], '[]', ?)",
                        [article_id, seen])
        con.execute("insert into story_events values (?, 'edgeoldstory001', ?), ('edgeoldstory001', 'edgeoldstory001', ?),"
                    " (?, ?, ?), (?, ?, ?)", [recent[1], now, now, recent[2], recent[2], now, other[0], recent[2], now])
    finally:
        con.close()
    return db


def _full_rows(con, name, since=None):
    cursor = con.execute(sql(f"queries/{name}"), {"since": since.isoformat()} if since else None)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


@pytest.mark.parametrize("days", [1, 3, 30])
def test_report_reads_the_same_rows_as_the_named_queries_on_all_history(edge_db, days):
    """The report reads a working set of the window's stories; the named queries over the full
    tables, cut to the window afterwards, are the reference."""
    con = duckdb.connect(str(edge_db), read_only=True)
    try:
        now = _now(edge_db)
        total = con.execute("select count(*) from articles").fetchone()[0]
        data = read_report_data(con, now, days)
        first_day = now.date() - timedelta(days=days - 1)
        first_week = first_day - timedelta(days=first_day.weekday())
        since = datetime.combine(first_day, datetime.min.time(), UTC)
        by_day = {"daily_matching_stories_by_language": "day", "daily_matching_stories_by_outlet": "day"}
        for name, rows in (("daily_matching_stories_by_language", data.by_language),
                           ("daily_matching_stories_by_outlet", data.by_outlet)):
            expected = [r for r in _full_rows(con, name) if first_day <= r[by_day[name]]]
            assert sorted(map(repr, rows)) == sorted(map(repr, expected)), name
        expected = [r for r in _full_rows(con, "subtopic_trend_by_week") if first_week <= r["week"]]
        assert sorted(map(repr, data.subtopics)) == sorted(map(repr, expected))
        stories = _full_rows(con, "new_stories_since", since)
        # each latest story as new_stories_since gives it, with its event and the event's languages
        assert [{k: s[k] for k in stories[0]} for s in data.stories] == stories[:LATEST_STORIES]
        assert all(s["event_id"] and set(s["languages"]) <= set(s["event_languages"]) for s in data.stories)
        assert data.totals == {"stories": len(stories), "articles": sum(s["article_count"] for s in stories),
                               "languages": len({lang for s in stories for lang in s["languages"]}),
                               "outlets": len({o for s in stories for o in s["outlets"]})}
        assert data.events == _full_rows(con, "cross_language_events", since)
        assert [{k: f[k] for k in data.feeds[0]} for f in _full_rows(con, "feed_health")] == data.feeds
        # today's window is empty just after midnight UTC (the demo is dated by the clock): the wider ones are not
        assert days == 1 or (data.by_language and data.events)
        assert "edgeoldcopy0001" not in {s["story_id"] for s in data.stories}  # its first copy is old
        # each shown story's snippet (body passage or teaser) as the query gives it on the full tables
        full_snippets = story_snippets(con, [s["story_id"] for s in data.stories])
        assert [{k: s[k] for k in ("snippet", "snippet_from", "snippet_lang", "body_only")} for s in data.stories] == [
            full_snippets[s["story_id"]] for s in data.stories]
        assert all(s["snippet"] and s["snippet_from"] == "teaser" for s in data.stories)  # no page of the demo was read
        markdown_since = now - timedelta(days=days)
        markdown_stories = _full_rows(con, "new_stories_since", markdown_since)
        assert report_markdown(con, now, days) == render_markdown(
            now, days, markdown_stories, _full_rows(con, "cross_language_events", markdown_since),
            snippets=story_snippets(con, [s["story_id"] for s in top_stories(markdown_stories)]))
        # A run's report and summary share the report's working set: the same pages as apart.
        for markdown_days in (1, days):
            together = build_report_and_markdown(con, now, days, markdown_days)
            assert together == (build_report(con, now, days), report_markdown(con, now, markdown_days))
        # The working set is gone afterwards: the same connection sees every article again.
        assert con.execute("select count(*) from articles").fetchone()[0] == total
    finally:
        con.close()


def test_working_set_leaves_out_old_rows_and_keeps_late_and_backfilled_ones(db_path):
    """The working set's time-bounded reads against rows outside the window: an old matching story
    (with its old event, merged into another old one) is left out; a backfill published long before
    it was first seen, an old article re-dated into the window, an old copy of a window story and an
    old story in a window story's event (through a merge) are kept, as reads of all history give."""
    from newsmon.report.data import working_set

    now = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    old, days_ago = now - timedelta(days=200), lambda n: now - timedelta(days=n)
    con = open_store(db_path)
    try:
        # article_id, story_id, first seen, published, matches
        for article_id, story_id, seen, published, match in (
            ("oldstory", "oldstory", old, old, True),            # left out: all of it is old
            ("oldother", "oldother", old, old, True),            # left out: its event is old too
            ("backfill", "backfill", days_ago(1), old, True),    # kept: first seen in the window
            ("redated", "redated", old, days_ago(2), True),      # kept: published in the window
            ("recent", "recent", days_ago(3), None, True),       # kept, and its old copy with it
            ("oldcopy", "recent", old, old, False),
            ("sibling", "sibling", days_ago(150), None, True),   # kept: in recent's event, merged
        ):
            con.execute("insert into articles (article_id, url, title, text, published_at, first_seen_at, updated_at,"
                        " feed_id, lang, lang_prob, content_hash, run_id, story_id) values"
                        " (?, ?, 'Lavrov meets Choe', 'text', ?, ?, ?, 'f', 'en', 0.9, 'h', 'r', ?)",
                        [article_id, f"https://x.example/{article_id}", published, seen, seen, story_id])
            con.execute("insert into article_feeds values (?, 'f', ?)", [article_id, seen])
            con.execute("insert into article_topics values (?, 'russia_dprk', 1.0, ?, ['diplomacy'], '[]', ?)",
                        [article_id, match, seen])
        for story_id, event_id, linked in (("oldstory", "oldstory", old), ("oldother", "oldother", old),
                                           ("sibling", "sibling", days_ago(150)), ("recent", "recent", days_ago(3))):
            con.execute("insert into event_stories values (?, ?, ?, 'en', ?, [], false, null, ?)",
                        [story_id, event_id, story_id, linked, linked])
        con.execute("insert into event_merges values ('oldother', 'oldstory', ?), ('recent', 'sibling', ?)",
                    [old, days_ago(3)])
    finally:
        con.close()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        since = datetime.combine((now - timedelta(days=6)).date(), datetime.min.time(), UTC)
        with working_set(con, seen_since=since, published_since=since - timedelta(days=3)):
            kept = {r[0] for r in con.execute("select article_id from articles").fetchall()}
            events = dict(con.execute("select story_id, event_id from story_event_ids").fetchall())
            topics = con.execute("select count(*) from article_topics").fetchone()[0]
            feeds = con.execute("select count(*) from article_feeds").fetchone()[0]
        assert kept == {"backfill", "redated", "recent", "oldcopy", "sibling"}
        assert events == {"recent": "sibling", "sibling": "sibling"}  # the merge followed, as on all history
        assert topics == feeds == len(kept)
        assert events.items() <= dict(con.execute("select story_id, event_id from story_event_ids").fetchall()).items()
        data = read_report_data(con, now, 7)
        assert [s["story_id"] for s in data.stories] == [
            s["story_id"] for s in _full_rows(con, "new_stories_since", since)][:LATEST_STORIES]
    finally:
        con.close()
