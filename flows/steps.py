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
from newsmon.records import Feed, FeedState, FetchRequest, FetchResult, RunSummary
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
    """Fetch a batch of feeds; the bodies are held compressed until their chunk is parsed."""
    return [result.compressed() for result in fetch_feeds(requests, settings)]


CHUNK_BYTES = 2 * 1024 * 1024  # of feed documents per chunk: ~2,500 entries of typical news feeds
EARLY_POOL_MIN_FEEDS = 50  # this many feeds usually bring more than workers.PARALLEL_MIN_BYTES to parse


def start_workers(feed_count: int, worker_count: int, seeds_dir: Path) -> None:
    """Start the worker pool early when `feed_count` feeds are likely to bring enough to use it: its
    workers load their data (~0.5 s each) while Prefect starts or the feeds download, instead of
    when the first chunk waits for them. (Starting it again is a no-op; a run that turns out to need
    the pool without this starts it at its first large chunk.)"""
    if feed_count >= EARLY_POOL_MIN_FEEDS:
        workers.start(worker_count, seeds_dir)


def never_parsed(requests: Sequence[FetchRequest]) -> int:
    """Feeds of a run with no body parsed before (a first run, added feeds): they bring all their
    entries. Feeds parsed before mostly answer 304 or an unchanged body, so a pool started for them
    ahead of time would often only cost a re-run its start-up."""
    return sum(1 for request in requests if request.body_hash is None)


def stop_workers() -> None:
    """Stop the worker pool once a run has built everything: the rest of the run (alerts, the report,
    whose DuckDB queries need a few hundred MB at 100k articles) then runs without their ~0.1 GB each."""
    workers.stop()


def process_documents(db_path: Path, results: Sequence[FetchResult], feeds_by_id: Mapping[str, Feed],
                      config: RunConfig, run_id: str, started: datetime, skipped: Sequence[str],
                      states: Mapping[str, FeedState], timings: dict[str, float] | None = None) -> RunSummary:
    """Parse, skip what is stored, build and store the fetched documents, then the run's fetch events,
    feed states and feed-health alerts.

    Documents go through in chunks of CHUNK_BYTES: while the pool parses and builds the next chunk,
    this process stores the previous one in a transaction of its own, with the alerts of its
    stories, so a run holds one chunk in memory, not all of them. Fetch events and feed states
    (the validators) are committed last: a run that dies half-way keeps the chunks it committed,
    and the next run fetches everything again and stores the rest (see store.py)."""
    clock = _Stopwatch({} if timings is None else timings)
    tally, seen = ingest.RunTally(), set()
    chunks = ingest.chunk_by_bytes(results, CHUNK_BYTES)
    con = store.open_store(db_path)
    try:
        store.begin_run(con, run_id, started)
        parsing = _parse(chunks[0], feeds_by_id, config) if chunks else None
        building = None  # the previous chunk: (its articles being built, its known hashes, its feed pairs)
        for index in range(len(chunks)):
            with clock("parse"):
                parsed = parsing.get()
            if index + 1 < len(chunks):
                parsing = _parse(chunks[index + 1], feeds_by_id, config)
            tally.add_parsed(parsed)
            with clock("identify"):
                candidates = pipeline.identify_entries(parsed)
                fresh = ingest.first_sightings(candidates, seen)
            with clock("known_lookup"):
                known = store.read_known_articles(con, [c.article_id for c in fresh])
            changed = pipeline.select_changed(fresh, known)
            pending = workers.build_async(changed, config.seeds_dir, feeds_by_id, started, config.workers)
            # A chunk but the run's first is written with DuckDB's memory capped (store.write_chunk).
            if building is not None:
                _store_chunk(con, run_id, started, *building, tally, clock, config, capped=index > 1)
                store.release_cache(con)  # more chunks follow (after the last one, closing frees it all)
            building = (pending, known, ingest.article_feed_pairs(candidates))
        if building is not None:
            _store_chunk(con, run_id, started, *building, tally, clock, config, capped=len(chunks) > 1)
        summary = ingest.summarise(run_id, started, datetime.now(UTC), results, skipped, tally)
        with clock("finish"), store.run_transaction(con):
            store.finish_run(con, summary, results, tally.entries_by_feed, tally.new_by_feed,
                             ingest.next_states(results, tally.parse_errors, states), config.alert_plan)
        notify.crash_point("after_commit")  # test-only (NEWSMON_TEST_CRASH_AT); a no-op otherwise
    finally:
        con.close()
    return summary


def _parse(chunk: Sequence[FetchResult], feeds_by_id: Mapping[str, Feed], config: RunConfig) -> workers.Pending:
    return workers.parse_async(chunk, feeds_by_id, config.max_entries, config.workers)


def _store_chunk(con, run_id: str, started: datetime, pending: workers.Pending, known: Mapping[str, str],
                 pairs: Sequence[tuple[str, str]], tally: ingest.RunTally, clock: _Stopwatch,
                 config: RunConfig, capped: bool) -> None:
    with clock("build"):
        articles = pending.get()
    with clock("store"):
        store.write_chunk(con, run_id, started, articles, pairs, ingest.story_items(articles, known),
                          config.alert_plan, capped=capped)
    tally.add_stored(articles, known)
    notify.crash_point("after_chunk")  # test-only, like after_commit


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
    from newsmon.report import build_report_and_markdown

    target = out_dir / "report.html"
    if not changed and target.exists() and time.time() - target.stat().st_mtime < REPORT_MAX_AGE_S:
        return None
    now = datetime.now(UTC)
    con = connect(db_path, read_only=True)
    try:
        html, markdown = build_report_and_markdown(con, now, days)
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
            start_workers(never_parsed(requests), config.workers, config.seeds_dir)  # warms up while we fetch
            with clock("fetch"):
                batches = ingest.group_by_host(requests, FETCH_BATCHES)
                with ThreadPoolExecutor(FETCH_BATCHES) as pool:
                    fetched = [r for part in pool.map(lambda b: fetch_batch(b, config.fetch), batches) for r in part]
                results = ingest.drop_unchanged_bodies(fetched, requests)
            del fetched
            summary = process_documents(db, results, feeds_by_id, config, run_id, started, skipped, states,
                                        clock.timings)
            stop_workers()
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
