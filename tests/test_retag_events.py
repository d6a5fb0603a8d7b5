"""Events after `newsmon retag` (issue #19) on real DuckDB files built by real runs: feeds served from
127.0.0.1, run_ingest, then a re-tag with changed topic terms.

The run's seeds lack the Japanese topic terms, so the Japanese report of the Wonsan talks does not
match and has no event; the re-tag's seeds have them back and lack the German ones, so the Japanese
report matches (it must join the event of the Korean, English and Russian reports) and both German
stories stop matching (they must leave their events: the Shoigu event they started keeps its id
with its other stories, the bridge event they alone made leaves the events view).
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pytest
from alert_pipeline import plan_for
from conftest import query_db

from newsmon.db import sql, transaction
from newsmon.demo import serve_directory
from newsmon.events.retag import relink_events
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings
from newsmon.fulltext.config import FulltextBudget
from newsmon.paths import SEEDS_DIR
from newsmon.query import run_query
from newsmon.report.data import read_report_data
from newsmon.run.config import RunConfig
from newsmon.run.loop import run_ingest
from newsmon.store import open_store, read_articles_for_tagging, replace_topics
from newsmon.topics.match import load_topic_rules
from newsmon.topics.retag import Retagged, retag_page, retag_store

NOW = datetime.now(UTC).replace(microsecond=0)

# key: (language, hours before now it was published, headline, lede). Written for these tests.
ITEMS = {
    # one happening in three languages; the German report comes first, so the event's id is its story's
    "shoigu-de": ("de", 30, "Schoigu trifft Kim Jong Un in Pjöngjang",
                  "Der russische Sicherheitsratssekretär Sergej Schoigu ist in Pjöngjang mit Kim Jong Un "
                  "zusammengetroffen."),
    "shoigu-en": ("en", 28, "Russia's Shoigu meets Kim Jong Un in Pyongyang",
                  "Russian Security Council Secretary Sergei Shoigu met North Korean leader Kim Jong Un in Pyongyang."),
    "shoigu-ko": ("ko", 27, "쇼이구 러 안보회의 서기, 평양서 김정은과 회담",
                  "세르게이 쇼이구 러시아 안보회의 서기가 평양에서 김정은 국무위원장과 회담했다."),
    # a happening only a German outlet reported: its event is that one story
    "bridge-de": ("de", 20, "Nordkorea und Russland eröffnen Straßenbrücke über den Tumen",
                  "Russland und Nordkorea haben die erste Straßenbrücke über den Grenzfluss Tumen eröffnet."),
    # another happening in four languages; the Japanese report matches only under the re-tag's terms
    "wonsan-ko": ("ko", 10, "라브로프 러 외무장관, 원산서 최선희와 회담",
                  "세르게이 라브로프 러시아 외무장관이 북한 원산에서 최선희 외무상과 회담했다."),
    "wonsan-en": ("en", 9, "Lavrov and North Korea's Choe hold talks in Wonsan",
                  "Russian Foreign Minister Sergei Lavrov met his North Korean counterpart Choe Son Hui in Wonsan."),
    "wonsan-ru": ("ru", 8, "Лавров и Чвэ Сон Хи провели переговоры в Вонсане",
                  "Министр иностранных дел России Сергей Лавров провёл переговоры с Чвэ Сон Хи в Вонсане."),
    "wonsan-ja": ("ja", 7, "ラブロフ露外相、元山で崔善姫外相と会談", "ロシアのラブロフ外相は北朝鮮の元山で崔善姫外相と会談した。"),
}
LANGS = ("de", "en", "ko", "ru", "ja")


def _seeds(root: Path, without_lang: str) -> Path:
    """The shipped seeds with the topic terms of one language left out."""
    shutil.copytree(SEEDS_DIR, root, ignore=shutil.ignore_patterns("demo"))
    with open(SEEDS_DIR / "topic_terms.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with open(root / "topic_terms.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([rows[0], *(r for r in rows[1:] if r[3] != without_lang)])
    return root


def _write_feeds(root: Path, base: str, items: dict) -> Path:
    for lang in LANGS:
        body = "".join(
            f"<item><title>{escape(title)}</title><link>https://{lang}.example/{key}</link><guid>{key}</guid>"
            f"<pubDate>{format_datetime(NOW - timedelta(hours=hours))}</pubDate>"
            f"<description>{escape(text)}</description></item>"
            for key, (item_lang, hours, title, text) in items.items() if item_lang == lang)
        (root / f"{lang}.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                          f"<title>{lang}</title><link>{base}/</link>{body}</channel></rss>",
                                          encoding="utf-8")
    feeds = root.parent / "feeds.csv"
    feeds.write_text("feed_id,name,url,language\n" + "".join(
        f"feed_{lang},Outlet {lang},{base}/{lang}.xml,{lang}\n" for lang in LANGS), encoding="utf-8")
    return feeds


def _build(tmp_path: Path, items: dict = ITEMS) -> Path:
    """A store written by one real run with the run's seeds (no Japanese topic terms)."""
    www = tmp_path / "www"
    www.mkdir()
    db = tmp_path / "db.duckdb"
    with serve_directory(www) as base:
        feeds = _write_feeds(www, base, items)
        config = RunConfig(db_path=db, seeds_dir=_seeds(tmp_path / "run_seeds", "ja"),
                           fetch=FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0),
                           executor="inline", alert_plan=plan_for(""), alerts_dir=tmp_path,
                           fulltext=FulltextBudget(enabled=False))
        summary = run_ingest(read_feeds_csv(feeds), config, force=True, log=lambda line: None).summary
    assert summary.articles_new == len(items)
    return db


