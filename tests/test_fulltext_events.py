"""Event linking with the article's page (events/body.py), inside real runs: a feed and its article
pages served from 127.0.0.1, a real DuckDB file, the shipped seeds.

The pages are written here (`page`): one news layout (navigation, headline, paragraphs, related
links, footer) around paragraphs we wrote for these tests. A Wonsan meeting (A) is reported by
three more items:
  B  a teaser that names Russia only; the page names Choe Son Hui in Wonsan: a body-only match,
     linked to an event by the full-text stage (before, it had no event at all)
  C  a headline that matches but names no one ("ministers meet"): its own event after the feed;
     its page's lede names Lavrov, Choe and Wonsan. A (alone in its event) and C's event become
     one, recorded in event_merges (the younger event points to the older), no id renumbered
  D  Shoigu in Pyongyang the same days, whose page recounts the Wonsan talks in a later
     paragraph: a near miss that must stay apart
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from alert_pipeline import plan_for
from conftest import query_db

from newsmon import store
from newsmon.articles import Candidate, build_article, entry_hash, topic_rules
from newsmon.db import transaction
from newsmon.demo import serve_directory
from newsmon.events.body import BodyArticle, link_bodies
from newsmon.events.link import link_events
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings
from newsmon.fulltext.config import FulltextBudget
from newsmon.fulltext.tagging import tag_body
from newsmon.paths import SEEDS_DIR
from newsmon.records import Entry, Feed
from newsmon.run.config import RunConfig
from newsmon.run.loop import run_ingest
from newsmon.stories.index import assign_stories, story_items

WONSAN_LEDE = ("Russian Foreign Minister Sergei Lavrov held talks with his North Korean counterpart Choe Son Hui in"
               " the coastal city of Wonsan on Saturday, the two ministries said.")
# name -> (hours before now it was published, title, teaser, the page's paragraphs)
ITEMS = {
    "a": (5, "Lavrov and Choe Son Hui hold talks in Wonsan", WONSAN_LEDE, [
        WONSAN_LEDE,
        "The ministers discussed the partnership treaty their countries signed last year, officials said.",
        "Lavrov arrived on Friday evening and is due to leave for Moscow on Sunday."]),
    "b": (2, "Russia's top diplomat on a Far East tour", "Sergei Lavrov left Moscow this week on a tour of Asia.", [
        "Sergei Lavrov met Choe Son Hui, North Korea's foreign minister, in Wonsan on Saturday, his ministry said.",
        "The talks lasted several hours and covered tourism, trade and the situation on the peninsula.",
        "Lavrov is expected in Beijing next, according to diplomats familiar with the schedule."]),
    "c": (3, "Russian and North Korean ministers meet", "The two foreign ministers discussed bilateral ties.", [
        "Sergei Lavrov and Choe Son Hui held talks in Wonsan on Saturday, the Russian ministry said in a statement.",
        "It was their second meeting this year; the first was held in Moscow.",
        "Neither side gave details of any new agreements."]),
    "d": (4, "Shoigu meets Kim Jong Un in Pyongyang",
          "Russian Security Council Secretary Sergei Shoigu met North Korean leader Kim Jong Un in Pyongyang.", [
        "Russian Security Council Secretary Sergei Shoigu met North Korean leader Kim Jong Un in Pyongyang on"
        " Sunday, state media reported.",
        "They discussed military cooperation and the rebuilding of the Kursk region, the reports said.",
        "Shoigu's visit came a day after Russian Foreign Minister Sergei Lavrov held talks with Choe Son Hui in"
        " Wonsan, the coastal city where he met Kim last year."]),
}


def page(title: str, paragraphs: list[str]) -> str:
    """An article page in a common news layout: navigation, headline, paragraphs, related links, footer."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} - Test Herald</title>'
            '</head><body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
            f'<main><article><h1>{escape(title)}</h1><div class="story-body">{body}</div></article>'
            '<aside><h3>Most read</h3><ul><li><a href="/x">Storm closes ports</a></li>'
            '<li><a href="/y">Football results</a></li></ul></aside></main>'
            "<footer>© Test Herald. All rights reserved.</footer></body></html>")


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    with serve_directory(root) as base:
        now = datetime.now(UTC)
        items = []
        for name, (hours, title, teaser, paragraphs) in ITEMS.items():
            (root / f"{name}.html").write_text(page(title, paragraphs), encoding="utf-8")
            when = format_datetime(now - timedelta(hours=hours))
            items.append(f"<item><title>{escape(title)}</title><link>{base}/{name}.html</link><guid>{name}</guid>"
                         f"<pubDate>{when}</pubDate><description>{escape(teaser)}</description></item>")
        (root / "feed.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                       f"<title>Herald</title><link>{base}/</link>{''.join(items)}</channel></rss>",
                                       encoding="utf-8")
        yield base


