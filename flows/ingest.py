"""The ingest flow: feeds -> fetch -> parse -> skip known -> clean, language, tags -> DuckDB.

Read it as a table of contents: every task is a one-line adapter over a newsmon function.
Tasks are per I/O unit (a batch of feeds per fetch task, one store task), never per
article. The whole run holds the database's single-writer lock.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from newsmon import alerts, ingest, notify, pipeline, store
from newsmon.db import DatabaseLocked, writer_lock
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings, fetch_feeds
from newsmon.records import Feed, RunSummary
from newsmon.settings import Settings

FETCH_TASKS = 4  # fetch batches run in parallel threads; each batch is concurrent inside


@task(cache_policy=NO_CACHE)
def prepare_store(db_path: Path, feeds: list[Feed], now: datetime):
    con = store.open_store(db_path)
    try:
        store.upsert_feeds(con, feeds, now)
        return store.read_feed_states(con)
    finally:
        con.close()


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def fetch_batch(requests, settings: FetchSettings):
    return fetch_feeds(requests, settings)


@task(cache_policy=NO_CACHE)
def parse_documents(results, feeds_by_id, max_entries: int):
    return pipeline.parse_results(results, feeds_by_id, max_entries)


@task(cache_policy=NO_CACHE)
def find_known(db_path: Path, candidates):
    con = store.open_store(db_path)
    try:
        return store.read_known_articles(con, [c.article_id for c in candidates])
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def build_articles(candidates, seeds_dir: Path, feeds_by_id, now: datetime, workers: int):
    return pipeline.build_articles_parallel(candidates, seeds_dir, feeds_by_id, now, workers)


@task(cache_policy=NO_CACHE)
def store_run(db_path: Path, summary, results, parsed, candidates, articles, known, states, alert_plan=None):
    con = store.open_store(db_path)
    try:
        store.write_run(
            con, summary, results,
            ingest.entries_per_feed(parsed), ingest.new_per_feed(articles, known),
            articles, ingest.article_feed_pairs(candidates), ingest.next_states(results, parsed, states),
            ingest.story_items(articles, known), alert_plan,
        )
        notify.crash_point("after_commit")  # test-only (NEWSMON_TEST_CRASH_AT); a no-op otherwise
    finally:
        con.close()
    return summary


@task(cache_policy=NO_CACHE)
def deliver_alerts(db_path: Path, alert_plan, alerts_dir: Path, budget_s: float):
    con = store.open_store(db_path)
    try:
        return notify.deliver_alerts(con, alert_plan, alerts_dir, budget_s=budget_s)
    finally:
        con.close()


@flow(name="ingest-feeds", task_runner=ThreadPoolTaskRunner(max_workers=FETCH_TASKS), log_prints=True)
def ingest_feeds(feeds_csv: str | None = None, db_path: str | None = None, force: bool = False) -> RunSummary:
    """Fetch every due feed of the registry once and store what is new."""
    settings = Settings.from_env()
    csv_path = Path(feeds_csv) if feeds_csv else settings.feeds_csv
    db = Path(db_path) if db_path else settings.db_path
    run_id, started = uuid.uuid4().hex[:12], datetime.now(UTC)
    feeds = read_feeds_csv(csv_path)
    feeds_by_id = {f.feed_id: f for f in feeds}
    plan = alerts.load_plan(settings.alert_rules_csv, os.environ, settings.alert_urls, settings.operator_urls,
                            settings.feed_failing_runs, settings.feed_silent_days)
    alerts_dir = settings.alerts_dir or db.parent
    try:
        with writer_lock(db):
            states = prepare_store(db, feeds, started)
            deliver_alerts(db, plan, alerts_dir, settings.alert_budget_s)  # what earlier runs left pending
            requests, skipped = ingest.plan_fetch(feeds, states, started, force)
            batches = ingest.group_by_host(requests, FETCH_TASKS)
            fetched = [r for batch in fetch_batch.map(batches, settings=fetch_settings(settings)).result() for r in batch]
            results = ingest.drop_unchanged_bodies(fetched, requests)
            parsed = parse_documents(results, feeds_by_id, settings.max_entries_per_feed)
            candidates = pipeline.identify_entries(parsed)
            known = find_known(db, candidates)
            changed = pipeline.select_changed(candidates, known)
            articles = build_articles(changed, settings.seeds_dir, feeds_by_id, started, settings.workers)
            summary = ingest.summarise(run_id, started, datetime.now(UTC), results, parsed, skipped,
                                       candidates, articles, known)
            store_run(db, summary, results, parsed, candidates, articles, known, states, plan)
            deliver_alerts(db, plan, alerts_dir, settings.alert_budget_s)
    except DatabaseLocked as exc:
        get_run_logger().warning(str(exc))
        return RunSummary(run_id, started, datetime.now(UTC), "locked", message=str(exc))
    create_markdown_artifact(key="ingest-summary", markdown=ingest.format_summary_markdown(summary),
                             description="newsmon ingest run summary")
    return summary


def fetch_settings(settings: Settings) -> FetchSettings:
    return FetchSettings(
        user_agent=settings.user_agent,
        total_timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.max_feed_bytes,
        concurrency=max(1, settings.fetch_concurrency // FETCH_TASKS),
        per_host_concurrency=settings.per_host_concurrency,
        per_host_min_interval_s=settings.per_host_interval_s,
        allow_private_networks=settings.allow_private_networks,
    )


if __name__ == "__main__":
    ingest_feeds()
