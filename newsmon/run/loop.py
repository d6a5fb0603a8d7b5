"""One ingest run, from the registry to the alerts: the one place where a run's stages are put in order.

`run_ingest` is the whole run. Its stages, in order, with the module that does each:

 1. prepare   store.open_store / upsert_feeds / read_feed_states: migrate the database, refresh
              the feed registry, read every feed's state (validators, backoff)
 2. deliver   alerts.deliver: what earlier runs left pending in the outbox
 3. plan      run.plan.plan_fetch: the feeds that are due, batched by host (run.plan.group_by_host)
 4. fetch     fetch.fetch_feeds: every batch at once, each polite per host (bodies held compressed)
 5. process   chunk by chunk of documents (`process_documents`), on the run's executor:
                parse     articles.parse_results                      (executor)
                identify  articles.identify_entries, store.read_known_articles: skip what is stored
                build     articles.build_articles: clean, language, tags, fingerprint (executor)
                store     one transaction: store.write_articles, stories.index.assign_stories,
                          alerts.outbox.write_story_alerts
              then one last transaction: store.write_fetch_results (validators move only now),
              alerts.outbox.write_feed_health_alerts, store.insert_run
 6. deliver   alerts.deliver: this run's alerts
 7. report    report.publish.publish_report: report.html and the Markdown summary

The I/O steps (prepare, fetch, process, deliver, report) are the fields of `Steps`: plain functions
here, Prefect tasks in flows/ingest.py, which runs this same body. The CPU-bound stages run on the
executor the run owns (run/executor.py) while this process stores the previous chunk. The whole
run holds the database's single-writer lock.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsmon import articles, store, testing
from newsmon.alerts import deliver, outbox
from newsmon.db import DatabaseLocked, transaction, writer_lock
from newsmon.fetch import FetchSettings, fetch_feeds
from newsmon.fulltext.stage import FulltextReport, fetch_fulltext
from newsmon.records import Feed, FeedState, FetchRequest, FetchResult, RunSummary
from newsmon.report.publish import publish_report
from newsmon.run import plan
from newsmon.run.config import RunConfig
from newsmon.run.executor import Executor, Pending, make_executor
from newsmon.run.tally import RunTally, stored_anything, summarise
from newsmon.stories.index import assign_stories, story_items

# --- the I/O steps ------------------------------------------------------------------------------------
# Each opens the database itself when it needs it (a connection cannot be shared between Prefect
# tasks); the caller holds the writer lock.


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


def fetch_batches(batches: Sequence[Sequence[FetchRequest]], settings: FetchSettings) -> list[FetchResult]:
    """Every batch at once, one thread each (each batch is concurrent inside, polite per host)."""
    with ThreadPoolExecutor(max(1, len(batches))) as threads:
        return [r for part in threads.map(lambda batch: fetch_batch(batch, settings), batches) for r in part]


def deliver_alerts(db_path: Path, config: RunConfig) -> deliver.DeliveryReport:
    """Send what the outbox holds (this run's alerts and any left pending by earlier runs)."""
    con = store.open_store(db_path)
    try:
        return deliver.deliver_alerts(con, config.alert_plan, config.alerts_dir, budget_s=config.alert_budget_s)
    finally:
        con.close()


def process_documents(results: Sequence[FetchResult], feeds_by_id: Mapping[str, Feed], config: RunConfig,
                      executor: Executor, run: RunIdentity, states: Mapping[str, FeedState],
                      skipped: Sequence[str], timings: dict[str, float] | None = None) -> RunSummary:
    """Parse, skip what is stored, build and store the fetched documents, then the run's fetch events,
    feed states and feed-health alerts.

    Documents go through in chunks of `config.chunk_bytes`: while the executor parses and builds
    the next chunk, this process stores the previous one in a transaction of its own, with its
    stories and their alerts, so a run holds one chunk in memory, not all of them. Fetch events and
    feed states (the validators) are committed last: a run that dies half-way keeps the chunks it
    committed, and the next run fetches everything again and stores the rest."""
    clock = Stopwatch(timings)
    tally, seen = RunTally(), set()
    chunks = plan.chunk_by_bytes(results, config.chunk_bytes)
    con = store.open_store(config.db_path)
    try:
        store.begin_run(con, run.run_id, run.started)
        parsing = executor.parse(chunks[0], feeds_by_id, config.max_entries) if chunks else None
        previous = None  # the chunk being built while the next one is parsed
        for index in range(len(chunks)):
            with clock("parse"):
                parsed = parsing.get()
            if index + 1 < len(chunks):
                parsing = executor.parse(chunks[index + 1], feeds_by_id, config.max_entries)
            tally.add_parsed(parsed)
            with clock("identify"):
                candidates = articles.identify_entries(parsed)
                fresh = plan.first_sightings(candidates, seen)
            with clock("known_lookup"):
                known = store.read_known_articles(con, [c.article_id for c in fresh])
            building = BuildingChunk(executor.build(articles.select_changed(fresh, known), config.seeds_dir,
                                                    feeds_by_id, run.started),
                                     known, plan.article_feed_pairs(candidates))
            if previous is not None:
                # A chunk but the run's first is written with DuckDB's memory capped (store.write_chunk).
                store_chunk(con, previous, run, config, tally, clock, capped=index > 1)
                store.release_cache(con)  # more chunks follow (after the last one, closing frees it all)
            previous = building
        if previous is not None:
            store_chunk(con, previous, run, config, tally, clock, capped=len(chunks) > 1)
        executor.close()  # everything is built: the workers' memory goes back before alerts and report
        summary = summarise(run.run_id, run.started, datetime.now(UTC), results, skipped, tally)
        with clock("finish"), transaction(con):
            store.write_fetch_results(con, run.run_id, results, tally.entries_by_feed, tally.new_by_feed,
                                      plan.next_states(results, tally.parse_errors, states))
            outbox.write_feed_health_alerts(con, config.alert_plan, run.started)
            store.insert_run(con, summary)
        testing.crash_point("after_commit")
    finally:
        con.close()
    return summary


def store_chunk(con: duckdb.DuckDBPyConnection, chunk: BuildingChunk, run: RunIdentity, config: RunConfig,
                tally: RunTally, clock: Stopwatch, capped: bool) -> None:
    """One chunk's transaction: its articles, their stories, and the alerts of stories they made match."""
    with clock("build"):
        built = chunk.articles.get()

    from newsmon.events.link import link_events

    def write() -> None:
        store.write_articles(con, run.run_id, run.started, built, chunk.article_feeds)
        with clock("store.stories"):  # a part of "store"
            stories = assign_stories(con, story_items(built, chunk.known), run.started)
        with clock("store.events"):  # a part of "store"
            link_events(con, built, stories, run.started, config.seeds_dir, chunk.known)
        if built:
            outbox.write_story_alerts(con, config.alert_plan, [a.article_id for a in built], run.started)

    with clock("store"):
        store.write_chunk(con, write, capped=capped)
    tally.add_stored(built, chunk.known)
    testing.crash_point("after_chunk")


# --- the run --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Steps:
    """The run's I/O steps. flows/ingest.py passes the same functions wrapped as Prefect tasks."""

    prepare: Callable[..., dict[str, FeedState]] = prepare_store
    fetch: Callable[..., list[FetchResult]] = fetch_batches
    process: Callable[..., RunSummary] = process_documents
    fulltext: Callable[..., FulltextReport] = fetch_fulltext  # article pages (newsmon/fulltext)
    deliver: Callable[..., deliver.DeliveryReport] = deliver_alerts
    report: Callable[..., str | None] = publish_report


PLAIN_STEPS = Steps()


@dataclass(frozen=True, slots=True)
class RunIdentity:
    run_id: str
    started: datetime


@dataclass(frozen=True, slots=True)
class RunResult:
    summary: RunSummary
    report_markdown: str | None = None  # the new matching stories, when the report was refreshed


def run_ingest(feeds: Sequence[Feed], config: RunConfig, steps: Steps = PLAIN_STEPS, force: bool = False,
               timings: dict[str, float] | None = None) -> RunResult:
    """One whole run (the stages in the module docstring). `timings` collects seconds per stage."""
    clock = Stopwatch(timings)
    run = RunIdentity(uuid.uuid4().hex[:12], datetime.now(UTC))
    feeds_by_id = {f.feed_id: f for f in feeds}
    db = config.db_path
    try:
        with writer_lock(db), make_executor(config.executor, config.workers, config.seeds_dir,
                                            config.pool) as executor:
            with clock("prepare"):
                states = steps.prepare(db, feeds, run.started)
                steps.deliver(db, config)
            requests, skipped = plan.plan_fetch(feeds, states, run.started, force)
            if plan.never_parsed(requests) >= config.pool.early_start_feeds:
                executor.start(config.seeds_dir)  # its workers warm up while we fetch
            with clock("fetch"):
                fetched = steps.fetch(plan.group_by_host(requests, config.fetch_batches), config.fetch)
                results = plan.drop_unchanged_bodies(fetched, requests)
            del fetched
            summary = steps.process(results, feeds_by_id, config, executor, run, states, skipped, clock.timings)
            with clock("fulltext"):
                steps.fulltext(config, feeds_by_id, run.started)
            with clock("deliver"):
                steps.deliver(db, config)
            with clock("report"):
                markdown = steps.report(db, config.alerts_dir, stored_anything(summary))
    except DatabaseLocked as exc:
        return RunResult(RunSummary(run.run_id, run.started, datetime.now(UTC), "locked", message=str(exc)))
    return RunResult(summary, markdown)


class Stopwatch:
    """Adds the seconds spent in each named block to `timings` (the benchmark's per-stage figures)."""

    def __init__(self, timings: dict[str, float] | None = None) -> None:
        self.timings = {} if timings is None else timings

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True, slots=True)
class BuildingChunk:
    articles: Pending  # its new and edited articles, being built
    known: Mapping[str, str]  # article_id -> stored content hash, of the chunk's entries already stored
    article_feeds: Sequence[tuple[str, str]]  # (article_id, feed_id) of every entry the chunk carried
