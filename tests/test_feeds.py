"""Feed registry: the shipped seed file, CSV validation, OPML import/export and merging."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from newsmon.feeds import CSV_COLUMNS, FeedCsvError, merge_feeds, read_feeds_csv, url_key, write_feeds_csv
from newsmon.opml import OpmlError, feeds_from_opml, feeds_to_opml, slug_feed_id
from newsmon.records import Feed

ROOT = Path(__file__).resolve().parents[1]
SEED_FEEDS = ROOT / "seeds" / "feeds.csv"
OPML_FIXTURES = Path(__file__).parent / "fixtures" / "opml"


def write(tmp_path: Path, text: str, name: str = "feeds.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped seed file -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_feeds() -> list[Feed]:
    return read_feeds_csv(SEED_FEEDS)


def test_seed_file_header_is_exact():
    first_line = SEED_FEEDS.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == ",".join(CSV_COLUMNS)


def test_seed_file_is_large_and_multilingual(seed_feeds):
    assert len(seed_feeds) >= 45
    languages = Counter(feed.language for feed in seed_feeds)
    assert None not in languages, "every seed feed declares its language"
    assert len(languages) >= 8
    # The topic's core languages each have at least two independent sources.
    for lang in ("ru", "ko", "en", "ja", "zh", "hi"):
        assert languages[lang] >= 2, lang


def test_seed_file_ids_and_urls_are_unique_and_http(seed_feeds):
    ids = [feed.feed_id for feed in seed_feeds]
    assert len(ids) == len(set(ids))
    keys = [url_key(feed.url) for feed in seed_feeds]
    assert len(keys) == len(set(keys))
    assert all(feed.url.startswith(("https://", "http://")) for feed in seed_feeds)
    assert all(feed.country and len(feed.country) == 2 for feed in seed_feeds)


def test_seed_sides_only_mark_outlets_of_a_side(seed_feeds):
    sides = {feed.feed_id: feed.side for feed in seed_feeds if feed.side}
    assert sides.get("kcna_watch") == "dprk"
    # Russian state media report on everything: they must not stand in for the Russian side.
    assert not any(feed.side for feed in seed_feeds if feed.feed_id.startswith(("tass", "ria")))


def test_seed_google_news_queries_are_encoded(seed_feeds):
    google = [feed for feed in seed_feeds if feed.url.startswith("https://news.google.com/rss/search?")]
    assert len({feed.language for feed in google}) >= 6
    for feed in google:
        assert feed.url.isascii() and " " not in feed.url and '"' not in feed.url
        assert "&hl=" in feed.url and "&gl=" in feed.url and "&ceid=" in feed.url


# --- CSV -------------------------------------------------------------------------------------------


def test_minimal_csv_with_required_columns_only(tmp_path):
    path = write(tmp_path, "feed_id,name,url\nnk_news,NK News,https://www.nknews.org/feed/\n")
    assert read_feeds_csv(path) == [Feed("nk_news", "NK News", "https://www.nknews.org/feed/")]


def test_csv_optional_columns_bom_whitespace_and_extra_columns(tmp_path):
    text = (
        "\ufeff feed_id , name ,url,language,country,active,side,notes\n"
        " tass_ru , ТАСС , https://tass.ru/rss/v2.xml , RU , ru , No , ,state wire\n"
        "kcna,KCNA Watch,https://kcnawatch.org/feed/,en,KP,YES,dprk,\n"
        "\n"
        "bare,Bare,http://example.org/rss,,,,,\n"
    )
    feeds = read_feeds_csv(write(tmp_path, text))
    assert feeds == [
        Feed("tass_ru", "ТАСС", "https://tass.ru/rss/v2.xml", "ru", "RU", False, None, notes="state wire"),
        Feed("kcna", "KCNA Watch", "https://kcnawatch.org/feed/", "en", "KP", True, "dprk"),
        Feed("bare", "Bare", "http://example.org/rss", None, None, True, None),
    ]


def test_csv_errors_name_file_and_line_and_are_all_reported(tmp_path):
    text = (
        "feed_id,name,url,language,active\n"
        "ok,Fine,https://example.org/a,en,true\n"
        "ftp,Bad scheme,ftp://x,en,true\n"
        "Bad Id,Bad id,https://example.org/b,en,true\n"
        "ok,Duplicate id,https://example.org/c,en,true\n"
        "lang,Bad language,https://example.org/d,english,true\n"
        "act,Bad active,https://example.org/e,en,maybe\n"
        ",No id,https://example.org/f,en,true\n"
        "dup_url,Same URL other case,HTTPS://EXAMPLE.ORG/a,en,true\n"
        "comma,Name, with comma,https://example.org/g,en,true\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(FeedCsvError) as info:
        read_feeds_csv(path)
    errors = info.value.errors
    assert all(error.startswith(f"{path}:") for error in errors)
    assert f"{path}:3: url must be http(s): 'ftp://x'" in errors
    by_line = {int(error.split(":")[1]) for error in errors}
    assert by_line == {3, 4, 5, 6, 7, 8, 9, 10}
    message = str(info.value)
    assert "duplicate feed_id 'ok' (first on line 2)" in message
    assert "language must be" in message and "active must be" in message
    assert "missing value for feed_id" in message
    assert "duplicate url" in message
    assert "fields but the header has" in message


def test_csv_missing_required_column_is_one_clear_error(tmp_path):
    path = write(tmp_path, "feed_id,name,link\na,A,https://example.org/\n")
    with pytest.raises(FeedCsvError, match=r"feeds\.csv:1: missing required column\(s\): url"):
        read_feeds_csv(path)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "feed://example.org/rss",
        "https://",
        "https://ex ample.org/",
    ],
)
def test_csv_rejects_unfetchable_urls(tmp_path, url):
    path = write(tmp_path, f"feed_id,name,url\nx,X,{url}\n")
    with pytest.raises(FeedCsvError, match=r":2: url "):
        read_feeds_csv(path)


def test_csv_write_then_read_round_trips(tmp_path, seed_feeds):
    path = tmp_path / "out.csv"
    write_feeds_csv(seed_feeds, path)
    assert read_feeds_csv(path) == seed_feeds
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"], "no temporary file left behind"


# --- OPML ------------------------------------------------------------------------------------------


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
