"""The report's full-text parts on a database written by a real run: a feed and its article pages
served from 127.0.0.1 (newsmon.demo.serve_directory), the real fulltext stage (robots.txt, fetch,
extraction, walls, re-tagging by paragraph), the shipped alert rules and their JSON-lines sink.

Shown: a body passage under a story whose page was read and matched (marked as from the article
body), the teaser when the page was a wall, upgrades (matched on the body only) and downgrades
(matched on the feed text only: an alert already sent stays sent) with a bound on how many are
listed, the pages of the window by status, and hostile page text as text.
"""

from __future__ import annotations

import html
import re
import shutil
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pytest
from alert_pipeline import plan_for
from conftest import FIXTURES

from newsmon.demo import serve_directory
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings
from newsmon.fulltext.config import FulltextBudget
from newsmon.paths import SEEDS_DIR
from newsmon.report.data import LATEST_CHANGES
from newsmon.report.publish import build_report_and_markdown
from newsmon.run.config import RunConfig
from newsmon.run.loop import run_ingest

HOSTILE = '<script>alert("body")</script><img src=x onerror=alert(5)>'

# Our own article pages: the headline, then one paragraph per string; each says what it exercises.
# An upgrade: the teaser names only Russia, paragraph 4 names the DPRK side and starts with hostile
# page text (markup, as text), so the passage quoted around the match must show it as text.
SHOIGU = [
    "Shoigu makes a third surprise trip abroad this autumn",
    "Russian Security Council secretary Sergei Shoigu arrived on an unannounced visit on Wednesday, his third "
    "trip abroad since September, the council's press service said in a short statement.",
    "The press service gave no details of the agenda. Shoigu, a former defence minister, has travelled widely "
    "since taking up the post last year, mostly to partners that share Moscow's view of the war.",
    "Analysts in Moscow said the trip fitted a pattern of quiet security contacts with governments that Western "
    "capitals have tried to isolate with sanctions and export controls.",
    f"{HOSTILE} In Pyongyang, Shoigu met North Korean leader Kim Jong Un, who said his country would keep "
    "supporting Russia, the state news agency reported on Thursday.",
    "Neither side said how long the visit would last or whether further meetings were planned this year.",
]
# A downgrade: the feed's title and teaser name both sides, the page behind the link (the outlet
# reused it) is about the Russian economy only.
FORUM = [
    "Putin promises faster growth at Moscow investment forum",
    "President Vladimir Putin told an investment forum in Moscow on Monday that the economy would grow faster "
    "next year despite high interest rates and a shortage of workers in industry.",
    "The central bank has kept its key rate at a record level to fight inflation, and business groups have "
    "complained for months about the cost of credit for new plants and equipment.",
    "Putin said the government would extend tax breaks for manufacturers that invest in new factories in Siberia "
    "and the Far East, and promised fewer inspections for small firms.",
    "The forum, held every autumn, drew fewer foreign guests than in earlier years, and organisers said most of "
    "the delegations came from Central Asia and the Gulf.",
]
# Unchanged: teaser and body both match; the passage quoted is the body's.
LAVROV = [
    "Lavrov and Choe Son Hui agree to expand flights",
    "Russian Foreign Minister Sergei Lavrov held talks with North Korean Foreign Minister Choe Son Hui in Moscow "
    "on Tuesday, the ministry said after the meeting at its Smolensk Square headquarters.",
    "Lavrov and Choe Son Hui discussed the implementation of the partnership treaty between Russia and North Korea "
    "and agreed to expand regular flights between Moscow and Pyongyang from next spring.",
    "The ministers also spoke about the situation on the Korean peninsula, the ministry said, without giving "
    "further details of that part of the conversation.",
]

# (path on the site, feed title, feed teaser, page: our paragraphs, or a file of tests/fixtures/pages)
ITEMS = [
    ("shoigu.html", "Shoigu lands in another Asian capital on a surprise trip",
     "Russian Security Council secretary Sergei Shoigu arrived on an unannounced visit on Wednesday.", SHOIGU),
    ("forum.html", "Putin and Kim Jong Un to hold talks, Kremlin says",
     "Russian President Vladimir Putin will hold talks with North Korean leader Kim Jong Un, the Kremlin said.", FORUM),
    ("lavrov.html", "Lavrov meets Choe Son Hui in Moscow",
     "Russian Foreign Minister Sergei Lavrov held talks with North Korean Foreign Minister Choe Son Hui.", LAVROV),
    ("kursk.html", "Putin thanks Kim Jong Un for troops sent to Kursk",
     "Russian President Vladimir Putin thanked North Korean leader Kim Jong Un for the soldiers.", "paywall.html"),
    ("flights.html", "Moscow and Pyongyang to open a direct air route",
     "Russia and North Korea will open a direct flight between Moscow and Pyongyang.", "consent_wall.html"),
    ("rules.html", "Kremlin drafts Far East investment rules",
     "The Kremlin is drafting new rules for investors in Russia's Far East.", "antibot.html"),
    ("private/tass.html", "Russia's Lavrov pledges deeper ties",
     "Russian Foreign Minister Sergei Lavrov met his counterpart.", LAVROV),
    ("gone.html", "Moscow weighs new Arctic shipping rules",
     "The Kremlin is weighing new rules for shipping in Russia's Arctic.", None),  # never served: a 404
]


