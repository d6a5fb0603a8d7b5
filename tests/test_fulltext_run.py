"""The fulltext stage inside a real run: a feed and its article pages (tests/fixtures/pages) served
from 127.0.0.1 by newsmon.demo.serve_directory, a real DuckDB file, the shipped alert rules.

An item whose teaser names only Russia and whose page names the DPRK in paragraph 4 becomes a
match with body evidence and alerts once; a second run fetches nothing and sends nothing. A
robots.txt disallow, a paywall and an anti-bot page each give a typed status and no text.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pytest
from alert_pipeline import plan_for
from conftest import FIXTURES, query_db

from newsmon.demo import serve_directory
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings
from newsmon.fulltext.config import FulltextBudget
from newsmon.paths import SEEDS_DIR
from newsmon.run.config import RunConfig
from newsmon.run.loop import run_ingest

PAGES = FIXTURES / "pages"
# (page, title, teaser): the teasers are what a feed would carry.
ITEMS = [
    ("body_second_side_para4.html", "Shoigu makes second surprise foreign trip in a month",
     "Russia's Security Council secretary Sergei Shoigu left Moscow on Tuesday on his second unannounced trip abroad."),
    ("paywall.html", "Inside the Kremlin's bet",
     "A year after the treaty, the Kremlin's partnership is reshaping the war in Ukraine."),
    ("antibot.html", "Moscow weighs new Far East investment rules", "The Kremlin is drafting new rules for investors."),
    ("private/en_wire.html", "Russia's Lavrov pledges deeper ties", "Russian Foreign Minister Sergei Lavrov met his counterpart."),
    ("article_mentions_subscriptions.html", "Russian satellite TV operator starts selling subscriptions",
     "A Russian satellite television operator has begun selling subscriptions."),
]


def _write_site(root: Path, base: str) -> None:
    (root / "private").mkdir(parents=True)
    for page, *_ in ITEMS:
        shutil.copy(PAGES / page.removeprefix("private/"), root / page)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    when = format_datetime(datetime.now(UTC) - timedelta(hours=1))
    items = "".join(
        f"<item><title>{escape(title)}</title><link>{base}/{page}</link><guid>item-{i}</guid>"
        f"<pubDate>{when}</pubDate><description>{escape(teaser)}</description></item>"
        for i, (page, title, teaser) in enumerate(ITEMS))
    (root / "feed.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                   f"<title>Outlet</title><link>{base}/</link>{items}</channel></rss>", encoding="utf-8")


def _config(db: Path, alerts_dir: Path) -> RunConfig:
    return RunConfig(db_path=db, seeds_dir=SEEDS_DIR, fetch=FetchSettings(allow_private_networks=True,
                                                                           per_host_min_interval_s=0.0),
                     executor="inline", alert_plan=plan_for(""), alerts_dir=alerts_dir,
                     fulltext=FulltextBudget(per_host_interval_s=0.0))


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    with serve_directory(root) as base:
        _write_site(root, base)
        yield base


def _run(tmp_path: Path, base: str, lines: list[str]):
    feeds_csv = tmp_path / "feeds.csv"
    feeds_csv.write_text(f"feed_id,name,url\noutlet,Outlet,{base}/feed.xml\n", encoding="utf-8")
    return run_ingest(read_feeds_csv(feeds_csv), _config(tmp_path / "db.duckdb", tmp_path), force=True,
                      log=lines.append).summary


def test_body_match_alerts_once_and_walls_and_robots_are_typed(tmp_path, site):
    lines: list[str] = []
    summary = _run(tmp_path, site, lines)
    assert summary.articles_new == len(ITEMS)
    db = tmp_path / "db.duckdb"
    statuses = dict(query_db(db, "select split_part(url, '/', -1), status from article_texts"))
    assert statuses == {"body_second_side_para4.html": "ok", "paywall.html": "paywall", "antibot.html": "antibot",
                        "en_wire.html": "robots_disallowed", "article_mentions_subscriptions.html": "ok"}
    assert query_db(db, "select count(*) from article_texts where status <> 'ok' and text is not null") == [(0,)]

    (article_id, teaser_match, body_match, text), = query_db(
        db, "select article_id, teaser_match, body_match, text from article_texts where url like '%para4.html'")
    assert (teaser_match, body_match) == (False, True)
    (is_match, evidence), = query_db(db, f"select is_match, evidence from article_topics where article_id = '{article_id}'")
    assert is_match
    body = [e for e in json.loads(evidence) if e["where"] == "body" and e["role"] == "side:dprk"]
    assert body and all(text[e["offset"]:].casefold().startswith(e["matched"]) for e in body)
    assert any("Pyongyang" in e["snippet"] or "Kim" in e["snippet"] for e in body)
    assert text.count("\n", 0, body[0]["offset"]) == 3  # found in paragraph 4, where the page names it first
    # the story alerts once (the shipped JSON-lines sink), the line log says what happened
    alerts = query_db(db, "select subject_id from alert_outbox where kind = 'story'")
    story, = query_db(db, f"select story_id from articles where article_id = '{article_id}'")
    assert alerts.count(story) == 1
    assert any(line.startswith("full text: 5 candidates") for line in lines)

    again: list[str] = []
    _run(tmp_path, site, again)
    assert query_db(db, "select count(*) from alert_outbox where kind = 'story'") == [(len(alerts),)]
    assert any(line.startswith("full text: 0 candidates") for line in again)


def test_a_feed_asking_for_full_text_sends_its_user_agent_to_pages(tmp_path, site):
    from newsmon.fulltext.candidates import Candidate
    from newsmon.records import Feed

    feed = Feed("f", "F", f"{site}/feed.xml", user_agent="Mozilla/5.0 (X11) Firefox/128.0", fulltext=True,
                headers=(("Accept-Language", "ru"),))
    request = Candidate("a1", f"{site}/x.html", "f", "t", "", None, None, etag='"v1"').request({"f": feed})
    assert request.user_agent == "Mozilla/5.0 (X11) Firefox/128.0" and request.headers == (("Accept-Language", "ru"),)
    assert request.etag == '"v1"'  # conditional GET for a page fetched before
    assert replace(request, headers=()).headers == ()


def test_retag_keeps_body_matches_and_their_evidence(tmp_path, site):
    """`newsmon retag` re-tags an article with a page as the stage does: the item that matches only
    on its body stays matched with body evidence, and teaser_match / body_match are set again."""
    from newsmon.topics.retag import Retagged, retag_store

    _run(tmp_path, site, [])
    db = tmp_path / "db.duckdb"
    con = duckdb.connect(str(db))
    con.execute("update article_texts set teaser_match = null, body_match = null")
    con.close()
    before = query_db(db, "select article_id, is_match, evidence from article_topics order by 1")

    assert retag_store(db, SEEDS_DIR) == Retagged(changed=0, articles=len(ITEMS), linked=0, unlinked=0)
    assert query_db(db, "select article_id, is_match, evidence from article_topics order by 1") == before
    (article_id, is_match, evidence, text), = query_db(
        db, "select t.article_id, t.is_match, t.evidence, x.text from article_topics as t "
            "join article_texts as x using (article_id) where x.url like '%para4.html'")
    body = [e for e in json.loads(evidence) if e["where"] == "body"]
    assert is_match and any(e["role"] == "side:dprk" for e in body)
    assert all(text[e["offset"]:].casefold().startswith(e["matched"]) for e in body)
    assert query_db(db, f"select teaser_match, body_match from article_texts where article_id = '{article_id}'") == [
        (False, True)]
    # an article without a page text (robots.txt disallowed) keeps feed-text tags only
    assert query_db(db, "select count(*) from article_texts where teaser_match is not null and status <> 'ok'") == [(0,)]
