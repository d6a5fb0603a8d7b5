"""One ingest run, from the registry to the alerts: the one place where a run's stages are put in order.

`run_ingest` is the whole run. Its stages, in order, with the module that does each:

 1. prepare   store.open_store / upsert_feeds / read_feed_states: migrate the database, refresh
              the feed registry, read every feed's state (validators, backoff); and
              stories.index.prune_index drops story index rows no window reaches any more
 2. plan      run.plan.plan_fetch: the feeds that are due, batched by host (run.plan.group_by_host)
 3. fetch     fetch.fetch_feeds: every batch at once, each polite per host (bodies held compressed);
              then the fallbacks of feeds that failed or came back empty (run.critical)
 4. process   chunk by chunk of documents (`process_documents`), on the run's executor:
                parse     articles.parse_results                      (executor)
                identify  articles.identify_entries, store.read_known_articles: skip what is stored
                build     articles.build_articles: clean, language, tags, fingerprint (executor)
                store     one transaction: store.write_articles, stories.index.assign_stories,
                          events.link.link_events (one happening across languages),
                          alerts.outbox.write_story_alerts
              then one last transaction: store.write_fetch_results (validators move only now),
              alerts.outbox.write_feed_health_alerts, run.critical.critical_feed_alerts,
              store.insert_run
 5. fulltext  fulltext.stage.fetch_fulltext: the article pages of matches and near-candidates
              (budgeted, polite, robots.txt), extracted, re-tagged by paragraph; body-only
              matches alert once
 6. publish   report.publish.publish_report (report.html) and read_copy.publish_read_copy, each
              failing on its own
 7. deliver   alerts.deliver: this run's alerts and any that earlier runs left pending, within the
              alert budget. It comes last, so no receiver can delay fetching and storing.
 8. judge     run.tally.judge: completed, degraded (with a warning per thing that went wrong) or
              failed; every stage logs one line through `log`

The I/O steps are the fields of `Steps`: plain functions here, Prefect tasks in flows/ingest.py,
which runs this same body. The CPU-bound stages run on the executor the run owns
(run/executor.py) while this process stores the previous chunk. The whole run holds the
database's single-writer lock, waiting for it (config.lock_wait_s) if another process has it.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from newsmon import articles, store, testing
from newsmon.alerts import deliver, outbox
from newsmon.db import DatabaseLocked, connect, transaction, writer_lock
from newsmon.events.link import link_events
from newsmon.fetch import FetchSettings, fetch_feeds
from newsmon.fulltext.stage import FulltextReport, fetch_fulltext
from newsmon.read_copy import publish_read_copy, read_copy_path
from newsmon.records import Feed, FeedState, FetchRequest, FetchResult, RunSummary
from newsmon.report.publish import publish_report
from newsmon.run import critical, plan
from newsmon.run.collector import run_collection
from newsmon.run.config import RunConfig
from newsmon.run.executor import Executor, Pending, make_executor
from newsmon.run.tally import RunTally, judge, stored_anything, summarise
from newsmon.stories.index import assign_stories, prune_index, story_items

# --- the I/O steps ------------------------------------------------------------------------------------
# Each opens the database itself when it needs it (a connection cannot be shared between Prefect
# tasks); the caller holds the writer lock.


def prepare_store(config: RunConfig, feeds: Sequence[Feed], run: RunIdentity) -> dict[str, FeedState]:
    """Migrate, record the run as `running`, refresh the feed registry, drop story index rows no
    window reaches any more, and read every feed's state."""
    con = store.open_store(config.db_path, config.lock_wait_s)
    try:
        store.begin_run(con, run.run_id, run.started)
        store.upsert_feeds(con, feeds, run.started)
        prune_index(con, run.started)
        return store.read_feed_states(con)
    finally:
        con.close()


def fetch_batch(requests: Sequence[FetchRequest], settings: FetchSettings) -> list[FetchResult]:
    """Fetch a batch of feeds; the bodies are held compressed until their chunk is parsed."""
    return [result.compressed() for result in fetch_feeds(requests, settings)]