def _events(db: Path) -> dict[str, str | None]:
    """Item key -> its story's event (merges followed), None when the story has no event row."""
    return dict(query_db(db, "select a.guid, e.event_id from articles as a "
                          "left join story_event_ids as e on e.story_id = a.story_id"))


def _story(db: Path, key: str) -> str:
    return query_db(db, f"select story_id from articles where guid = '{key}'")[0][0]


EVENT_ROWS = "select * from event_stories order by story_id"


@pytest.fixture
def store(tmp_path) -> Path:
    """ITEMS stored by one real run whose terms make every report but the Japanese one match."""
    return _build(tmp_path)


@pytest.fixture
def retag_seeds(tmp_path) -> Path:
    """The re-tag's terms: the Japanese report starts matching, both German stories stop."""
    return _seeds(tmp_path / "retag_seeds", "de")


def test_the_run_before_the_retag(store):
    """What the re-tag starts from: the Japanese report matches nothing and has no event."""
    events = _events(store)
    assert events["wonsan-ja"] is None
    assert events["wonsan-ko"] == events["wonsan-en"] == events["wonsan-ru"] == _story(store, "wonsan-ko")
    assert events["shoigu-en"] == events["shoigu-ko"] == events["shoigu-de"] == _story(store, "shoigu-de")
    assert events["bridge-de"] == _story(store, "bridge-de")


