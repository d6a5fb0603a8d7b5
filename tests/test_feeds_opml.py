"""OPML import and export, and merging, diffing and updating registries (newsmon/opml.py, feed_updates.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_feeds import OPML_FIXTURES, SEED_FEEDS, seed_feeds, write  # noqa: F401 - seed_feeds is a fixture

from newsmon.feed_updates import diff_feeds, merge_feeds, update_feeds
from newsmon.feeds import read_feeds_csv, write_feeds_csv
from newsmon.opml import OpmlError, feeds_from_opml, feeds_to_opml, slug_feed_id
from newsmon.records import Feed


def test_opml_round_trip_keeps_every_field(seed_feeds):
    inactive = Feed("old", "Old & <gone>", "https://example.org/rss?a=1&b=2", "ko", "KR", False, "dprk")
    feeds = [*seed_feeds, inactive]
    assert feeds_from_opml(feeds_to_opml(feeds).encode("utf-8")) == feeds


def test_opml_export_is_plain_opml_that_readers_understand(seed_feeds):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(feeds_to_opml(seed_feeds[:3], title="Russia & DPRK"))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Russia & DPRK"
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [feed.url for feed in seed_feeds[:3]]
    assert all(o.get("type") == "rss" and o.get("text") and o.get("title") for o in outlines)


def test_opml_import_from_a_reader_with_nested_folders():
    feeds = feeds_from_opml((OPML_FIXTURES / "reader_nested_categories.opml").read_bytes())
    by_url = {feed.url: feed for feed in feeds}
    assert len(feeds) == len(by_url) == 9
    assert by_url["https://www.nknews.org/feed/"].feed_id == "nk_news"
    assert by_url["https://www.nknews.org/category/news/feed/"].feed_id == "nk_news_2"
    assert by_url["https://www.38north.org/feed/"].language == "en"
    assert by_url["https://www.yna.co.kr/rss/northkorea.xml"].feed_id == "yna_co_kr"
    assert by_url["https://www.yna.co.kr/rss/northkorea.xml"].name == "연합뉴스 북한"
    assert by_url["https://tass.com/rss/v2.xml"].name == "TASS"
    assert by_url["https://tass.ru/rss/v2.xml"].feed_id == "tass_ru"
    assert by_url["https://meduza.io/rss2/all"].name == "Meduza: news & analysis"
    google = [url for url in by_url if url.startswith("https://news.google.com/")]
    query = "q=Russia%20%22North%20Korea%22&hl=en-US&gl=US&ceid=US:en"
    assert google == [f"https://news.google.com/rss/search?{query}"]
    assert not any("pyongyangtimes" in url for url in by_url)
    assert len({feed.feed_id for feed in feeds}) == 9


def test_opml_feed_ids_are_stable_across_imports():
    data = (OPML_FIXTURES / "reader_nested_categories.opml").read_bytes()
    assert [f.feed_id for f in feeds_from_opml(data)] == [f.feed_id for f in feeds_from_opml(data)]


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("Süddeutsche Zeitung: Politik", "https://rss.sueddeutsche.de/rss/Politik",
         "suddeutsche_zeitung_politik"),
        ("Российская газета", "https://rg.ru/xml/index.xml", "rg_ru"),
        ("新华网", "http://www.xinhuanet.com/politics/news_politics.xml", "xinhuanet_com"),
        ("РИА Новости RSS", "https://ria.ru/export/rss2/world/index.xml", "ria_ru"),
        ("!!!", "https://example.org/", "example_org"),
    ],
)
def test_slug_feed_id(name, url, expected):
    assert slug_feed_id(name, url) == expected


def test_opml_with_bad_feed_urls_is_rejected_naming_lines():
    data = b"""<opml version="2.0"><body>