def fetch_batches(batches: Sequence[Sequence[FetchRequest]], settings: FetchSettings) -> list[FetchResult]:
    """Every batch at once, one thread each (each batch is concurrent inside, polite per host).
    Daemon threads: a run stopped by Ctrl-C or SIGTERM does not wait for its slowest feed."""
    results: list[list[FetchResult] | BaseException | None] = [None] * len(batches)

    def fetch(index: int) -> None:
        try:
            results[index] = fetch_batch(batches[index], settings)
        except BaseException as exc:  # handed to the caller below
            results[index] = exc

    threads = [threading.Thread(target=fetch, args=(i,), name=f"fetch-{i}", daemon=True) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for part in results:
        if isinstance(part, BaseException):
            raise part
    return [r for part in results for r in part]


def deliver_alerts(config: RunConfig) -> deliver.DeliveryReport:
    """Send what the outbox holds (this run's alerts and any left pending by earlier runs)."""
    con = store.open_store(config.db_path, config.lock_wait_s)
    try:
        return deliver.deliver_alerts(con, config.alert_plan, config.alerts_dir, budget_s=config.alert_budget_s)
    finally:
        con.close()


@dataclass(frozen=True, slots=True)
class Publication:
    report_markdown: str | None = None  # the new matching stories, when report.html was refreshed
    failures: tuple[str, ...] = ()  # one line per output that could not be written


def publish_outputs(config: RunConfig, changed: bool) -> Publication:
    """report.html, and the read-only copy of the database; each fails on its own (a full disk, a
    directory in the way) and is reported, never taking the run or the other down with it."""
    markdown, failures = None, []
    try:
        markdown = publish_report(config.db_path, config.alerts_dir, changed)
    except (OSError, duckdb.Error) as exc:
        failures.append(f"report.html in {config.alerts_dir}: {one_line(exc)}")
    if config.read_copy and changed:
        try:
            publish_read_copy(config.db_path)
        except (OSError, duckdb.Error) as exc:
            failures.append(f"read-only copy {read_copy_path(config.db_path)}: {one_line(exc)}")
    return Publication(markdown, tuple(failures))


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
    con = store.open_store(config.db_path, config.lock_wait_s)
    try:
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
                known = store.read_known_articles(con, fresh)
                candidates = articles.adopt_stored_ids(candidates, known)  # unstable ids -> the stored ones
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
        summary = summarise(run.run_id, run.started, datetime.now(UTC), results, skipped, tally)
        with clock("finish"), transaction(con):
            store.write_fetch_results(con, run.run_id, results, tally.entries_by_feed, tally.new_by_feed,
                                      plan.next_states(results, tally.parse_errors, states))
            outbox.write_feed_health_alerts(con, config.alert_plan, run.started)
            outbox.insert_outbox(con, critical.critical_feed_alerts(
                con, config.alert_plan, feeds_by_id, results, tally.entries_by_feed, run.started), run.started)
            store.insert_run(con, summary)
        testing.crash_point("after_commit")
    finally:
        con.close()
    return summary


def store_chunk(con: duckdb.DuckDBPyConnection, chunk: BuildingChunk, run: RunIdentity, config: RunConfig,
                tally: RunTally, clock: Stopwatch, capped: bool) -> None:
    """One chunk's transaction: its articles, their stories and events, and the alerts of stories
    they made match."""
    with clock("build"):
        built = chunk.articles.get()

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
    publish: Callable[..., Publication] = publish_outputs


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
               timings: dict[str, float] | None = None, log: Callable[[str], None] | None = None) -> RunResult:
    """One whole run (the stages in the module docstring). `timings` collects seconds per stage;
    `log` gets one line per stage (default: the `newsmon.run` logger)."""
    log = log or LOG.info
    clock = Stopwatch(timings)
    run = RunIdentity(uuid.uuid4().hex[:12], datetime.now(UTC))
    feeds_by_id = {f.feed_id: f for f in feeds}
    db = config.db_path
    try:
        with run_collection(), writer_lock(db, config.lock_wait_s, log), make_executor(config.executor, config.workers,
                                                                     config.seeds_dir, config.pool) as executor:
            with clock("prepare"):
                connect(db, wait_s=config.lock_wait_s, on_wait=log).close()  # a reader may hold the file
                states = steps.prepare(config, feeds, run)
            requests, skipped = plan.plan_fetch(feeds, states, run.started, force)
            log(f"run {run.run_id}: {len(requests)} feeds due of {sum(f.active for f in feeds)} active"
                f" ({len(skipped)} not due); database {db}")
            if plan.never_parsed(requests) >= config.pool.early_start_feeds:
                executor.start(config.seeds_dir)  # its workers warm up while we fetch
            with clock("fetch"):
                fetched = steps.fetch(plan.group_by_host(requests, config.fetch_batches), config.fetch)
                if fallbacks := critical.fallback_requests(fetched, feeds_by_id, states):
                    log(f"fetching fallbacks of feeds that failed or came back empty: "
                        f"{' '.join(r.feed_id for r in fallbacks)}")
                    fetched += steps.fetch(plan.group_by_host(fallbacks, config.fetch_batches), config.fetch)
                    requests += fallbacks
                results = plan.drop_unchanged_bodies(fetched, requests)
            del fetched
            log(f"fetched {len(results)} feeds in {clock.timings['fetch']:.1f} s:"
                f" {sum(r.is_ok for r in results)} answered, {sum(not r.is_ok for r in results)} failed")
            summary = steps.process(results, feeds_by_id, config, executor, run, states, skipped, clock.timings)
            log(f"stored {summary.articles_new} new articles ({_languages(summary)}), {summary.articles_updated}"
                f" updated, {summary.matches_new} new topic matches; {summary.feeds_failed} feeds failed")
            with clock("fulltext"):
                fulltext = steps.fulltext(config, feeds_by_id, run.started, executor)
                log(fulltext.line())
            executor.close()  # the workers' memory goes back before the report
            with clock("publish"):
                published = steps.publish(config, stored_anything(summary) or bool(fulltext.new_matches
                                                                                   or fulltext.downgraded))
            with clock("deliver"):
                delivery = _deliver(steps, config, log)
    except DatabaseLocked as exc:
        log(str(exc))
        return RunResult(RunSummary(run.run_id, run.started, datetime.now(UTC), "locked", message=str(exc)))
    except Exception as exc:  # the store itself failed (a full disk, a corrupt file): nothing more to do
        message = f"the run failed: {one_line(exc)}"
        LOG.debug("run %s failed", run.run_id, exc_info=True)
        log(message)
        _end_unfinished(config, run, "failed", message)
        return RunResult(RunSummary(run.run_id, run.started, datetime.now(UTC), "failed", message=message))
    except BaseException:  # Ctrl-C, SIGTERM: what was committed stays
        _end_unfinished(config, run, "interrupted", "interrupted")
        raise
    failures = published.failures + delivery_failures(delivery)
    if fulltext.failure:
        failures += (f"full text: {fulltext.failure}",)
    summary = judge(summary, delivery.retried, delivery.dead, failures)
    log(f"run {run.run_id} {summary.status}" + "".join(f"; {w}" for w in (summary.message, *summary.warnings) if w))
    return RunResult(summary, published.report_markdown)


def _deliver(steps: Steps, config: RunConfig, log: Callable[[str], None]) -> deliver.DeliveryReport:
    report = steps.deliver(config)
    log(f"alerts: {report.sent} sent, {report.retried} pending, {report.dead} dead-lettered"
        f" ({report.messages} messages)")
    return report


def delivery_failures(report: deliver.DeliveryReport) -> tuple[str, ...]:
    return tuple(getattr(report, "failed_sinks", ()))


def _end_unfinished(config: RunConfig, run: RunIdentity, status: str, message: str) -> None:
    """Say in the runs table how a run that stopped half-way ended, when the database can be had
    at once; otherwise the next run marks it `interrupted`."""
    try:
        con = store.open_store(config.db_path)
    except Exception:  # noqa: BLE001 - best effort: the next run marks it anyway
        return
    try:
        store.end_unfinished_run(con, run.run_id, status, datetime.now(UTC), message)
    except duckdb.Error:
        pass
    finally:
        con.close()


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300]


def _languages(summary: RunSummary) -> str:
    return ", ".join(f"{lang} {n}" for lang, n in summary.new_by_lang[:6]) or "none"


LOG = logging.getLogger("newsmon.run")


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