def test_retag_links_new_matches_and_unlinks_stories_that_stopped(store, retag_seeds, monkeypatch, capsys):
    from newsmon.cli import main

    before = _events(store)
    alerts = query_db(store, "select alert_id, status from alert_outbox order by 1")
    assert query_db(store, f"select count(*) from alert_outbox where subject_id = '{before['bridge-de']}'") != [(0,)]
    shoigu, bridge, wonsan = before["shoigu-de"], before["bridge-de"], before["wonsan-ko"]
    monkeypatch.setenv("NEWSMON_SEEDS", str(retag_seeds))
    assert main(["retag", "--db", str(store)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.endswith("1 story linked to events, 2 unlinked"), line

    after = _events(store)
    # the Japanese report joins the existing event of the same talks in other languages
    assert after["wonsan-ja"] == wonsan == after["wonsan-ko"] == after["wonsan-en"] == after["wonsan-ru"]
    (score,), = query_db(store, "select score from event_stories where story_id = "
                             f"'{_story(store, 'wonsan-ja')}'")
    assert score is not None, "linked by a score, not started as an event of its own"
    # the German stories left their events; the event the German report started keeps its id
    assert after["shoigu-de"] is None and after["bridge-de"] is None
    assert after["shoigu-en"] == after["shoigu-ko"] == shoigu
    view = {event_id: (languages, stories) for event_id, languages, stories in
            query_db(store, "select event_id, languages, stories from events")}
    assert view == {shoigu: (["en", "ko"], 2), wonsan: (["en", "ja", "ko", "ru"], 4)} and bridge not in view
    assert query_db(store, f"select event_id from stories where story_id = '{_story(store, 'bridge-de')}'") == [(None,)]
    con = duckdb.connect(str(store), read_only=True)
    try:
        report = read_report_data(con, datetime.now(UTC) + timedelta(minutes=1), days=3)
    finally:
        con.close()
    grouped: dict[str, set[str]] = {}
    for story in report.stories:
        grouped.setdefault(story["event_id"], set()).add(story["story_id"])
    assert grouped == {shoigu: {_story(store, "shoigu-en"), _story(store, "shoigu-ko")},
                       wonsan: {_story(store, f"wonsan-{lang}") for lang in ("ko", "en", "ru", "ja")}}
    _, listed = run_query(store, sql("queries/events_since"), {"since": (NOW - timedelta(days=3)).date().isoformat()})
    assert {row[0] for row in listed} == {shoigu, wonsan}
    # every matching story has exactly one event row, and no other story has one
    assert query_db(store, """
        with matching as (select distinct a.story_id from articles as a join article_topics as t
                          on t.article_id = a.article_id and t.is_match)
        select (select count(*) from event_stories), (select count(distinct story_id) from event_stories),
               (select count(*) from matching),
               (select count(*) from matching semi join event_stories as e on e.story_id = matching.story_id)
    """) == [(6, 6, 6, 6)]
    # alerts already written or sent are history
    assert query_db(store, "select alert_id, status from alert_outbox order by 1") == alerts


def test_a_second_retag_changes_nothing(store, retag_seeds):
    first = retag_store(store, retag_seeds)
    assert (first.linked, first.unlinked) == (1, 2)
    rows = query_db(store, EVENT_ROWS)
    again = retag_store(store, retag_seeds)
    assert again == Retagged(0, len(ITEMS), 0, 0)
    assert query_db(store, EVENT_ROWS) == rows
    assert query_db(store, "select count(*) from event_merges") == [(0,)]


def test_the_rules_changed_back_give_the_same_event_ids(store, retag_seeds, tmp_path):
    """Un-matched and matched again: the German report starts the event it started before (its story
    id still names the event its other stories kept), and the bridge story is its own event again."""
    before = _events(store)
    retag_store(store, retag_seeds)
    done = retag_store(store, tmp_path / "run_seeds")  # the run's terms: German back, Japanese out
    assert (done.linked, done.unlinked) == (2, 1)
    assert _events(store) == before


def test_a_failure_mid_retag_leaves_the_old_rows(store, retag_seeds):
    """The process is killed after the first page of new links, inside the transaction."""
    rows = query_db(store, EVENT_ROWS)
    tags = query_db(store, "select article_id, topic, is_match, evidence from article_topics order by 1, 2")
    env = {**os.environ, "NEWSMON_SEEDS": str(retag_seeds), "NEWSMON_TEST_CRASH_AT": "retag_events_page"}
    done = subprocess.run([sys.executable, "-m", "newsmon.cli", "retag", "--db", str(store)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert query_db(store, EVENT_ROWS) == rows
    assert query_db(store, "select article_id, topic, is_match, evidence from article_topics order by 1, 2") == tags


def test_an_error_while_linking_rolls_back_the_tags_too(store, retag_seeds):
    """Broken event terms fail the re-tag after every article was re-tagged: nothing is kept."""
    rows = query_db(store, EVENT_ROWS)
    tags = query_db(store, "select article_id, topic, is_match, evidence from article_topics order by 1, 2")
    with open(retag_seeds / "event_terms.csv", "a", encoding="utf-8") as f:
        f.write("broken,no_such_kind,en,broken\n")
    with pytest.raises(ValueError, match="event_terms.csv"):
        retag_store(store, retag_seeds)
    assert query_db(store, EVENT_ROWS) == rows
    assert query_db(store, "select article_id, topic, is_match, evidence from article_topics order by 1, 2") == tags


def test_new_matches_are_linked_in_event_time_order_page_by_page(tmp_path):
    """Two Japanese reports of one happening that only the re-tag makes match, linked one page at a
    time: the earlier one starts the event (its id is the earlier story's), the later one joins it."""
    items = {
        "later-ja": ("ja", 5, "ラブロフ露外相、元山で崔善姫外相と会談",
                     "ロシアのラブロフ外相は北朝鮮の元山で崔善姫外相と会談した。"),
        "earlier-ja": ("ja", 6, "崔善姫外相、ラブロフ氏と元山で会談 北朝鮮とロシア",
                       "北朝鮮の崔善姫外相はロシアのラブロフ外相と元山で会談し、両国関係について協議した。"),
    }
    db = _build(tmp_path, items)
    earlier, later = _story(db, "earlier-ja"), _story(db, "later-ja")
    assert later < earlier, "ids in the opposite order of time: linking in id order would give the later id"
    assert _events(db) == {"later-ja": None, "earlier-ja": None}
    con = open_store(db)
    try:
        with transaction(con):
            page = read_articles_for_tagging(con, "", 100)
            tagged, _ = retag_page(page, load_topic_rules(SEEDS_DIR))
            replace_topics(con, tagged, NOW)
            done = relink_events(con, SEEDS_DIR, NOW, page_size=1)
    finally:
        con.close()
    assert (done.linked, done.unlinked) == (2, 0)
    assert _events(db) == {"later-ja": earlier, "earlier-ja": earlier}


LINK_COLUMNS = "select story_id, event_id, article_id, lang, event_time, entities, is_future, score from event_stories"


def test_a_store_without_event_rows_is_linked_as_the_run_linked_it(store, tmp_path):
    """A store whose matching stories have no event rows (written before events existed) gets from a
    re-tag with the run's own terms the rows the run wrote: same events, representatives, times,
    ids and scores."""
    ran = query_db(store, LINK_COLUMNS + " order by story_id")
    con = duckdb.connect(str(store))
    con.execute("delete from event_stories")
    con.close()
    done = retag_store(store, tmp_path / "run_seeds")
    assert (done.linked, done.unlinked) == (len(ran), 0)
    assert query_db(store, LINK_COLUMNS + " order by story_id") == ran


def test_a_story_matching_through_its_page_is_linked_with_its_page(tmp_path):
    """A teaser that names only Russia, whose page names the DPRK in paragraph 4 (tests/fixtures/pages):
    the run's full-text stage links it with its page's lede (events/body.py); with its event row
    gone, a re-tag links it again with the same signals, and a second re-tag keeps it."""
    www = tmp_path / "www"
    www.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "pages" / "body_second_side_para4.html", www / "page.html")
    db = tmp_path / "db.duckdb"
    with serve_directory(www) as base:
        when = format_datetime(NOW - timedelta(hours=3))
        (www / "feed.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>o</title>'
            f"<link>{base}/</link><item><title>Shoigu makes second surprise foreign trip in a month</title>"
            f"<link>{base}/page.html</link><guid>page</guid><pubDate>{when}</pubDate><description>Russia's "
            "Security Council secretary Sergei Shoigu left Moscow on Tuesday on his second unannounced trip "
            "abroad.</description></item></channel></rss>", encoding="utf-8")
        feeds = tmp_path / "feeds.csv"
        feeds.write_text(f"feed_id,name,url\noutlet,Outlet,{base}/feed.xml\n", encoding="utf-8")
        config = RunConfig(db_path=db, seeds_dir=SEEDS_DIR,
                           fetch=FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0),
                           executor="inline", alert_plan=plan_for(""), alerts_dir=tmp_path,
                           fulltext=FulltextBudget(per_host_interval_s=0.0))
        run_ingest(read_feeds_csv(feeds), config, force=True, log=lambda line: None)
    ran = query_db(db, LINK_COLUMNS)
    assert len(ran) == 1 and query_db(db, "select teaser_match, body_match from article_texts") == [(False, True)]
    assert retag_store(db, SEEDS_DIR) == Retagged(0, 1, 0, 0)
    con = duckdb.connect(str(db))
    con.execute("delete from event_stories")
    con.close()
    assert retag_store(db, SEEDS_DIR) == Retagged(0, 1, 1, 0)
    assert query_db(db, LINK_COLUMNS) == ran


def test_merges_are_kept_and_an_event_left_with_no_story_keeps_its_id(store, retag_seeds):
    """The Wonsan event recorded as merged into the bridge event (written here as the full-text stage
    records a merge: younger into older). The re-tag unlinks the bridge story, the only story of the
    event the merge points to: the merge stays, the Wonsan stories keep that id through it (nothing
    is re-keyed), and the Japanese report joins them under it."""
    bridge, wonsan = _story(store, "bridge-de"), _story(store, "wonsan-ko")
    con = duckdb.connect(str(store))
    con.execute("insert into event_merges values (?, ?, now())", [wonsan, bridge])
    con.close()
    merges = query_db(store, "select * from event_merges")
    assert retag_store(store, retag_seeds).unlinked == 2
    assert query_db(store, "select * from event_merges") == merges
    events = _events(store)
    assert events["bridge-de"] is None
    assert events["wonsan-ko"] == events["wonsan-en"] == events["wonsan-ru"] == events["wonsan-ja"] == bridge
    assert query_db(store, f"select languages from events where event_id = '{bridge}'") == [(["en", "ja", "ko", "ru"],)]


def test_a_page_holds_the_stories_within_its_span(store):
    """The page statement cuts a page where its stories grow further apart than the span (here one
    hour: the German Shoigu report alone, then the English and Korean ones an hour apart)."""
    con = open_store(store)
    try:
        con.execute("begin")
        con.execute("delete from event_stories")  # every matching story is pending
        con.execute(sql("statements/event_retag_pending"), {"max_backdate": timedelta(days=3650),
                                                             "max_ahead": timedelta(hours=1)})
        params = {"page_size": 100, "span": timedelta(hours=1)}
        first = con.execute(sql("statements/event_retag_page"), {**params, "after": 0}).fetchall()
        second = con.execute(sql("statements/event_retag_page"), {**params, "after": 1}).fetchall()
        con.execute("rollback")
    finally:
        con.close()
    guid = dict(query_db(store, "select story_id, guid from articles"))
    assert [guid[row[1]] for row in first] == ["shoigu-de"]
    assert [guid[row[1]] for row in second] == ["shoigu-en", "shoigu-ko"]
