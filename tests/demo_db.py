"""Build the demo database the way the ingest flow does, minus Prefect (seconds instead of ~30 s).

The stages are the same newsmon functions that flows/ingest.py calls, in the same order, run
against seeds/demo/ served from a real loopback HTTP server. Tests that need realistic data
(queries, report, export) share one such database per session.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from newsmon import ingest, pipeline, store
from newsmon.db import writer_lock
from newsmon.demo import demo_feeds_csv, serve_directory
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings, fetch_feeds
from newsmon.paths import DEMO_DIR
from newsmon.records import RunSummary
from newsmon.settings import Settings
from newsmon.topics import load_topic_rules


def build_demo_db(db_path: Path) -> RunSummary:
    """Run one ingest of the demo feeds into `db_path`; returns the run summary."""
    settings = Settings()
    # NEWSMON_ALLOW_PRIVATE_NETWORKS=1 semantics: the demo server is our own, on 127.0.0.1.
    fetch_settings = FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0)
    with serve_directory(DEMO_DIR) as base:
        feeds = read_feeds_csv(demo_feeds_csv(base, db_path.parent / "demo_feeds.csv"))
        feeds_by_id = {f.feed_id: f for f in feeds}
        run_id, started = uuid.uuid4().hex[:12], datetime.now(UTC)
        with writer_lock(db_path):
            con = store.open_store(db_path)
            try:
                store.upsert_feeds(con, feeds, started)
                states = store.read_feed_states(con)
                requests, skipped = ingest.plan_fetch(feeds, states, started)
                results = ingest.drop_unchanged_bodies(fetch_feeds(requests, fetch_settings), requests)
                parsed = pipeline.parse_results(results, feeds_by_id, settings.max_entries_per_feed)
                candidates = pipeline.identify_entries(parsed)
                known = store.read_known_articles(con, [c.article_id for c in candidates])
                changed = pipeline.select_changed(candidates, known)
                articles = pipeline.build_articles(changed, load_topic_rules(settings.seeds_dir), feeds_by_id, started)
                summary = ingest.summarise(run_id, started, datetime.now(UTC), results, parsed, skipped,
                                           candidates, articles, known)
                store.write_run(
                    con, summary, results,
                    ingest.entries_per_feed(parsed), ingest.new_per_feed(articles, known),
                    articles, ingest.article_feed_pairs(candidates), ingest.next_states(results, parsed, states),
                    ingest.story_items(articles, known),
                )
            finally:
                con.close()
    return summary


@functools.cache
def shared_demo_db() -> Path:
    """One demo database per test session, shared by every module that asks (read it only;
    copy it to change it)."""
    folder = Path(tempfile.mkdtemp(prefix="newsmon-demo-db-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    build_demo_db(folder / "demo.duckdb")
    return folder / "demo.duckdb"
