"""Alert delivery end to end with real receivers on 127.0.0.1 (no mocks): a webhook that can be
down / 503 / 429 / 410 and deduplicates by Idempotency-Key, and an aiosmtpd SMTP server.

Most tests drive the pipeline without Prefect (tests/alert_pipeline.py calls the same functions
as flows/ingest.py); one test runs the real flow on the demo feeds.
"""

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import feedparser
import pytest
from alert_pipeline import plan_for as shipped_plan
from alert_pipeline import run_once, write_feed
from conftest import write_feeds_csv
from receivers import SmtpReceiver, WebhookReceiver, start_webhook

from newsmon.demo import serve_directory

STORIES = [
    ("Russia and North Korea sign new railway agreement in Pyongyang",
     "Moscow and Pyongyang signed a deal on the Khasan-Rajin rail link, officials said."),
    ("Lavrov meets North Korean foreign minister Choe Son Hui in Moscow",
     "Russian Foreign Minister Sergei Lavrov held talks with Choe Son Hui on military cooperation."),
]
OFF_TOPIC = [("Local council approves new cycle lanes", "The council voted 7-2 in favour of the plan.")]


def plan_for(urls: str, operator_urls: str = ""):
    """The shipped rules, one alert per story from the first run on (the first-run summary is
    tested in test_alert_digests.py)."""
    return dataclasses.replace(shipped_plan(urls, operator_urls), summarise_first_run=False)


@pytest.fixture
def world(tmp_path):
    """Feeds served from tmp_path/www; outlet_b (a second outlet of the first story) starts empty."""
    www = tmp_path / "www"
    www.mkdir()
    write_feed(www / "outlet_a.xml", "outlet-a", STORIES + OFF_TOPIC)
    write_feed(www / "outlet_b.xml", "outlet-b", [])
    with serve_directory(www) as base:
        csv = write_feeds_csv(tmp_path / "feeds.csv", [("outlet_a", "Outlet A", f"{base}/outlet_a.xml"),
                                                       ("outlet_b", "Outlet B", f"{base}/outlet_b.xml")])
        yield {"www": www, "csv": csv, "db": tmp_path / "t.duckdb", "dir": tmp_path / "data"}


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    server = start_webhook(receiver)
    yield receiver
    server.shutdown()


def not_a_new_database(world) -> None:
    """One run with no feeds: the crash tests' subprocess runs are then not a database's first
    (whose alerts are one summary per destination)."""
    run_once(world["db"], write_feeds_csv(world["db"].with_suffix(".none.csv"), []), plan_for(""), world["dir"])


def outbox(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select rule_id, subject_id, channel, status, attempts, kind from alert_outbox"
                           " order by created_at, alert_id").fetchall()
    finally:
        con.close()


def story_rows(db: Path, status: str | None = None) -> list[tuple]:
    return [r for r in outbox(db) if r[5] == "story" and (status is None or r[3] == status)]


