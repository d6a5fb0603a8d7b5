"""Feed registry: the shipped seed file, CSV validation, OPML import/export and merging."""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import pytest

from newsmon.feed_options import USER_AGENT_PRESETS, fetch_request_for
from newsmon.feeds import CSV_COLUMNS, FeedCsvError, is_google_news, read_feeds_csv, url_key, write_feeds_csv
from newsmon.opml import OpmlError, feeds_from_opml, feeds_to_opml
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


def test_seed_file_has_100_active_feeds_in_11_languages(seed_feeds):
    active = [feed for feed in seed_feeds if feed.active]
    assert len(active) >= 100
    languages = Counter(feed.language for feed in active)
    assert len(languages) >= 11, languages
    for lang in ("ru", "ko", "en", "ja", "zh", "hi", "uk", "ar", "de", "fr", "es"):
        assert languages[lang] >= 3, lang


def test_seed_google_news_searches_are_at_most_15_percent_of_active_feeds(seed_feeds):
    active = [feed for feed in seed_feeds if feed.active]
    google = [feed for feed in active if is_google_news(feed.url)]
    assert len(google) <= 0.15 * len(active), f"{len(google)} of {len(active)}"
    searches = [feed for feed in google if feed.feed_id.startswith("gnews_")]
    assert all("when%3A2d" in feed.url for feed in searches), "a recency window on every topic search"
    assert not any(feed.fulltext for feed in seed_feeds if is_google_news(feed.url))


def test_seed_every_feed_says_what_it_covers(seed_feeds):
    assert all(feed.notes and len(feed.notes) >= 15 for feed in seed_feeds)
    # Feeds kept but switched off say why (dead, unverified, over the Google News budget).
    for feed in seed_feeds:
        if not feed.active and feed.role == "primary":
            assert any(word in feed.notes for word in ("DEAD", "UNVERIFIED", "Off by default")), feed.feed_id


def test_seed_dead_feeds_are_off_and_replaced(seed_feeds):
    by_id = {feed.feed_id: feed for feed in seed_feeds}
    for dead, replacements in {"kyodo_en": ("gn_kyodo_en", "kyodo_ja_yahoo"),
                               "kyiv_independent": ("gn_kyiv_independent",)}.items():
        assert not by_id[dead].active and by_id[dead].notes.startswith("DEAD")
        assert all(by_id[r].active for r in replacements)


def test_seed_primary_sources_and_fetch_options(seed_feeds):
    by_id = {feed.feed_id: feed for feed in seed_feeds}
    assert by_id["kcna_watch"].critical and by_id["kcna_watch"].fallbacks
    assert by_id["kcna_newstream"].critical and by_id["kcna_newstream"].side == "dprk"
    for feed_id in ("tass_ru", "tass_en"):
        assert by_id[feed_id].user_agent == "browser"
        assert fetch_request_for(by_id[feed_id]).user_agent == USER_AGENT_PRESETS["browser"]
    assert fetch_request_for(by_id["nk_news"]).user_agent is None  # everyone else gets newsmon's own
    fallbacks = {other for feed in seed_feeds for other in feed.fallbacks}
    assert fallbacks == {feed.feed_id for feed in seed_feeds if feed.role == "fallback"}
    assert not any(by_id[feed_id].active for feed_id in fallbacks)


# --- per-feed options ------------------------------------------------------------------------------

OPTIONS_HEADER = "feed_id,name,url,active,role,critical,fallbacks,user_agent,headers,interval_hours,fulltext,notes\n"


def test_options_are_parsed_into_hashable_values(tmp_path):
    text = OPTIONS_HEADER + (
        'kcna,KCNA Watch,https://kcnawatch.org/feed/,,,TRUE,gn_kcna spare,,,,,"DPRK state media, mirrored"\n'
        "gn_kcna,GN KCNA,https://news.google.com/rss/search?q=site:kcna.kp,false,fallback,,,,,,,KCNA via GN\n"
        "spare,Spare,https://example.org/spare,,Fallback,,,,,,,\n"
        'tass,TASS,https://tass.ru/rss/v2.xml,,,,,Browser,"Accept: text/xml;q=0.9; X-Test:  1 ",24,,\n'
        "mine,Mine,https://example.org/a,yes,,no,,Mozilla/5.0 (compatible; mine/1.0),,0.5,1,\n"
    )
    kcna, gn_kcna, spare, tass, mine = read_feeds_csv(write(tmp_path, text))
    assert kcna.critical and kcna.fallbacks == ("gn_kcna", "spare") and kcna.notes == "DPRK state media, mirrored"
    assert (gn_kcna.role, gn_kcna.active, spare.role, spare.active) == ("fallback", False, "fallback", False)
    assert tass.user_agent == "browser" and tass.interval_hours == 24.0
    assert tass.headers == (("Accept", "text/xml;q=0.9"), ("X-Test", "1"))
    assert mine.user_agent == "Mozilla/5.0 (compatible; mine/1.0)" and mine.fulltext and mine.interval_hours == 0.5
    assert len({kcna, gn_kcna, spare, tass, mine}) == 5  # hashable
    assert pickle.loads(pickle.dumps([kcna, tass])) == [kcna, tass]  # records cross process boundaries
    path = tmp_path / "again.csv"
    write_feeds_csv([kcna, gn_kcna, spare, tass, mine], path)
    assert read_feeds_csv(path) == [kcna, gn_kcna, spare, tass, mine]