def _page(headline: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(headline)}</title></head><body><nav><a href='/'>Home</a> <a href='/world'>World</a>"
            f"</nav><article><h1>{html.escape(headline)}</h1>{body}</article><footer>Outlet News</footer></body></html>")


def _write_site(root: Path, base: str) -> None:
    (root / "private").mkdir(parents=True)
    for path, _, _, page in ITEMS:
        if isinstance(page, list):
            (root / path).write_text(_page(*page), encoding="utf-8")
        elif page:
            shutil.copy(FIXTURES / "pages" / page, root / path)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    when = format_datetime(datetime.now(UTC) - timedelta(hours=1))
    items = "".join(f"<item><title>{escape(title)}</title><link>{base}/{path}</link><guid>item-{i}</guid>"
                    f"<pubDate>{when}</pubDate><description>{escape(teaser)}</description></item>"
                    for i, (path, title, teaser, _) in enumerate(ITEMS))
    (root / "feed.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                   f"<title>Outlet</title><link>{base}/</link>{items}</channel></rss>", encoding="utf-8")


@pytest.fixture(scope="module")
def run_db(tmp_path_factory) -> Path:
    """One real run over the site above; the report tests read (or copy) its database."""
    folder = tmp_path_factory.mktemp("fulltext-report")
    root = folder / "www"
    root.mkdir()
    with serve_directory(root) as base:
        _write_site(root, base)
        feeds_csv = folder / "feeds.csv"
        feeds_csv.write_text(f"feed_id,name,url\noutlet,Outlet,{base}/feed.xml\n", encoding="utf-8")
        config = RunConfig(db_path=folder / "db.duckdb", seeds_dir=SEEDS_DIR,
                           fetch=FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0),
                           executor="inline", alert_plan=plan_for(""), alerts_dir=folder,
                           fulltext=FulltextBudget(per_host_interval_s=0.0))
        run_ingest(read_feeds_csv(feeds_csv), config, force=True)
    return folder / "db.duckdb"