def test_new_story_alerts_once_per_rule_and_channel_then_never_again(world, webhook):
    with SmtpReceiver() as smtp:
        plan = plan_for(f"{webhook.url} {smtp.url()}")
        run_once(world["db"], world["csv"], plan, world["dir"])
        assert len(webhook.delivered) == 2 and len(webhook.hits) == 2
        assert len(smtp.messages) == 2 and len(smtp.by_message_id) == 2
        titles = sorted(b["alerts"][0]["title"] for b in webhook.delivered.values())
        assert titles == sorted(t for t, _ in STORIES)
        rows = story_rows(world["db"])
        assert len(rows) == 2 * 3 and {r[3] for r in rows} == {"sent"}  # webhook, email, jsonl sink
        lines = (world["dir"] / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2

        run_once(world["db"], world["csv"], plan, world["dir"])  # same feed again
        write_feed(world["www"] / "outlet_b.xml", "outlet-b", STORIES[:1])  # the story, second outlet
        run_once(world["db"], world["csv"], plan, world["dir"])
        assert len(webhook.hits) == 2 and len(smtp.messages) == 2
        assert len(story_rows(world["db"])) == 6
        assert len((world["dir"] / "alerts.jsonl").read_text(encoding="utf-8").splitlines()) == 2
        message = smtp.messages[0]
        assert message["Message-ID"].endswith("@newsmon.alerts.rules>") and "Outlets (1): Outlet A" in message.get_content()


def test_receiver_down_then_up_delivers_each_pending_alert_once(world, webhook):
    plan = plan_for(webhook.url)
    webhook.mode = "down"
    run_once(world["db"], world["csv"], plan, world["dir"], budget_s=0.5)
    assert webhook.delivered == {} and webhook.hits
    assert {r[3] for r in story_rows(world["db"]) if r[2] != "sink:jsonl"} == {"pending"}
    webhook.mode = "503"
    run_once(world["db"], world["csv"], plan, world["dir"], budget_s=0.5)
    assert webhook.delivered == {}
    time.sleep(float(webhook.retry_after) + 0.2)  # the 503's Retry-After is honoured across runs too
    webhook.mode = "ok"
    run_once(world["db"], world["csv"], plan, world["dir"])
    assert len(webhook.delivered) == 2 and len(webhook.accepted) == 2
    assert {r[3] for r in story_rows(world["db"])} == {"sent"}
    keys = {h.key for h in webhook.hits}
    assert len(keys) == 2  # every retry carried the same idempotency key


def test_429_retry_after_is_honoured_within_the_run(world, webhook):
    webhook.mode, webhook.fail_next, webhook.retry_after = "429", 1, "1"
    run_once(world["db"], world["csv"], plan_for(webhook.url), world["dir"])
    assert [h.status for h in webhook.hits][:1] == [429]
    assert len(webhook.delivered) == 2
    throttled = webhook.hits[0]
    retry = next(h for h in webhook.hits[1:] if h.key == throttled.key)
    assert retry.at - throttled.at >= 1.0  # a lower bound: no send to that channel before Retry-After


def test_410_dead_letters_at_once_and_raises_one_operator_alert(world, webhook):
    operator = WebhookReceiver()
    server = start_webhook(operator)
    try:
        webhook.mode = "410"
        plan = plan_for(webhook.url, operator_urls=operator.url)
        run_once(world["db"], world["csv"], plan, world["dir"])
        assert len(webhook.hits) == 2  # one attempt each: permanent errors are not retried
        assert {r[3] for r in story_rows(world["db"]) if r[2] != "sink:jsonl"} == {"dead_letter"}
        assert len(operator.delivered) == 1
        body = next(iter(operator.delivered.values()))
        assert body["alerts"][0]["condition"] == "dead_letter"
        write_feed(world["www"] / "outlet_b.xml", "outlet-b",
                   [("Russia delivers fuel to North Korea by rail via Khasan", "Russian fuel reached Rajin.")])
        run_once(world["db"], world["csv"], plan, world["dir"])
        assert len(operator.delivered) == 1  # still one: not one per run or per dead alert
    finally:
        server.shutdown()


@pytest.mark.parametrize("point", ["after_commit", "after_send"])
def test_sigkill_between_commit_delivery_and_marking_loses_and_doubles_nothing(world, webhook, point):
    not_a_new_database(world)
    script = Path(__file__).resolve().parent / "alert_pipeline.py"
    env = {**os.environ, "NEWSMON_TEST_CRASH_AT": point}
    args = [sys.executable, str(script), str(world["db"]), str(world["csv"]), str(world["dir"]), webhook.url]
    crashed = subprocess.run(args, env=env, capture_output=True, timeout=120)
    assert crashed.returncode == -9, crashed.stderr.decode()[-2000:]
    assert len(webhook.hits) == (0 if point == "after_commit" else 1)
    assert len(story_rows(world["db"])) == 4  # the outbox was committed with the stories

    run_once(world["db"], world["csv"], plan_for(webhook.url), world["dir"])
    assert len(webhook.delivered) == 2  # each alert visible once at the deduplicating receiver
    assert len(webhook.accepted) == (2 if point == "after_commit" else 3)  # at most one resend, same key
    assert {r[3] for r in story_rows(world["db"])} == {"sent"}
    lines = (world["dir"] / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len({json.loads(line)["alert_id"] for line in lines}) == len(lines) == 2


def test_sigkill_after_the_first_chunk_keeps_it_and_the_next_run_stores_and_alerts_the_rest(world, webhook):
    # A run of two chunks (one feed each) is killed right after committing the first: that chunk's
    # articles and the alerts of their stories are kept, nothing else is (feed state and validators
    # move only at the end), and the next run stores the second feed and alerts each story once.
    not_a_new_database(world)
    write_feed(world["www"] / "outlet_b.xml", "outlet-b",
               [("Russia ships fuel to North Korea by rail via Khasan", "Russian fuel reached Rajin port.")])
    script = Path(__file__).resolve().parent / "alert_pipeline.py"
    env = {**os.environ, "NEWSMON_TEST_CRASH_AT": "after_chunk", "NEWSMON_TEST_CHUNK_BYTES": "1"}
    args = [sys.executable, str(script), str(world["db"]), str(world["csv"]), str(world["dir"]), webhook.url]
    crashed = subprocess.run(args, env=env, capture_output=True, timeout=120)
    assert crashed.returncode == -9, crashed.stderr.decode()[-2000:]
    con = duckdb.connect(str(world["db"]), read_only=True)
    try:
        assert con.execute("select distinct feed_id from articles").fetchall() == [("outlet_a",)]
        assert con.execute("select count(*) from articles").fetchall()[0][0] == len(STORIES + OFF_TOPIC)
        assert sorted(con.execute("select status from runs").fetchall()) == [("completed",), ("running",)]
        assert con.execute("select count(*) from feed_state where last_success_at is not null").fetchall() == [(0,)]
    finally:
        con.close()
    kept = {r[1] for r in story_rows(world["db"])}
    assert len(kept) == len(STORIES) and not webhook.hits  # committed with their stories, not sent yet

    run_once(world["db"], world["csv"], plan_for(webhook.url), world["dir"])
    con = duckdb.connect(str(world["db"]), read_only=True)
    try:
        assert con.execute("select count(*), count(distinct article_id) from articles").fetchall() == [(4, 4)]
        assert sorted(con.execute("select status from runs").fetchall()) == [("completed",)] * 2 + [("interrupted",)]
    finally:
        con.close()
    assert len(webhook.delivered) == len(webhook.hits) == 3  # both kept alerts and the new one, once each
    assert {r[3] for r in story_rows(world["db"])} == {"sent"}


def test_atom_file_lists_alerted_stories_and_parses(world, webhook):
    run_once(world["db"], world["csv"], plan_for(webhook.url), world["dir"])
    feed = feedparser.parse((world["dir"] / "alerts.atom").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and len(feed.entries) == 2
    assert {e.id.rsplit("/", 1)[1] for e in feed.entries} == {r[1] for r in story_rows(world["db"])}
    assert all(e.link.startswith("https://outlet-a.example/") for e in feed.entries)


@pytest.mark.prefect
@pytest.mark.usefixtures("prefect_harness")
def test_demo_flow_writes_atom_and_jsonl_and_alerts_once(tmp_path, webhook, monkeypatch):
    from newsmon.cli import main

    monkeypatch.setenv("NEWSMON_ALERT_URLS", webhook.url)
    db = tmp_path / "demo.duckdb"
    assert main(["run", "--demo", "--db", str(db)]) == 0
    feed = feedparser.parse((tmp_path / "alerts.atom").read_bytes())
    assert not feed.bozo and feed.version == "atom10" and feed.entries
    lines = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(feed.entries)
    (body,) = webhook.delivered.values()  # a new database's first run: one summary, not a flood
    assert len(webhook.hits) == 1 and len(body["alerts"]) == len(lines) and body["alerts"][0]["summary"] == "first_run"
    assert main(["run", "--demo", "--db", str(db)]) == 0
    assert len(webhook.hits) == 1
