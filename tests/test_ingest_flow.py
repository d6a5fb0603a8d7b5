"""End to end through a real Prefect flow run: loopback feeds -> DuckDB, twice.

One session-scoped Prefect test harness (a temporary server, ~15 s) serves all flow tests.
"""

import duckdb
import pytest
from conftest import write_feeds_csv

pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def two_outlets_csv(tmp_path, fixture_server):
    """Two feeds carrying the same wire story under URLs differing only by tracking parameters,
    plus one feed that refuses connections and one that is a 404."""
    return write_feeds_csv(tmp_path / "feeds.csv", [
        ("outlet_a", "Outlet A", f"{fixture_server}/feeds/wire_outlet_a.xml"),
        ("outlet_b", "Outlet B", f"{fixture_server}/feeds/wire_outlet_b.xml"),
        ("missing", "Missing", f"{fixture_server}/feeds/no_such_feed.xml"),
        ("refused", "Refused", "http://127.0.0.1:9/feed.xml"),
    ])


def test_ingest_stores_each_article_once_and_rerun_adds_nothing(two_outlets_csv, db_path):
    from flows.ingest import ingest_feeds

    first = ingest_feeds(feeds_csv=str(two_outlets_csv), db_path=str(db_path))
    assert first.status == "degraded"  # stored, but two feeds failed: it says so
    assert first.warnings == ("2 of 4 feeds failed: 1 http_4xx, 1 refused",)
    assert first.articles_new == 3  # the shared wire story once, cycle lanes, the 2099 item
    assert first.feeds_failed == 2 and dict(first.errors) == {"missing": "http_4xx", "refused": "refused"}

    second = ingest_feeds(feeds_csv=str(two_outlets_csv), db_path=str(db_path), force=True)
    assert second.articles_new == 0 and second.articles_updated == 0
    assert second.feeds_not_modified == 2  # 304s: nothing parsed

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        # identity by canonical URL; the link stays as the outlet published it
        urls = [u for (u,) in con.execute("select canonical_url from articles order by 1").fetchall()]
        assert urls.count("https://wire.example/news/2026/11/flights-moscow-pyongyang") == 1
        carried = con.execute(
            "select list(af.feed_id order by af.feed_id) from article_feeds as af join articles using (article_id)"
            " where url like '%flights-moscow-pyongyang%'").fetchone()[0]
        assert carried == ["outlet_a", "outlet_b"]
        events = con.execute(
            "select feed_id, error_class, http_status from fetch_events order by fetched_at, feed_id").fetchall()
        assert len(events) == 8
        assert ("missing", "http_4xx", 404) in events and ("outlet_a", None, 200) in events
        runs = con.execute("select status, articles_new from runs order by started_at").fetchall()
        assert runs == [("completed", 3), ("completed", 0)]
        state = dict(con.execute("select feed_id, consecutive_failures from feed_state").fetchall())
        assert state["outlet_a"] == 0 and state["refused"] == 2
        assert con.execute("select count(*) from articles where published_at > now()").fetchone()[0] == 0
    finally:
        con.close()


def test_demo_run_covers_six_languages(tmp_path):
    from newsmon.cli import main

    db = tmp_path / "demo.duckdb"
    assert main(["run", "--demo", "--db", str(db)]) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        langs = {lang for (lang,) in con.execute("select distinct lang from articles").fetchall()}
        assert len(langs - {"und"}) >= 6, langs
        assert con.execute("select count(*) from article_topics where is_match").fetchone()[0] > 0
    finally:
        con.close()
    assert main(["run", "--demo", "--db", str(db)]) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select articles_new from runs order by started_at desc limit 1").fetchone()[0] == 0
    finally:
        con.close()


def test_one_off_runs_skip_heartbeats_only_where_no_server_outlives_them():
    # Heartbeats let a long-lived server mark a dead run as crashed; a temporary server dies with
    # the run, and joining the heartbeat thread costs each run about a second.
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.ingest import one_off_settings

    with one_off_settings():  # the harness is a real server: keep them
        assert get_current_settings().flows.heartbeat_frequency is not None
    with temporary_settings(updates={PREFECT_API_URL: None}), one_off_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency is not None


def _contents(db) -> dict:
    """What a run stored, without what depends on when or in which process it ran."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        queries = {
            "articles": "select article_id, feed_id, url, title, text, lang, lang_prob, story_id from articles",
            "feeds": "select article_id, feed_id from article_feeds",
            "tags": "select article_id, topic, score, is_match, subtopics, evidence from article_topics",
            "stories": "select article_id, story_id from story_articles",
            "events": "select story_id, event_id from event_stories",
            "alerts": "select alert_id, kind, rule_id, subject_id, channel, status from alert_outbox",
            "fetches": "select feed_id, http_status, error_class, entries, new_articles from fetch_events",
        }
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in queries.items()}
    finally:
        con.close()


def test_the_flow_and_the_plain_runner_store_the_same_database(tmp_path, monkeypatch):
    """One body: the Prefect flow (steps as tasks) and run_ingest with plain steps, on the demo feeds."""
    from datetime import UTC, datetime

    from flows.ingest import ingest_feeds
    from newsmon.demo import dated_demo, demo_feeds_csv, serve_directory
    from newsmon.feeds import read_feeds_csv
    from newsmon.run.config import run_config
    from newsmon.run.loop import run_ingest
    from newsmon.settings import Settings

    monkeypatch.setenv("NEWSMON_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("NEWSMON_PER_HOST_INTERVAL", "0")
    demo_dir = dated_demo(tmp_path / "demo", datetime.now(UTC))
    with serve_directory(demo_dir) as base:
        csv_path = demo_feeds_csv(base, tmp_path / "demo_feeds.csv", demo_dir=demo_dir)
        plain = run_ingest(read_feeds_csv(csv_path), run_config(Settings.from_env(), tmp_path / "plain" / "db.duckdb"))
        flow = ingest_feeds(feeds_csv=str(csv_path), db_path=str(tmp_path / "flow" / "db.duckdb"))
    assert plain.summary.status == flow.status == "completed"
    assert plain.summary.articles_new == flow.articles_new > 50
    plain_db, flow_db = _contents(tmp_path / "plain" / "db.duckdb"), _contents(tmp_path / "flow" / "db.duckdb")
    assert plain_db["alerts"] and plain_db["events"]  # the comparison covers alerts and event links too
    assert plain_db == flow_db
