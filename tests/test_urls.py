"""Canonical URLs and article ids: the keys of exact de-duplication."""

import pytest

from newsmon.urls import absolute_url, article_id, canonical_url, is_http_url


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("https://www.Wire.example/a/b?utm_source=rss&utm_medium=feed", "http://wire.example/a/b"),
        ("https://wire.example/a/b/?fbclid=1#comments", "https://wire.example/a/b"),
        ("https://m.wire.example/a/b?id=3&page=2", "https://wire.example/a/b?page=2&id=3"),
        ("https://wire.example:443/a//b", "https://wire.example/a/b"),
        ("https://amp.wire.example/a?gclid=x&utm_campaign=y&ref=tw", "https://wire.example/a"),
    ],
)
def test_same_page_same_canonical_url(left, right):
    assert canonical_url(left) == canonical_url(right)


def test_meaningful_query_and_path_are_kept():
    assert canonical_url("https://wire.example/a?id=1") != canonical_url("https://wire.example/a?id=2")
    assert canonical_url("https://wire.example/a") != canonical_url("https://wire.example/b")
    # a two-label host is not stripped: "m.example" is a domain, not a mobile prefix
    assert canonical_url("https://m.example/x").startswith("https://m.example/")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "//evil.example/x",
                                 "ftp://x.example/", "", None, "http://"])
def test_only_http_links_survive(url):
    assert absolute_url(url, None) is None or url == "//evil.example/x"
    assert not is_http_url(url)


def test_relative_links_resolve_against_the_feed_url():
    assert absolute_url("/local/a", "https://outlet.example/world/feed.xml") == "https://outlet.example/local/a"
    assert absolute_url("javascript:x", "https://outlet.example/") is None


def test_article_id_prefers_url_then_guid_then_content():
    by_url = article_id("https://wire.example/a?utm_source=x", "guid-1", "f1", "T", "x")
    assert by_url == article_id("https://www.wire.example/a", "guid-2", "f2", "Other", "y")
    assert article_id(None, "g", "f1", "T", "x") == article_id(None, "g", "f1", "U", "y")
    assert article_id(None, "g", "f1", "T", "x") != article_id(None, "g", "f2", "T", "x")
    assert article_id(None, None, "f1", "T", "x") != article_id(None, None, "f1", "T", "z")
    assert len(by_url) == 16


@pytest.mark.parametrize("url, shown", [
    ("https://user:pa%23ss@feeds.example.org/rss", "https://***@feeds.example.org/rss"),
    ("https://feeds.example.org/rss?api_key=abc123&lang=ru", "https://feeds.example.org/rss?api_key=***&lang=ru"),
    ("https://feeds.example.org/rss?token=t0k&x-access-token=z", "https://feeds.example.org/rss?token=***&x-access-token=***"),
    ("https://feeds.example.org/rss?lang=ru&monkey=1", "https://feeds.example.org/rss?lang=ru&monkey=1"),
    ("http://[::1]:8080/feed?sig=s", "http://[::1]:8080/feed?sig=***"),
])
def test_feed_urls_are_shown_without_their_credentials(url, shown):
    from newsmon.urls import redact_url, redact_urls_in

    assert redact_url(url) == shown
    assert redact_urls_in(f"connect failed for {url}: refused") == f"connect failed for {shown}: refused"


def test_a_run_stores_no_credential_of_a_feed_url(tmp_path, fixture_server):
    from dataclasses import replace

    import duckdb
    from conftest import write_feeds_csv

    from newsmon.feeds import read_feeds_csv
    from newsmon.run.config import run_config
    from newsmon.run.loop import run_ingest
    from newsmon.settings import Settings

    host = fixture_server.split("//", 1)[1]
    feeds = read_feeds_csv(write_feeds_csv(tmp_path / "feeds.csv", [
        ("a", "A", f"http://reader:s3cret@{host}/feeds/wire_outlet_a.xml?token=T0KEN"),
        ("gone", "Gone", f"http://reader:s3cret@{host}/feeds/no_such.xml?api_key=K3Y")]))
    db = tmp_path / "db.duckdb"
    run_ingest(feeds, replace(run_config(Settings.from_env(), db), read_copy=False))
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = repr(con.execute("select * from fetch_events").fetchall()
                      + con.execute("select * from feed_state").fetchall())
    finally:
        con.close()
    assert "s3cret" not in stored and "T0KEN" not in stored and "K3Y" not in stored
