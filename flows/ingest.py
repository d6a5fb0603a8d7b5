"""The ingest flow: feeds -> fetch -> parse -> skip known -> clean, language, tags -> stories -> DuckDB -> alerts.

Read it as a table of contents. Every task is a step from flows/steps.py (plain functions over
newsmon's core), one per I/O unit: a batch of feeds per fetch task, one task that processes and
stores the fetched documents (a transaction per chunk of documents), never one per article. The
whole run holds the database's single-writer lock. `steps.run_ingest` is this same body without
Prefect, for tests and benchmarks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows import steps
from newsmon import ingest
from newsmon.db import DatabaseLocked, writer_lock
from newsmon.feeds import read_feeds_csv
from newsmon.records import RunSummary
from newsmon.settings import Settings

prepare_store = task(steps.prepare_store, cache_policy=NO_CACHE)
fetch_batch = task(steps.fetch_batch, cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
process_documents = task(steps.process_documents, cache_policy=NO_CACHE)
deliver_alerts = task(steps.deliver_alerts, cache_policy=NO_CACHE)
publish_report = task(steps.publish_report, cache_policy=NO_CACHE)


@flow(name="ingest-feeds", task_runner=ThreadPoolTaskRunner(max_workers=steps.FETCH_BATCHES))
def ingest_feeds(feeds_csv: str | None = None, db_path: str | None = None, force: bool = False) -> RunSummary:
    """Fetch every due feed of the registry once, store what is new, and announce new stories."""
    settings = Settings.from_env()
    db = Path(db_path) if db_path else settings.db_path
    config = steps.run_config(settings, db)
    run_id, started = uuid.uuid4().hex[:12], datetime.now(UTC)
    feeds = read_feeds_csv(Path(feeds_csv) if feeds_csv else settings.feeds_csv)
    feeds_by_id = {f.feed_id: f for f in feeds}
    try:
        with writer_lock(db):
            states = prepare_store(db, quote(feeds), started)
            deliver_alerts(db, config.alert_plan, config.alerts_dir, config.alert_budget_s)  # left by earlier runs
            requests, skipped = ingest.plan_fetch(feeds, states, started, force)
            # A pool for many new feeds warms up while we fetch (a re-run mostly gets 304s: no pool)
            steps.start_workers(steps.never_parsed(requests), config.workers, config.seeds_dir)
            batches = ingest.group_by_host(requests, steps.FETCH_BATCHES)
            fetched = [r for part in fetch_batch.map(batches, settings=config.fetch).result() for r in part]
            results = ingest.drop_unchanged_bodies(fetched, requests)
            # Parse -> skip known -> clean, language, tags -> stories -> DuckDB, chunk by chunk, a
            # transaction each (see steps.process_documents). quote(): Prefect would otherwise walk
            # every element of these large collections looking for futures.
            summary = process_documents(db, quote(results), quote(feeds_by_id), config, run_id, started,
                                        quote(skipped), quote(states))
            steps.stop_workers()  # everything is built: their memory goes back before the report
            deliver_alerts(db, config.alert_plan, config.alerts_dir, config.alert_budget_s)
            report_markdown = publish_report(db, config.alerts_dir, ingest.stored_anything(summary))
    except DatabaseLocked as exc:
        get_run_logger().warning(str(exc))
        return RunSummary(run_id, started, datetime.now(UTC), "locked", message=str(exc))
    create_markdown_artifact(key="ingest-summary", markdown=ingest.format_summary_markdown(summary),
                             description="newsmon ingest run summary")
    if report_markdown is not None:
        create_markdown_artifact(key="matching-stories", markdown=report_markdown,
                                 description="newest matching stories (the full report is report.html)")
    return summary


def run_once(feeds_csv: str | None = None, db_path: str | None = None, force: bool = False,
             temporary_server: bool = False) -> RunSummary:
    """One run of the flow in this process, as `newsmon run` starts it. `temporary_server`: the
    Prefect API is a server started for this process alone (flows/temporary_server.py)."""
    with one_off_settings(temporary_server):
        return ingest_feeds(feeds_csv=feeds_csv, db_path=db_path, force=force)


@contextmanager
def one_off_settings(temporary_server: bool = False) -> Iterator[None]:
    """Prefect settings for a run in this process.

    On a temporary server (one Prefect starts because no API is configured, or one that `newsmon
    run` started), which stops with this process, nothing can watch a flow run's heartbeats (they
    let a long-lived server mark a run whose process died as crashed), and the heartbeat thread,
    which sleeps in 1-second steps, is joined at the end of the run: about a second more on every
    run. So such runs have none; runs against a real server (`newsmon serve`, deployments,
    PREFECT_API_URL) keep them."""
    if get_current_settings().api.url and not temporary_server:
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


if __name__ == "__main__":
    run_once()