<outline text="ok" xmlUrl="https://example.org/rss"/>
<outline text="bad" xmlUrl="javascript:alert(1)"/>
<outline text="local" XMLURL="file:///etc/passwd"/>
</body></opml>"""
    with pytest.raises(OpmlError) as info:
        feeds_from_opml(data)
    assert "line 3: url must be http(s): 'javascript:alert(1)'" in str(info.value)
    assert "line 4: url must be http(s): 'file:///etc/passwd'" in str(info.value)


@pytest.mark.parametrize("encoding", ["euc-kr", "shift_jis", "gb2312", "windows-1251", "utf-16"])
def test_opml_in_legacy_encodings_is_read(encoding):
    names = {"euc-kr": "북한", "shift_jis": "北朝鮮", "gb2312": "朝鲜", "windows-1251": "КНДР", "utf-16": "КНДР"}
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<opml version="1.0"><body>'
        f'<outline text="{names[encoding]}" xmlUrl="https://example.org/rss"/></body></opml>'
    )
    [feed] = feeds_from_opml(document.encode(encoding))
    assert feed.name == names[encoding]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<rss version='2.0'><channel/></rss>", "not an OPML document"),
        (b"<opml><body><outline text='x'", "not well-formed"),
        (b"", "not well-formed"),
        (b"<opml><body><outline text='&nbsp;' xmlUrl='https://a.org/'/></body></opml>", "undefined entity"),
        (b'<?xml version="1.0" encoding="bogus"?><opml/>', "unknown encoding"),
        (b'<?xml version="1.0" encoding="euc-kr"?><opml text="\xff\xff"/>', "do not match the declared encoding"),
    ],
)
def test_opml_malformed_documents_give_clear_errors(data, message):
    with pytest.raises(OpmlError, match=message):
        feeds_from_opml(data)


def _billion_laughs() -> bytes:
    """Nine levels of ten references each: ~3 GB of text if anything expanded it."""
    declarations = ['<!ENTITY lol0 "lol">']
    declarations += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE opml [\n' + "\n".join(declarations) + "\n]>\n"
        '<opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://example.org/rss"/></body></opml>\n'
    ).encode()


BILLION_LAUGHS = _billion_laughs()

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://example.org/rss"/></body></opml>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "http://169.254.169.254/latest/meta-data/">
<opml version="2.0"><body><outline text="x" xmlUrl="https://example.org/rss"/></body></opml>
"""


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, XXE, EXTERNAL_DTD, BILLION_LAUGHS.decode().encode("utf-16")],
    ids=["billion-laughs", "xxe-file", "external-dtd", "billion-laughs-utf16"],
)
def test_hostile_opml_is_refused_before_any_entity_is_expanded(data):
    # The message proves the DOCTYPE guard fired, not expat's own amplification limit
    # (which would still have let the first levels of the bomb expand).
    with pytest.raises(OpmlError, match="DOCTYPE"):
        feeds_from_opml(data)


def test_oversized_opml_is_refused_without_parsing():
    with pytest.raises(OpmlError, match="too large"):
        feeds_from_opml(b"<opml>" + b" " * (11 * 1024 * 1024) + b"</opml>")


# --- merge -----------------------------------------------------------------------------------------


def test_merge_adds_only_new_urls_and_never_renames_existing():
    existing = [
        Feed("tass_en", "TASS", "https://tass.com/rss/v2.xml", "en"),
        Feed("nk_news", "NK News", "https://www.nknews.org/feed/", "en"),
    ]
    imported = [
        Feed("tass", "TASS (reader)", "HTTPS://TASS.COM:443/rss/v2.xml"),  # same feed, host case + port
        Feed("nk_news", "NK News category", "https://www.nknews.org/category/news/feed/"),  # id clash
        Feed("daily_nk", "Daily NK", "https://www.dailynk.com/english/feed/"),
        Feed("daily_nk", "Daily NK again", "https://www.dailynk.com/english/feed/"),
    ]
    merged, added = merge_feeds(existing, imported)
    assert added == 2
    assert merged[:2] == existing
    assert [(f.feed_id, f.url) for f in merged[2:]] == [
        ("nk_news_2", "https://www.nknews.org/category/news/feed/"),
        ("daily_nk", "https://www.dailynk.com/english/feed/"),
    ]


