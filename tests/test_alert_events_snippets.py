"""The body snippet in alerts (issue #20, item 5): when an article's page text is stored (status ok)
and its match has body evidence, the alert quotes the page around the strongest body evidence
instead of the feed's teaser; otherwise the teaser stays. Page text is untrusted like feed text:
markup and chat mentions in it reach no channel unescaped."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from alert_pipeline import plan_for
from receivers import WebhookReceiver, start_webhook

from newsmon import store
from newsmon.alerts import outbox
from newsmon.alerts.render import render_html
from newsmon.articles import Candidate, build_article, entry_hash, topic_rules
from newsmon.db import transaction
from newsmon.demo import serve_directory
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings
from newsmon.fulltext.config import FulltextBudget
from newsmon.paths import SEEDS_DIR
from newsmon.records import Entry, Evidence, Feed, TopicHit
from newsmon.run.config import RunConfig
from newsmon.run.loop import run_ingest
from newsmon.stories.index import assign_stories, story_items

HOSTILE = "&lt;img src=x onerror=alert(1)&gt; @everyone &lt;!channel&gt;"  # as the page's HTML writes it
# A page written for this test: its title, teaser and first three paragraphs name only the Russian
# side; paragraph 4 names the DPRK side, next to markup and chat mentions written as text.
PARAGRAPHS = [
    "Sergei Shoigu, the secretary of Russia's Security Council, left Moscow on Tuesday on an unannounced trip, "
    "the Kremlin said after his plane had landed.",
    "The delegation included a deputy defence minister and senior officers of the general staff, according to "
    "the Security Council's press service, which gave no further details.",
    "Officials in Moscow declined to say how long the visit would last or whether further meetings were planned "
    "later in the week with other partners.",
    f"In Pyongyang, Shoigu was received by North Korean leader Kim Jong Un {HOSTILE} for talks on military "
    "cooperation between the two countries.",
    "Analysts said the trip showed how quickly the relationship had deepened since the two sides signed their "
    "partnership treaty, though details remain scarce.",
]
PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Russian security delegation makes unannounced trip - Northern Wire</title></head><body>"
        '<nav><a href="/">Home</a><a href="/world/">World</a><a href="/business/">Business</a></nav>'
        "<main><article><h1>Shoigu leads security delegation on unannounced trip</h1>\n"
        + "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + '</article><aside><h2>Most read</h2><ul><li><a href="/a">Storm closes ports</a></li>'
        '<li><a href="/b">Markets rally</a></li></ul></aside></main>'
        "<footer><p>Copyright Northern Wire</p></footer></body></html>")
TEASER_ONE_SIDE = "Sergei Shoigu, the secretary of Russia's Security Council, left Moscow on an unannounced trip."
TEASER_BOTH = "Russia and North Korea signed an agreement in Pyongyang on a new rail link across the Tumen river."


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    server = start_webhook(receiver)
    yield receiver
    server.shutdown()


def _write_site(root: Path, base: str) -> None:
    """A feed of two items: one whose page (PAGE) has the match in its body, one that matches on
    its teaser and whose page is missing (404)."""
    (root / "trip.html").write_text(PAGE, encoding="utf-8")
    when = format_datetime(datetime.now(UTC) - timedelta(hours=1))
    items = [("trip.html", "Shoigu leads security delegation on unannounced trip", TEASER_ONE_SIDE),
             ("missing.html", "Russia and North Korea sign rail agreement in Pyongyang", TEASER_BOTH)]
    body = "".join(f"<item><title>{escape(t)}</title><link>{base}/{page}</link><guid>{page}</guid>"
                   f"<pubDate>{when}</pubDate><description>{escape(d)}</description></item>" for page, t, d in items)
    (root / "feed.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                   f"<title>Northern Wire</title><link>{base}/</link>{body}</channel></rss>",
                                   encoding="utf-8")


def test_a_body_match_alerts_with_the_body_snippet_escaped_and_a_teaser_match_keeps_its_teaser(tmp_path, webhook):
    root = tmp_path / "www"
    root.mkdir()
    plan = dataclasses.replace(plan_for(webhook.url), summarise_first_run=False)
    config = RunConfig(db_path=tmp_path / "t.duckdb", seeds_dir=SEEDS_DIR, executor="inline", alert_plan=plan,
                       fetch=FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0),
                       alerts_dir=tmp_path / "data", fulltext=FulltextBudget(per_host_interval_s=0.0))
    with serve_directory(root) as base:
        _write_site(root, base)
        (tmp_path / "feeds.csv").write_text(f"feed_id,name,url\nwire,Northern Wire,{base}/feed.xml\n", encoding="utf-8")
        run_ingest(read_feeds_csv(tmp_path / "feeds.csv"), config, force=True)
    alerts = {body["alerts"][0]["link"].rsplit("/", 1)[-1]: body for body in webhook.delivered.values()}
    assert set(alerts) == {"trip.html", "missing.html"}

    trip = alerts["trip.html"]
    payload = trip["alerts"][0]
    assert payload["snippet_source"] == "body" and "Kim Jong Un" in payload["snippet"]
    assert TEASER_ONE_SIDE not in payload["snippet"] and "From the article: " in trip["message"]
    # the page's text reached the payload as text, and no channel as markup or a mention
    assert "<img src=x onerror=alert(1)>" in payload["snippet"]
    assert "@everyone" not in trip["message"] and "<!channel>" not in trip["message"]
    assert "&lt;img src=x" in trip["text"] and "<img" not in trip["text"] and "<!channel>" not in trip["text"]
    assert "&lt;img src=x" in render_html(payload) and "<img" not in render_html(payload)
    atom = (tmp_path / "data" / "alerts.atom").read_text(encoding="utf-8")
    assert "&amp;lt;img src=x" in atom and "<img" not in atom and "&lt;img" not in atom.replace("&amp;lt;", "")

    teaser = alerts["missing.html"]["alerts"][0]
    assert teaser["snippet_source"] == "feed" and teaser["snippet"] == TEASER_BOTH
    assert "From the article" not in alerts["missing.html"]["message"]
    log = [json.loads(line) for line in (tmp_path / "data" / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(p["snippet_source"] for p in log) == ["body", "feed"]


NOW = datetime.now(UTC).replace(microsecond=0)
BODY = "In Pyongyang, Kim Jong Un received the Russian delegation for talks on the new rail link."


def _stored_match(con, article_id: str) -> str:
    """A matching article (both sides in its teaser), stored with its story as a run stores it."""
    entry = Entry(feed_id="wire", url=f"https://wire.example/{article_id}", guid=article_id,
                  title_html="Russia and North Korea sign rail agreement", summary_html=TEASER_BOTH, content_html="",
                  author=None, published_at=NOW - timedelta(hours=1), feed_language="en",
                  link=f"https://wire.example/{article_id}")
    article = build_article(Candidate(article_id, entry_hash(entry), entry, ("wire",)), topic_rules(SEEDS_DIR), None, NOW)
    assert any(t.is_match for t in article.topics)
    store.write_articles(con, "run", NOW, [article], [(article_id, "wire")])
    assign_stories(con, story_items([article], {}), NOW)
    return article_id


def _page(con, article_id: str, status: str, body_evidence: bool) -> None:
    """Its page's row, and tags whose evidence has body evidence (as fulltext.tagging writes it) or not."""
    con.execute("insert into article_texts (article_id, fetched_at, status, url, text) values (?, ?, ?, ?, ?)",
                [article_id, NOW, status, f"https://wire.example/{article_id}", BODY if status == "ok" else None])
    evidence = [Evidence("россия", "russia", "side:russia", "en", "text")]
    if body_evidence:
        evidence += [Evidence("kim jong un", "kim jong un", "side:dprk", "en", "body", "kim_jong_un", 14, BODY),
                     Evidence("rail", "rail", "subtopic:transport_tourism", "en", "body", "", 80, "…rail link.")]
    store.replace_topics(con, [(article_id, [TopicHit("russia_dprk", 1.0, True, evidence=tuple(evidence))])], NOW)


@pytest.mark.parametrize("status, body_evidence, source", [
    ("ok", True, "body"),  # the page is stored and the match was found in it: quote the page
    ("ok", False, "feed"),  # the page is stored but the match is the teaser's
    ("paywall", True, "feed"),  # body evidence left from an earlier fetch; the page's text is not stored now
    (None, False, "feed"),  # no page tried
])
def test_the_snippet_comes_from_the_body_only_with_stored_text_and_body_evidence(tmp_path, status, body_evidence,
                                                                                 source):
    con = store.open_store(tmp_path / "t.duckdb")
    try:
        store.upsert_feeds(con, [Feed("wire", "Northern Wire", "https://wire.example/rss")], NOW)
        with transaction(con):
            article_id = _stored_match(con, "a1")
            if status is not None:
                _page(con, article_id, status, body_evidence)
        candidate, = outbox.read_candidates(con, [article_id])
    finally:
        con.close()
    assert candidate.snippet_source == source
    assert candidate.snippet == (BODY if source == "body" else TEASER_BOTH)