def _report(db: Path) -> tuple[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return build_report_and_markdown(con, datetime.now(UTC) + timedelta(minutes=1), 30)
    finally:
        con.close()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def _text(fragment: str) -> str:
    return "".join(_parse(fragment).text)


def _section(page: str, anchor: str) -> str:
    found = re.search(f'<section id="{anchor}">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def _story_row(page: str, title: str) -> str:
    rows = [row for row in _section(page, "stories").split("<tr") if html.escape(title) in row]
    assert len(rows) == 1, title
    return rows[0]


def test_the_run_gave_the_statuses_and_changes_the_report_shows(run_db):
    con = duckdb.connect(str(run_db), read_only=True)
    try:
        statuses = dict(con.execute("select split_part(url, '/', -1), status from article_texts").fetchall())
        changes = dict(con.execute("select split_part(url, '/', -1), body_change from v_article_texts").fetchall())
        sent = con.execute("select count(*) from alert_outbox where kind = 'story' and status = 'sent'").fetchone()[0]
    finally:
        con.close()
    assert statuses == {"shoigu.html": "ok", "forum.html": "ok", "lavrov.html": "ok", "kursk.html": "paywall",
                        "flights.html": "consent", "rules.html": "antibot", "tass.html": "robots_disallowed",
                        "gone.html": "http_4xx"}
    assert {k: changes[k] for k in ("shoigu.html", "forum.html", "lavrov.html")} == {
        "shoigu.html": "upgraded", "forum.html": "downgraded", "lavrov.html": "unchanged"}
    assert sent >= 4  # the downgraded story's teaser alert among them


def test_a_story_whose_page_matched_quotes_its_body_and_a_walled_one_its_teaser(run_db):
    page, _ = _report(run_db)
    upgraded = _story_row(page, ITEMS[0][1])
    assert 'class="snippet body"' in upgraded and "from the article body" in _text(upgraded)
    assert "Shoigu met North Korean leader Kim Jong Un" in _text(upgraded)
    assert "matched on the article body" in _text(upgraded)  # the upgrade's marker

    unchanged = _story_row(page, ITEMS[2][1])
    assert 'class="snippet body"' in unchanged and LAVROV[0] in _text(unchanged)  # the headline, its best line
    assert "matched on the article body" not in _text(unchanged)  # its feed text matched too

    walled = _story_row(page, ITEMS[3][1])  # a paywall: no body, the feed's teaser as before
    assert 'class="snippet body"' not in walled and "feed teaser" in _text(walled)
    assert ITEMS[3][2] in _text(walled)
    assert ITEMS[1][1] not in _text(_section(page, "stories"))  # downgraded: no longer a matching story


def test_downgrades_and_upgrades_are_listed_and_sent_alerts_stay_sent(run_db):
    page, _ = _report(run_db)
    changes = _section(page, "body-changes")
    text = _text(changes)
    assert "1 article downgraded." in text and "Alerts already sent for them are not retracted" in text
    assert "1 article upgraded." in text
    items = {t: li for li in changes.split("<li>")[1:] for t in (ITEMS[0][1], ITEMS[1][1]) if html.escape(t) in li}
    assert "badge down" in items[ITEMS[1][1]] and "alert sent" in _text(items[ITEMS[1][1]])
    assert "badge up" in items[ITEMS[0][1]] and "badge down" not in items[ITEMS[0][1]]


def test_the_window_pages_are_counted_by_status_in_the_health_section(run_db):
    page, _ = _report(run_db)
    health = _section(page, "feeds")
    tiles = dict((label, int(n)) for n, label in re.findall(r"<b>(\d+)</b><span>([^<]+)</span>", health))
    assert tiles == {"ok": 3, "paywall": 1, "consent": 1, "antibot": 1, "robots disallowed": 1, "errors": 1}
    assert "8 pages tried in this window" in _text(health) and "errors: http_4xx 1" in _text(health)


def test_hostile_page_text_is_text_in_the_report_and_the_summary(run_db):
    page, markdown = _report(run_db)
    doc = _parse(page)
    assert "script" not in [t for t, _ in doc.tags] and "img" not in [t for t, _ in doc.tags]
    assert not any(k.startswith("on") for _, a in doc.tags for k in a)
    assert HOSTILE in "".join(doc.text)  # shown exactly as the page wrote it, as text
    assert html.escape(HOSTILE) in page
    body_lines = [line for line in markdown.splitlines() if "_article body:_" in line]
    assert len(body_lines) == 2 and any("Shoigu met North Korean leader" in line for line in body_lines)
    assert "<script" not in markdown and "<img" not in markdown and "&lt;script&gt;" in markdown
    assert "_matched on the article body_" in markdown
    assert any("_feed teaser:_" in line and "thanked North Korean leader" in line for line in markdown.splitlines())


def test_a_window_with_many_downgrades_lists_the_newest_and_says_how_many(run_db, tmp_path):
    """Twenty-four more downgraded copies of the forum article (rows written as the stage writes
    them, fetched one minute apart): the report lists LATEST_CHANGES of them and points to the rest."""
    db = tmp_path / "many.duckdb"
    shutil.copy(run_db, db)
    con = duckdb.connect(str(db))
    try:
        original, = con.execute("select article_id from article_texts where url like '%/forum.html'").fetchone()
        for i in range(24):
            copy_id = f"downgrade{i:07d}"
            con.execute("insert into articles select * replace (? as article_id, url || ? as url, title || ? as title,"
                        " ? as story_id) from articles where article_id = ?",
                        [copy_id, f"?copy={i}", f" (copy {i})", copy_id, original])
            con.execute("insert into article_texts select * replace (? as article_id,"
                        " fetched_at - to_minutes(? :: bigint) as fetched_at) from article_texts where article_id = ?",
                        [copy_id, i + 1, original])
    finally:
        con.close()
    changes = _section(_report(db)[0], "body-changes")
    downgraded = [li for li in changes.split("<li>")[1:] if "badge down" in li]
    assert len(downgraded) == LATEST_CHANGES
    assert html.escape(ITEMS[1][1]) in downgraded[0]  # the newest first: the page the run read
    assert "25 articles downgraded." in _text(changes)
    assert f"Showing the newest {LATEST_CHANGES} of 25" in _text(changes)
    assert "body_change = 'downgraded'" in _text(changes)