def test_merge_treats_path_case_as_significant():
    existing = [Feed("a", "A", "https://example.org/RSS")]
    _, added = merge_feeds(existing, [Feed("b", "B", "https://example.org/rss")])
    assert added == 1


def test_merge_of_reimported_export_adds_nothing(seed_feeds):
    merged, added = merge_feeds(seed_feeds, feeds_from_opml(feeds_to_opml(seed_feeds).encode()))
    assert (merged, added) == (seed_feeds, 0)


# --- registry updates: diff and update against the shipped list ----------------------------------

SHIPPED = [
    Feed("kcna", "KCNA", "https://kcnawatch.org/feed/", "en", critical=True, fallbacks=("gn_kcna",)),
    Feed("gn_kcna", "GN KCNA", "https://news.google.com/rss/search?q=site:kcna.kp", "en", active=False,
         role="fallback"),
    Feed("kyodo", "Kyodo", "https://english.kyodonews.net/rss/all.xml", "en", active=False, notes="DEAD: 404"),
    Feed("mundo", "BBC Mundo", "https://www.bbc.com/mundo/index.xml", "es"),
    Feed("new_one", "New", "https://example.org/new", "ko"),
]


def local_registry() -> list[Feed]:
    return [
        Feed("kcna", "KCNA", "https://kcnawatch.org/feed/", "en"),
        Feed("kyodo", "Kyodo", "https://english.kyodonews.net/rss/all.xml", "en"),
        Feed("mundo", "BBC Mundo (mine)", "https://feeds.bbci.co.uk/mundo/rss.xml", "es"),
        Feed("gn_kcna", "My own feed", "https://example.org/mine", "en"),  # id clash with a shipped feed
    ]


def test_diff_lists_new_changed_and_local_only_feeds():
    changes = {(c.kind, c.feed_id): c for c in diff_feeds(local_registry(), SHIPPED)}
    assert set(changes) == {("changed", "kcna"), ("changed", "gn_kcna"), ("changed", "kyodo"),
                            ("changed", "mundo"), ("new", "new_one")}
    assert {column for column, _, _ in changes["changed", "kyodo"].changes} == {"active", "notes"}
    assert ("critical", "", "true") in changes["changed", "kcna"].changes
    assert diff_feeds(SHIPPED, SHIPPED) == []
    only_mine = diff_feeds([*SHIPPED, Feed("mine", "Mine", "https://example.org/m")], SHIPPED)
    assert [(c.kind, c.feed_id) for c in only_mine] == [("local_only", "mine")]


def test_update_adds_new_feeds_and_takes_only_the_changes_asked_for(tmp_path):
    local = local_registry()
    feeds, added, replaced = update_feeds(local, SHIPPED, take=("kyodo", "kcna"))
    by_id = {feed.feed_id: feed for feed in feeds}
    assert added == 1 and replaced == 2
    assert feeds[: len(local)] != local and by_id["mundo"] == local[2]  # not taken: left alone
    assert not by_id["kyodo"].active and by_id["kyodo"].notes == "DEAD: 404"
    # The shipped gn_kcna pairs with the local feed of that id, which is not a fallback feed: the
    # taken kcna row must not point at the user's own feed.
    assert by_id["kcna"].critical and by_id["kcna"].fallbacks == ()
    assert by_id["new_one"].url == "https://example.org/new"
    path = tmp_path / "updated.csv"
    write_feeds_csv(feeds, path)
    assert read_feeds_csv(path) == feeds


def test_update_of_an_unedited_old_registry_with_everything_taken_is_the_shipped_list(seed_feeds):
    old = [replace(feed, notes=None) for feed in seed_feeds if feed.role == "primary"]
    old = [replace(feed, fallbacks=(), critical=False) for feed in old]
    feeds, added, _ = update_feeds(old, seed_feeds, take=("*",))
    assert sorted(feeds, key=lambda f: f.feed_id) == sorted(seed_feeds, key=lambda f: f.feed_id)
    assert added == sum(1 for feed in seed_feeds if feed.role == "fallback")