@pytest.mark.parametrize(("row", "message"), [
    ("a,A,https://e.org/a,,primary,maybe,,,,,,", "critical must be true/false"),
    ("a,A,https://e.org/a,,backup,,,,,,,", "role must be primary or fallback"),
    ("a,A,https://e.org/a,,,,,chrome,,,,", "user_agent is neither a preset (browser)"),
    ("a,A,https://e.org/a,,,,,Bot/1.0 \x07,,,,", "user_agent must be printable ASCII"),
    ("a,A,https://e.org/a,,,,,,Accept-Language ru,,,", "headers must read 'Name: value"),
    ("a,A,https://e.org/a,,,,,,Accept-Encoding: br,,,", "headers may not set Accept-Encoding"),
    ("a,A,https://e.org/a,,,,,,Authorization: Bearer x,,,", "headers may not set Authorization"),
    ("a,A,https://e.org/a,,,,,,X-A: 1; x-a: 2,,,", "header x-a is given twice"),
    ("a,A,https://e.org/a,,,,,,X-A:,,,", "header X-A needs a value"),
    ("a,A,https://e.org/a,,,,,,,0,,", "interval_hours must be a number of hours above 0"),
    ("a,A,https://e.org/a,,,,,,,daily,,", "interval_hours must be a number"),
    ("a,A,https://e.org/a,,,,,,,nan,,", "interval_hours must be a number"),
    ("a,A,https://e.org/a,,,,,,,200,,", "at most 168"),
    ("a,A,https://e.org/a,,,,,,,,sometimes,", "fulltext must be true/false"),
    ("a,A,https://news.google.com/rss/search?q=x,,,,,,,,true,", "fulltext cannot work on a Google News search"),
    ("a,A,https://e.org/a,,,,a,,,,,", "a feed cannot be its own fallback"),
    ("a,A,https://e.org/a,,,,nobody,,,,,", "fallbacks names unknown feed_id 'nobody'"),
    ("a,A,https://e.org/a,,,,Bad!,,,,,", "fallbacks must be feed ids"),
    ("a,A,https://e.org/a,,,,b b,,,,,", "fallbacks names a feed twice"),
    ("a,A,https://e.org/a,,,,b,,,,,", "fallback 'b' must have role=fallback"),
    ("a,A,https://e.org/a,true,fallback,,,,,,,", "a fallback feed is fetched only when needed"),
    ("a,A,https://e.org/a,,fallback,true,,,,,,", "a fallback feed cannot be critical"),
])
def test_bad_option_values_are_reported_with_file_and_line(tmp_path, row, message):
    other = "b,B,https://e.org/b,,,,,,,,,\n"
    path = write(tmp_path, OPTIONS_HEADER + other + row + "\n")
    with pytest.raises(FeedCsvError) as info:
        read_feeds_csv(path)
    assert any(error.startswith(f"{path}:3: ") and message in error for error in info.value.errors), info.value.errors


def test_old_seven_column_registry_still_loads(tmp_path):
    old = "\ufefffeed_id,name,url,language,country,active,side\nkcna,KCNA Watch,https://kcnawatch.org/feed/,en,KP,true,dprk\n"
    [feed] = read_feeds_csv(write(tmp_path, old))
    assert feed == Feed("kcna", "KCNA Watch", "https://kcnawatch.org/feed/", "en", "KP", True, "dprk")
    assert (feed.role, feed.critical, feed.fallbacks, feed.user_agent, feed.headers) == ("primary", False, (), None, ())


def test_opml_round_trip_keeps_the_options():
    feeds = [
        Feed("kcna", "KCNA", "https://kcnawatch.org/feed/", "en", "KP", True, "dprk", critical=True,
             fallbacks=("gn_kcna",), notes="DPRK state media"),
        Feed("gn_kcna", "GN", "https://news.google.com/rss/search?q=site:kcna.kp", "en", None, False, None,
             role="fallback"),
        Feed("tass", "TASS", "https://tass.ru/rss/v2.xml", "ru", user_agent="browser",
             headers=(("Accept-Language", "ru"),), interval_hours=6.0, fulltext=True),
    ]
    opml = feeds_to_opml(feeds)
    assert 'description="DPRK state media"' in opml and 'newsmon:user_agent="browser"' in opml
    assert feeds_from_opml(opml.encode()) == feeds


def test_opml_import_validates_options_naming_lines():
    data = b"""<opml version="2.0" xmlns:newsmon="https://newsmon.invalid/opml"><body>
<outline text="a" xmlUrl="https://example.org/a" newsmon:interval_hours="-1"/>
<outline text="b" xmlUrl="https://example.org/b" newsmon:fallbacks="nobody"/>
</body></opml>"""
    with pytest.raises(OpmlError) as info:
        feeds_from_opml(data)
    assert "line 2: interval_hours must be" in str(info.value)
    assert "line 3: fallbacks names unknown feed_id 'nobody'" in str(info.value)


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


def test_csv_errors_never_print_a_feed_url_s_credentials(tmp_path):
    # A private feed's URL (password in userinfo, token= in the query) listed twice, and a bad
    # scheme carrying a password: the one-line errors name the row without the secrets.
    text = (
        "feed_id,name,url,language,active\n"
        "a,A,https://reader:s3cret@example.org/rss?token=abc123,en,true\n"
        "b,B,https://reader:s3cret@example.org/rss?token=abc123,en,true\n"
        "c,C,ftp://ops:hunter2@example.org/feed,en,true\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(FeedCsvError) as info:
        read_feeds_csv(path)
    message = str(info.value)
    assert "duplicate url" in message and "url must be http(s)" in message
    for secret in ("s3cret", "abc123", "hunter2"):
        assert secret not in message


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
