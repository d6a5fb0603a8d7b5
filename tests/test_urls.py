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
