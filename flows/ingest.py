"""The ingest flow: newsmon's run loop (newsmon/run/loop.py) with its I/O steps as Prefect tasks.

The body of a run is `run_ingest`, the same function tests and benchmarks call with plain steps;
here each step is a task, one per I/O unit: prepare, one fetch task per batch of feeds, one task
that processes and stores every chunk (a transaction each), deliver, report. Never one per article
or per chunk: Prefect's cost per task would outweigh the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from newsmon.feeds import read_feeds_csv
from newsmon.records import RunSummary
from newsmon.report.publish import publish_report
from newsmon.run import loop
from newsmon.run.config import FETCH_BATCHES, run_config
from newsmon.run.tally import format_summary_markdown
from newsmon.settings import Settings, executor_setting

prepare_store = task(loop.prepare_store, cache_policy=NO_CACHE)
fetch_batch = task(loop.fetch_batch, cache_policy=NO_CACHE)  # never raises: a failure is a FetchResult
process_documents = task(loop.process_documents, cache_policy=NO_CACHE)
deliver_alerts = task(loop.deliver_alerts, cache_policy=NO_CACHE)
publish = task(publish_report, name="publish_report", cache_policy=NO_CACHE)


def fetch_batches(batches, settings):
    return [r for part in fetch_batch.map(batches, settings=settings).result() for r in part]


def process(results, feeds_by_id, config, executor, run, states, skipped, timings=None):
    # quote(): Prefect would otherwise walk every element of these large collections looking for futures.
    return process_documents(quote(results), quote(feeds_by_id), config, executor, run, quote(states),
                             quote(skipped))


def prepare(db_path, feeds, now):
    return prepare_store(db_path, quote(feeds), now)


PREFECT_STEPS = loop.Steps(prepare=prepare, fetch=fetch_batches, process=process, deliver=deliver_alerts,
                           report=publish)


@flow(name="ingest-feeds", task_runner=ThreadPoolTaskRunner(max_workers=FETCH_BATCHES))
def ingest_feeds(feeds_csv: str | None = None, db_path: str | None = None, force: bool = False,
                 executor: str | None = None) -> RunSummary:
    """Fetch every due feed of the registry once, store what is new, and announce new stories.
    `executor`: where the CPU-bound stages run (local, inline, dask://HOST:PORT; default $NEWSMON_EXECUTOR)."""
    settings = Settings.from_env()
    if executor:
        settings = replace(settings, executor=executor_setting(executor))
    config = run_config(settings, Path(db_path) if db_path else settings.db_path)
    feeds = read_feeds_csv(Path(feeds_csv) if feeds_csv else settings.feeds_csv)
    result = loop.run_ingest(feeds, config, PREFECT_STEPS, force)
    if result.summary.status == "locked":
        get_run_logger().warning(result.summary.message)
        return result.summary
    create_markdown_artifact(key="ingest-summary", markdown=format_summary_markdown(result.summary),
                             description="newsmon ingest run summary")
    if result.report_markdown is not None:
        create_markdown_artifact(key="matching-stories", markdown=result.report_markdown,
                                 description="newest matching stories (the full report is report.html)")
    return result.summary


def run_once(feeds_csv: str | None = None, db_path: str | None = None, force: bool = False,
             temporary_server: bool = False, executor: str | None = None) -> RunSummary:
    """One run of the flow in this process, as `newsmon run` starts it. `temporary_server`: the
    Prefect API is a server started for this process alone (flows/temporary_server.py)."""
    with one_off_settings(temporary_server):
        return ingest_feeds(feeds_csv=feeds_csv, db_path=db_path, force=force, executor=executor)


@contextmanager
def one_off_settings(temporary_server: bool = False) -> Iterator[None]:
    """Prefect settings for a run in this process.

    On a temporary server (one Prefect starts because no API is configured, or one that `newsmon
    run` started), which stops with this process, nothing can watch a flow run's heartbeats (they
    let a long-lived server mark a run whose process died as crashed), and the heartbeat thread,
    which sleeps in 1-second steps, is joined at the end of the run. So such runs have none; runs
    against a real server (`newsmon serve`, deployments, PREFECT_API_URL) keep them."""
    if get_current_settings().api.url and not temporary_server:
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


if __name__ == "__main__":
    run_once()
