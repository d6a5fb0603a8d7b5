"""The steps of one ingest run as plain functions, and `run_ingest`, which runs them in order
in this process without Prefect.

flows/ingest.py wraps each step as a Prefect task (same order, same arguments); tests and
benchmarks call `run_ingest` to get the same database in seconds instead of paying Prefect's
start-up. The steps that touch DuckDB open it, work, and close it: a connection cannot be
shared between tasks, and the run's single-writer lock is held by the caller.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsmon import alerts, ingest, notify, pipeline, store, workers
from newsmon.db import DatabaseLocked, writer_lock
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings, fetch_feeds
from newsmon.records import Article, Feed, FeedState, FetchRequest, FetchResult, RunSummary
from newsmon.settings import Settings

FETCH_BATCHES = 4  # fetch batches run in parallel threads; each batch is concurrent inside


@dataclass(frozen=True, slots=True)
class RunConfig:
    """What one run needs besides the feeds, resolved once from Settings."""

    db_path: Path
    seeds_dir: Path
    fetch: FetchSettings
    max_entries: int
    workers: int
    alert_plan: alerts.AlertPlan
    alerts_dir: Path
    alert_budget_s: float


def run_config(settings: Settings, db_path: Path) -> RunConfig:
    return RunConfig(
        db_path=db_path,
        seeds_dir=settings.seeds_dir,
        fetch=FetchSettings(
            user_agent=settings.user_agent,
            total_timeout_s=settings.fetch_timeout_s,
            max_bytes=settings.max_feed_bytes,
            concurrency=max(1, settings.fetch_concurrency // FETCH_BATCHES),
            per_host_concurrency=settings.per_host_concurrency,
            per_host_min_interval_s=settings.per_host_interval_s,
            allow_private_networks=settings.allow_private_networks,
        ),
        max_entries=settings.max_entries_per_feed,
        workers=settings.workers,
        alert_plan=alerts.load_plan(settings.alert_rules_csv, os.environ, settings.alert_urls,
                                    settings.operator_urls, settings.feed_failing_runs, settings.feed_silent_days),
        alerts_dir=settings.alerts_dir or db_path.parent,
        alert_budget_s=settings.alert_budget_s,
    )


def prepare_store(db_path: Path, feeds: Sequence[Feed], now: datetime) -> dict[str, FeedState]:
    """Migrate, refresh the feed registry, and read every feed's state."""
    con = store.open_store(db_path)
    try:
        store.upsert_feeds(con, feeds, now)
        return store.read_feed_states(con)
    finally:
        con.close()


def fetch_batch(requests: Sequence[FetchRequest], settings: FetchSettings) -> list[FetchResult]:
    return fetch_feeds(requests, settings)


def parse_documents(results, feeds_by_id: Mapping[str, Feed], max_entries: int, worker_count: int = 0):
    return workers.parse_results(results, feeds_by_id, max_entries, worker_count)


def find_known(db_path: Path, candidates: Sequence[pipeline.Candidate]) -> dict[str, str]:
    con = store.open_store(db_path)
    try:
        return store.read_known_articles(con, [c.article_id for c in candidates])
    finally:
        con.close()


def build_articles(candidates, seeds_dir: Path, feeds_by_id, now: datetime, worker_count: int) -> list[Article]:
    return workers.build_articles(candidates, seeds_dir, feeds_by_id, now, worker_count)


def store_run(db_path: Path, summary: RunSummary, results, parsed, candidates, articles, known, states,
              alert_plan: alerts.AlertPlan | None = None) -> RunSummary:
    """Commit the run: articles, tags, stories, fetch events, feed state and the alert outbox."""
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


def deliver_alerts(db_path: Path, alert_plan: alerts.AlertPlan, alerts_dir: Path, budget_s: float):
    """Send what the outbox holds (this run's alerts and any left pending by earlier runs)."""
    con = store.open_store(db_path)
    try:
        return notify.deliver_alerts(con, alert_plan, alerts_dir, budget_s=budget_s)
    finally:
        con.close()


REPORT_MAX_AGE_S = 6 * 3600  # a quiet run still refreshes an older report (its charts move on)


def publish_report(db_path: Path, out_dir: Path, changed: bool = True, days: int = 30) -> str | None:
    """Write report.html beside the database and return the Markdown summary of new stories.
    A run that stored nothing leaves a recent report as it is (and returns None)."""
    from newsmon.db import connect
    from newsmon.report import build_report, report_markdown

    target = out_dir / "report.html"
    if not changed and target.exists() and time.time() - target.stat().st_mtime < REPORT_MAX_AGE_S:
        return None
    now = datetime.now(UTC)
    con = connect(db_path, read_only=True)
    try:
        html, markdown = build_report(con, now, days), report_markdown(con, now)
    finally:
        con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    temporary = out_dir / "report.html.tmp"
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(target)
    return markdown


def run_ingest(feeds_csv: Path, config: RunConfig, force: bool = False,
               timings: dict[str, float] | None = None) -> RunSummary:
    """The ingest flow's body with plain calls instead of tasks. `timings` collects seconds per step."""
    clock = _Stopwatch({} if timings is None else timings)
    db = config.db_path
    run_id, started = uuid.uuid4().hex[:12], datetime.now(UTC)
    feeds = read_feeds_csv(feeds_csv)
    feeds_by_id = {f.feed_id: f for f in feeds}
    try:
        with writer_lock(db):
            with clock("prepare"):
                states = prepare_store(db, feeds, started)
                deliver_alerts(db, config.alert_plan, config.alerts_dir, config.alert_budget_s)
            requests, skipped = ingest.plan_fetch(feeds, states, started, force)
            with clock("fetch"):
                batches = ingest.group_by_host(requests, FETCH_BATCHES)
                with ThreadPoolExecutor(FETCH_BATCHES) as pool:
                    fetched = [r for part in pool.map(lambda b: fetch_batch(b, config.fetch), batches) for r in part]
                results = ingest.drop_unchanged_bodies(fetched, requests)
            with clock("parse"):
                parsed = parse_documents(results, feeds_by_id, config.max_entries, config.workers)
                results = ingest.without_bodies(results)
            with clock("identify"):
                candidates = pipeline.identify_entries(parsed)
            with clock("known_lookup"):
                known = find_known(db, candidates)
            with clock("build"):
                changed = pipeline.select_changed(candidates, known)
                articles = build_articles(changed, config.seeds_dir, feeds_by_id, started, config.workers)
            summary = ingest.summarise(run_id, started, datetime.now(UTC), results, parsed, skipped,
                                       candidates, articles, known)
            with clock("store"):
                store_run(db, summary, results, parsed, candidates, articles, known, states, config.alert_plan)
            with clock("deliver"):
                deliver_alerts(db, config.alert_plan, config.alerts_dir, config.alert_budget_s)
            with clock("report"):
                publish_report(db, config.alerts_dir, ingest.stored_anything(summary))
    except DatabaseLocked as exc:
        return RunSummary(run_id, started, datetime.now(UTC), "locked", message=str(exc))
    return summary


class _Stopwatch:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
