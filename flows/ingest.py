"""The ingest flow: newsmon's run loop (newsmon/run/loop.py) with its I/O steps as Prefect tasks.

The body of a run is `run_ingest`, the same function tests and benchmarks call with plain steps;
here each step is a task, one per I/O unit: prepare, fetch (every batch of feeds), one task that
processes and stores every chunk (a transaction each), full text, publish, deliver. Never one per article
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
from prefect.states import Failed
from prefect.utilities.annotations import quote

from newsmon.feeds import read_feeds_csv
from newsmon.records import RunSummary
from newsmon.run import loop
from newsmon.run.config import run_config
from newsmon.run.loop import LOG as loop_logger
from newsmon.run.tally import format_summary_markdown
from newsmon.settings import Settings, executor_setting

prepare_store = task(loop.prepare_store, cache_policy=NO_CACHE)
fetch_feeds = task(loop.fetch_batches, name="fetch_feeds", cache_policy=NO_CACHE)  # never raises per feed
process_documents = task(loop.process_documents, cache_policy=NO_CACHE)
deliver_alerts = task(loop.deliver_alerts, cache_policy=NO_CACHE)
publish_outputs = task(loop.publish_outputs, cache_policy=NO_CACHE)
fetch_fulltext = task(loop.fetch_fulltext, cache_policy=NO_CACHE)  # records its own transient failures


def fetch(batches, settings):
    # One task for all batches (each batch a daemon thread inside it, polite per host): a run
    # stopped by Ctrl-C or SIGTERM then never waits for its slowest feed, as a task runner would.
    return fetch_feeds(quote(batches), settings)


def process(results, feeds_by_id, config, executor, run, states, skipped, timings=None):
    # quote(): Prefect would otherwise walk every element of these large collections looking for futures.
    return process_documents(quote(results), quote(feeds_by_id), config, executor, run, quote(states),
                             quote(skipped))


def fulltext(config, feeds_by_id, now, executor=None):
    return fetch_fulltext(config, quote(feeds_by_id), now, executor)


def prepare(config, feeds, run):
    return prepare_store(config, quote(feeds), run)


PREFECT_STEPS = loop.Steps(prepare=prepare, fetch=fetch, process=process, fulltext=fulltext,
                           publish=publish_outputs, deliver=deliver_alerts)


@flow(name="ingest-feeds")
def ingest_feeds(feeds_csv: str | None = None, db_path: str | None = None, force: bool = False,
                 executor: str | None = None) -> RunSummary:
    """Fetch every due feed of the registry once, store what is new, and announce new stories.
    `executor`: where the CPU-bound stages run (local, inline, dask://HOST:PORT; default $NEWSMON_EXECUTOR).

    The flow run ends Failed (with the RunSummary as its data) when the run failed, found the
    database held, or was interrupted; a degraded run completes with its warnings logged."""
    settings = Settings.from_env()
    if executor:
        settings = replace(settings, executor=executor_setting(executor))
    config = run_config(settings, Path(db_path) if db_path else settings.db_path)
    feeds = read_feeds_csv(Path(feeds_csv) if feeds_csv else settings.feeds_csv)
    logger = get_run_logger()
    result = loop.run_ingest(feeds, config, PREFECT_STEPS, force, log=lambda line: _log(logger, line))
    summary = result.summary
    create_markdown_artifact(key="ingest-summary", markdown=format_summary_markdown(summary),
                             description="newsmon ingest run summary")
    if result.report_markdown is not None:
        create_markdown_artifact(key="matching-stories", markdown=result.report_markdown,
                                 description="newest matching stories (the full report is report.html)")
    if summary.status in ("failed", "locked"):
        return Failed(message=summary.message, data=summary)
    if summary.warnings:
        logger.warning("run %s degraded: %s", summary.run_id, "; ".join(summary.warnings))
    return summary


def _log(logger, line: str) -> None:
    """A stage's line, to Prefect (the UI, a worker's console) and to the `newsmon.run` logger
    (`newsmon run` shows it on a terminal)."""
    logger.info(line)
    loop_logger.info(line)


def run_once(feeds_csv: str | None = None, db_path: str | None = None, force: bool = False,
             temporary_server: bool = False, executor: str | None = None) -> RunSummary:
    """One run of the flow in this process, as `newsmon run` starts it; its summary whatever its
    state. `temporary_server`: the Prefect API is a server started for this process alone."""
    with one_off_settings(temporary_server):
        state = ingest_feeds(feeds_csv=feeds_csv, db_path=db_path, force=force, executor=executor,
                             return_state=True)
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):  # the flow itself failed before it had a summary
        raise summary
    return summary


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