def _run(tmp_path: Path, base: str, lines: list[str]) -> None:
    feeds_csv = tmp_path / "feeds.csv"
    feeds_csv.write_text(f"feed_id,name,url\nherald,Herald,{base}/feed.xml\n", encoding="utf-8")
    config = RunConfig(db_path=tmp_path / "db.duckdb", seeds_dir=SEEDS_DIR,
                       fetch=FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0),
                       executor="inline", alert_plan=plan_for(""), alerts_dir=tmp_path,
                       fulltext=FulltextBudget(per_host_interval_s=0.0))
    run_ingest(read_feeds_csv(feeds_csv), config, force=True, log=lines.append)


def test_the_body_links_a_body_only_match_and_joins_a_lone_story_to_its_event(tmp_path, site):
    lines: list[str] = []
    _run(tmp_path, site, lines)
    db = tmp_path / "db.duckdb"
    story = dict(query_db(db, "select guid, story_id from articles"))
    assert len(set(story.values())) == 4  # four stories: not copies of one another
    assert query_db(db, "select teaser_match, body_match from article_texts where url like '%/b.html'") == [(False, True)]

    raw = dict(query_db(db, "select story_id, event_id from event_stories"))
    assert raw[story["b"]] in (story["a"], story["c"])  # linked by the stage as a new story would be
    assert raw[story["c"]] == story["c"]  # its own event, as the feed left it: never renumbered
    assert query_db(db, "select event_id, into_event_id from event_merges") == [(story["c"], story["a"])]
    resolved = dict(query_db(db, "select story_id, event_id from story_event_ids"))
    assert resolved == {story["a"]: story["a"], story["b"]: story["a"], story["c"]: story["a"], story["d"]: story["d"]}
    assert query_db(db, f"select stories from events where event_id = '{story['a']}'") == [(3,)]
    # the page's later paragraph about Wonsan is background: it added nothing to Shoigu's story
    (entities,), = query_db(db, f"select entities from event_stories where story_id = '{story['d']}'")
    assert "wonsan" not in entities and "choe_son_hui" not in entities
    assert any("1 linked to events, 1 events merged" in line for line in lines)

    again: list[str] = []
    _run(tmp_path, site, again)
    assert query_db(db, "select count(*) from event_merges") == [(1,)]
    assert query_db(db, "select count(*) from event_stories") == [(4,)]


NOW = datetime.now(UTC).replace(microsecond=0)


def _article(article_id: str, title: str, text: str, published: datetime):
    entry = Entry(feed_id="herald", url=f"https://herald.example/{article_id}", guid=article_id, title_html=title,
                  summary_html=text, content_html="", author=None, published_at=published, feed_language="en",
                  link=f"https://herald.example/{article_id}")
    return build_article(Candidate(article_id, entry_hash(entry), entry, ("herald",)), topic_rules(SEEDS_DIR), None, NOW)


