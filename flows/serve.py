"""`newsmon serve`: daily ingest runs with one command, no work pool and no worker.

It starts a local Prefect server (or reuses one on the port), registers prefect.yaml's `daily`
deployment (as `prefect deploy` would) and executes its scheduled runs in this process until Ctrl-C or
SIGTERM; it keeps an automation that tells the operator about failed or crashed runs, and serves
alerts.atom and report.html on 127.0.0.1. The newsmon core never imports prefect; this module does."""

from __future__ import annotations

import importlib
import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path

from flows.automations import WEBHOOK_ENV, ensure_failure_automation, ensure_silence_automation
from newsmon.errors import user_message
from newsmon.feeds import read_feeds_csv
from newsmon.http_files import FilesServerError, serve_files
from newsmon.paths import PREFECT_HOME
from newsmon.prefect_home import serving
from newsmon.prefect_server import ServerError, start_or_reuse_server, stop_server
from newsmon.schedule import (
    DeploymentSpec,
    ScheduleError,
    describe,
    format_next_run,
    read_deployment,
    schedule_kwargs,
    silence_window,
)
from newsmon.settings import Settings

DEPLOYMENT = "daily"  # the entry of prefect.yaml that `newsmon serve` runs
NEXT_RUN_WAIT_S = 15.0  # the server's scheduler looks at recently changed deployments every ~5 s


def serve(port: int = 4200, db_path: str | Path | None = None, feeds_csv: str | Path | None = None,
          files_port: int | None = None) -> int:
    """Run the `daily` ingest deployment on its prefect.yaml schedule until stopped, serving alerts.atom
    and report.html on 127.0.0.1:files_port (default port + 1); returns an exit code."""
    try:
        spec = read_deployment(DEPLOYMENT)
        settings = Settings.from_env()
        # The command line wins over prefect.yaml, which wins over NEWSMON_DB / NEWSMON_FEEDS. Made
        # absolute so every run uses the files shown here, whatever its working directory.
        db_file = Path(db_path or spec.parameters.get("db_path") or settings.db_path).resolve()
        feeds_file = Path(feeds_csv or spec.parameters.get("feeds_csv") or settings.feeds_csv).resolve()
        feed_count = len(read_feeds_csv(feeds_file))  # a bad registry fails now, not at 06:00
    except ScheduleError as exc:
        return _fail(str(exc))
    except Exception as exc:
        message = user_message(exc)
        if message is None:
            raise
        return _fail(message)
    _offline_defaults()
    previous_sigterm = signal.signal(signal.SIGTERM, _raise_interrupt)  # until the runner installs its own
    server, home = None, Path(os.environ["PREFECT_HOME"])
    published = settings.alerts_dir or db_file.parent  # where runs write alerts.atom and report.html
    try:
        with serving(home, port), serve_files(published, port + 1 if files_port is None else files_port) as url:
            server = start_or_reuse_server(port, home)  # `newsmon run` sends its runs here meanwhile
            origin = "already running" if server is None else "started here"
            print(f"Prefect UI: http://127.0.0.1:{port}  ({origin}, PREFECT_HOME={home})")
            print(f"database:   {db_file}\nfeeds:      {feeds_file} ({feed_count} feeds)")
            print(f"alert feed: {url}/alerts.atom  report: {url}/report.html")
            return _serve_deployment(spec, port, db_file, feeds_file)
    except (ServerError, FilesServerError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 0
    finally:
        if server is not None:
            stop_server(server)
        signal.signal(signal.SIGTERM, previous_sigterm)


def _fail(message: str) -> int:
    print(f"newsmon: {message}", file=sys.stderr)
    return 1


def _offline_defaults() -> None:
    """Quiet, offline, project-local Prefect settings; a user's own environment wins."""
    os.environ.setdefault("PREFECT_HOME", str(PREFECT_HOME))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _serve_deployment(spec: DeploymentSpec, port: int, db_file: Path, feeds_file: Path) -> int:
    api_url = f"http://127.0.0.1:{port}/api"
    os.environ["PREFECT_API_URL"] = api_url  # flow-run subprocesses inherit it
    import prefect
    from prefect.settings import PREFECT_API_URL, temporary_settings

    ingest_feeds = load_flow(spec.entrypoint)
    with temporary_settings(updates={PREFECT_API_URL: api_url}):  # in case prefect was imported earlier
        deployment = ingest_deployment(ingest_feeds, spec, db_file, feeds_file)
        replaced = drop_worker_deployment(f"{ingest_feeds.name}/{spec.name}")
        deployment_id = deployment.apply()
        alerts = ensure_failure_automation(ingest_feeds.name, os.environ.get(WEBHOOK_ENV))
        silence = ensure_silence_automation(ingest_feeds.name, os.environ.get(WEBHOOK_ENV), silence_window(spec))
        print(f"deployment: {ingest_feeds.name}/{spec.name}  {describe(spec)}, "
              f"concurrency limit {spec.concurrency_limit}")
        print(f"next run:   {format_next_run(next_scheduled_run(deployment_id), spec)}")
        print(f"alerts:     {alerts}; no completed run: {silence}")
        if replaced:
            print(f"note:       replaced the work-pool deployment from `prefect deploy` (pool {replaced})")
        full_name = f"{ingest_feeds.name}/{spec.name}"
        print(f"run now:    PREFECT_API_URL={api_url} prefect deployment run '{full_name}'")
        print("stop:       Ctrl-C or SIGTERM (the deployment is paused until the next `newsmon serve`)",
              flush=True)
        prefect.serve(deployment, print_starting_message=False)
    print("newsmon serve: stopped", flush=True)
    return 0


def load_flow(entrypoint: str):
    """The flow named by a prefect.yaml entrypoint ('flows/ingest.py:ingest_feeds'), imported as a module."""
    path, function = entrypoint.split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, function)


def ingest_deployment(flow, spec: DeploymentSpec, db_file: Path, feeds_file: Path):
    """A RunnerDeployment of `flow` with the schedule, limit and parameters of prefect.yaml."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Schedule

    parameters = {**spec.parameters, "db_path": str(db_file), "feeds_csv": str(feeds_file)}
    return flow.to_deployment(
        name=spec.name,
        schedules=[Schedule(**schedule_kwargs(s)) for s in spec.schedules],
        concurrency_limit=spec.concurrency_limit,
        parameters=parameters,
        description=spec.description,
        tags=list(spec.tags),
        # A module path works from any working directory; the flows package is installed.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def drop_worker_deployment(full_name: str) -> str | None:
    """Delete a same-named deployment made by `prefect deploy`; returns its work pool's name.

    Re-applying over it would keep its work pool, and a worker on that pool would then
    compete with this process for the same runs. The two routes are alternatives.
    """
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            existing = client.read_deployment_by_name(full_name)
        except ObjectNotFound:
            return None
        if not existing.work_pool_name:
            return None
        client.delete_deployment(existing.id)
        return existing.work_pool_name


def next_scheduled_run(deployment_id, wait_s: float = NEXT_RUN_WAIT_S) -> datetime | None:
    """The earliest Scheduled run the server has created for the deployment, waiting briefly for it."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    deadline = time.monotonic() + wait_s
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=1)
            if runs and runs[0].expected_start_time:
                return runs[0].expected_start_time
            if time.monotonic() > deadline:
                return None
            time.sleep(1)


if __name__ == "__main__":
    raise SystemExit(serve())
