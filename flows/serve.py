"""`newsmon serve`: daily ingest runs with one command, no work pool and no worker.

It starts a local Prefect server (or reuses one already answering on the port), registers
the `daily` deployment of prefect.yaml (the same cron, timezone, concurrency limit and
parameters that `prefect deploy` uses) and executes its scheduled runs in this process
until Ctrl-C or SIGTERM. It also keeps one automation that tells the operator about
failed or crashed ingest runs. The newsmon core never imports prefect; this module does.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsmon.errors import user_message
from newsmon.feeds import read_feeds_csv
from newsmon.paths import ROOT
from newsmon.schedule import DeploymentSpec, ScheduleError, describe, read_deployment
from newsmon.settings import Settings

DEPLOYMENT = "daily"  # the entry of prefect.yaml that `newsmon serve` runs
HEALTH_TIMEOUT_S = 120.0  # ~13 s on 2 cores when warm; a fresh home migrates the DB first
SERVER_STOP_TIMEOUT_S = 30.0
NEXT_RUN_WAIT_S = 15.0  # the server's scheduler looks at recently changed deployments every ~5 s
AUTOMATION_NAME = "newsmon: ingest run failed or crashed"
WEBHOOK_BLOCK = "newsmon-operator-webhook"
WEBHOOK_ENV = "NEWSMON_OPERATOR_WEBHOOK"


class ServerError(RuntimeError):
    """The local Prefect server did not come up; the message says why in one line."""


def serve(port: int = 4200, db_path: str | Path | None = None, feeds_csv: str | Path | None = None) -> int:
    """Run the `daily` ingest deployment on its prefect.yaml schedule until stopped; returns an exit code."""
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
    server = None
    try:
        server = start_or_reuse_server(port, Path(os.environ["PREFECT_HOME"]))
        origin = "already running" if server is None else "started here"
        print(f"Prefect UI: http://127.0.0.1:{port}  ({origin}, PREFECT_HOME={os.environ['PREFECT_HOME']})")
        print(f"database:   {db_file}")
        print(f"feeds:      {feeds_file} ({feed_count} feeds)")
        return _serve_deployment(spec, port, db_file, feeds_file)
    except ServerError as exc:
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
    os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


# --- the server -------------------------------------------------------------------------------

def start_or_reuse_server(port: int, home: Path,
                          timeout_s: float = HEALTH_TIMEOUT_S) -> subprocess.Popen | None:
    """Reuse a healthy server on 127.0.0.1:port (returns None) or start one on `home` and wait for it."""
    if is_healthy(port):
        return None
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / f"server-{port}.log"
    with open(log_path, "wb") as log:
        # Own session: a terminal's Ctrl-C must not reach the server before the runner has stopped
        # (a runner whose server is already gone hangs on shutdown).
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**{k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"},
                 "PREFECT_HOME": str(home), "COLUMNS": "500"},  # wide: its error is one unwrapped line
        )
    try:
        wait_healthy(port, process, log_path, timeout_s)
    except BaseException:
        stop_server(process)
        raise
    return process


def is_healthy(port: int) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes via a proxy
    try:
        with opener.open(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_healthy(port: int, process: subprocess.Popen, log_path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not is_healthy(port):
        if process.poll() is not None:
            raise ServerError(f"the Prefect server exited with code {process.returncode}: "
                              f"{_last_line(log_path)} (log: {log_path})")
        if time.monotonic() > deadline:
            raise ServerError(f"the Prefect server did not answer on 127.0.0.1:{port} within "
                              f"{timeout_s:.0f} s (log: {log_path})")
        time.sleep(0.5)


def _last_line(path: Path) -> str:
    lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def stop_server(process: subprocess.Popen, timeout_s: float = SERVER_STOP_TIMEOUT_S) -> None:
    """SIGTERM (uvicorn shuts down gracefully), then SIGKILL the whole group if it hangs."""
    if process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(timeout_s)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- the deployment ---------------------------------------------------------------------------

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
        print(f"deployment: {ingest_feeds.name}/{spec.name}  {describe(spec)}, "
              f"concurrency limit {spec.concurrency_limit}")
        print(f"next run:   {_format_next_run(next_scheduled_run(deployment_id), spec)}")
        print(f"alerts:     {alerts}")
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
        schedules=[Schedule(**_schedule_kwargs(s)) for s in spec.schedules],
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


def _schedule_kwargs(raw: dict) -> dict:
    from datetime import timedelta

    kwargs = dict(raw)
    if isinstance(kwargs.get("interval"), (int, float)):
        kwargs["interval"] = timedelta(seconds=kwargs["interval"])
    return kwargs


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


def _format_next_run(when: datetime | None, spec: DeploymentSpec) -> str:
    if when is None:
        return "not scheduled yet (see the UI)"
    zones = [s["timezone"] for s in spec.schedules if s.get("timezone")]
    local = when.astimezone(ZoneInfo(zones[0])) if zones else when
    return f"{local:%Y-%m-%d %H:%M %Z} ({when.astimezone(UTC):%H:%M} UTC)"


# --- operator alerts --------------------------------------------------------------------------

def ensure_failure_automation(flow_name: str, webhook_url: str | None) -> str:
    """Exactly one automation posting failed or crashed runs of `flow_name` to the webhook.

    Returns a status line for the operator.

    Automation.create() does not upsert, so any automation of that name is deleted first; without a
    webhook the automation is removed rather than left pointing at an old address.
    """
    from prefect import get_client

    with get_client(sync_client=True) as client:
        for old in client.read_automations_by_name(AUTOMATION_NAME):
            client.delete_automation(old.id)
    if not webhook_url:
        return f"off (set {WEBHOOK_ENV} to a webhook URL to be told about failed or crashed runs)"
    _failure_automation(flow_name, _save_webhook_block(webhook_url)).create()
    return f"failed or crashed runs are posted to {urlsplit(webhook_url).netloc or webhook_url}"


def _save_webhook_block(url: str):
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    block = CustomWebhookNotificationBlock(
        name="newsmon operator", url=url,
        json_data={"subject": "{{subject}}", "body": "{{body}}", "source": "newsmon"})
    return block.save(WEBHOOK_BLOCK, overwrite=True)


def _failure_automation(flow_name: str, block_document_id):
    from datetime import timedelta

    from prefect.automations import Automation, EventTrigger, Posture, SendNotification

    return Automation(
        name=AUTOMATION_NAME,
        description=f"Created by `newsmon serve`: tell the operator when a {flow_name} run fails or crashes.",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": flow_name},
            posture=Posture.Reactive, threshold=1, within=timedelta(0),
        ),
        actions=[SendNotification(
            block_document_id=block_document_id,
            subject="newsmon: {{ flow.name }} run {{ flow_run.name }} {{ flow_run.state.name }}",
            body="Flow run {{ flow_run.name }} of {{ flow.name }} ended {{ flow_run.state.name }}: "
                 "{{ flow_run.state.message }}\n{{ flow_run|ui_url }}",
        )],
    )


if __name__ == "__main__":
    raise SystemExit(serve())