def test_a_merge_points_to_the_older_event(tmp_path):
    """C, published before A, is alone; its page makes A's event part of C's (the older), so both
    stories' event is C's id, and neither event_stories row changes its event_id."""
    con = store.open_store(tmp_path / "events.duckdb")
    store.upsert_feeds(con, [Feed("herald", "Herald", "https://herald.example/rss")], NOW)
    _, a_title, a_teaser, _ = ITEMS["a"]
    _, c_title, c_teaser, c_page = ITEMS["c"]
    a = _article("a", a_title, a_teaser, NOW - timedelta(hours=3))
    c = _article("c", c_title, c_teaser, NOW - timedelta(hours=6))
    with transaction(con):
        store.write_articles(con, "r", NOW, [a, c], [(x.article_id, "herald") for x in (a, c)])
        stories = assign_stories(con, story_items([a, c], {}), NOW)
        link_events(con, [a, c], stories, NOW, SEEDS_DIR)
    assert stories["c"] != stories["a"]
    assert dict(con.execute("select story_id, event_id from event_stories").fetchall())[stories["c"]] == stories["c"]
    body = "\n".join(c_page)
    tags = tag_body(c.title, c.text, body, topic_rules(SEEDS_DIR), lang="en").hits
    with transaction(con):
        links = link_bodies(con, [BodyArticle("c", body, tags)], NOW, SEEDS_DIR)
    assert links.merged == 1
    assert con.execute("select event_id, into_event_id from event_merges").fetchall() == [(stories["a"], stories["c"])]
    resolved = dict(con.execute("select story_id, event_id from story_event_ids").fetchall())
    assert resolved[stories["a"]] == resolved[stories["c"]] == stories["c"]
    raw = dict(con.execute("select story_id, event_id from event_stories").fetchall())
    assert raw == {stories["a"]: stories["a"], stories["c"]: stories["c"]}
    con.close()


def test_a_story_with_others_in_its_event_is_not_moved_by_its_page(tmp_path):
    """X and Y share an event by their headlines (Moscow, Pyongyang, talks); X's page names the Wonsan
    meeting of A's event. X is not alone, so nothing is merged; X's stored ids gain its page's."""
    con = store.open_store(tmp_path / "events.duckdb")
    store.upsert_feeds(con, [Feed("herald", "Herald", "https://herald.example/rss")], NOW)
    _, a_title, a_teaser, _ = ITEMS["a"]
    a = _article("a", a_title, a_teaser, NOW - timedelta(hours=6))
    x = _article("x", "Moscow and Pyongyang hold talks", "Officials of both capitals met at the weekend.",
                 NOW - timedelta(hours=4))
    y = _article("y", "Talks between Moscow and Pyongyang continue", "The delegations discussed trade and tourism.",
                 NOW - timedelta(hours=3))
    with transaction(con):
        store.write_articles(con, "r", NOW, [a, x, y], [(i.article_id, "herald") for i in (a, x, y)])
        stories = assign_stories(con, story_items([a, x, y], {}), NOW)
        link_events(con, [a, x, y], stories, NOW, SEEDS_DIR)
    events = dict(con.execute("select story_id, event_id from event_stories").fetchall())
    assert events[stories["y"]] == events[stories["x"]] == stories["x"] != events[stories["a"]]
    body = "\n".join(ITEMS["c"][3])
    tags = tag_body(x.title, x.text, body, topic_rules(SEEDS_DIR), lang="en").hits
    with transaction(con):
        links = link_bodies(con, [BodyArticle("x", body, tags)], NOW, SEEDS_DIR)
    assert links.merged == 0 and con.execute("select count(*) from event_merges").fetchall() == [(0,)]
    assert dict(con.execute("select story_id, event_id from event_stories").fetchall()) == events
    (entities,), = con.execute(f"select entities from event_stories where story_id = '{stories['x']}'").fetchall()
    assert {"lavrov", "choe_son_hui", "wonsan"} <= set(entities)
    con.close()
