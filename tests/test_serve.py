"""Both scheduling routes against a real local Prefect server (`prefect server start`, ~15-20 s to start).

1. `prefect work-pool create` + `prefect deploy --all`: prefect.yaml registers ingest-feeds/daily.
2. `newsmon serve` (flows.serve.serve in a subprocess): the same schedule from prefect.yaml; a
   triggered run stores articles from a loopback feed; SIGINT and SIGTERM stop it cleanly; the
   failure automation exists once after two starts and posts a failed run to a loopback webhook.

Expected state is read back through the Prefect client. Wait bounds are generous failure guards.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, write_feeds_csv

from newsmon.schedule import read_deployment

pytestmark = pytest.mark.prefect

FULL_NAME = "ingest-feeds/daily"
WAIT_S = 150  # only a guard: a loaded 2-core machine is slow, a broken one never gets there


@dataclass(frozen=True)
class Server:
    port: int
    home: Path

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "PREFECT_HOME": str(self.home), "PREFECT_API_URL": self.api_url, **extra}


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory) -> Iterator[Server]:
    """One `prefect server start` on a free loopback port with its own home, started and stopped
    by the same functions `newsmon serve` uses."""
    from newsmon.prefect_server import start_or_reuse_server, stop_server

    home = tmp_path_factory.mktemp("prefect-server-home")
    port = _free_port()
    process = start_or_reuse_server(port, home, timeout_s=240)
    assert process is not None, "a fresh port cannot have a server already"
    try:
        yield Server(port, home)
    finally:
        stop_server(process)
    assert process.returncode is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def prefect_client(server: Server):
    from prefect import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        with get_client(sync_client=True) as client:
            yield client


def wait_for(predicate, what: str, timeout_s: float = WAIT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"gave up after {timeout_s:.0f} s waiting for {what}")


def test_prefect_deploy_registers_daily_with_the_yaml_schedule(prefect_server):
    spec = read_deployment("daily")
    env = prefect_server.env()
    for args in (["work-pool", "create", spec.work_pool, "--type", "process"],
                 ["deploy", "--all", "--no-prompt"]):
        done = subprocess.run([sys.executable, "-m", "prefect", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=WAIT_S)
        assert done.returncode == 0, done.stdout + done.stderr

    with prefect_client(prefect_server) as client:
        deployment = client.read_deployment_by_name(FULL_NAME)
    assert deployment.work_pool_name == spec.work_pool
    assert deployment.entrypoint == spec.entrypoint
    assert _schedules(deployment) == _yaml_schedules(spec)
    assert deployment.global_concurrency_limit.limit == spec.concurrency_limit == 1


def _schedules(deployment) -> list[tuple]:
    return [(s.schedule.cron, s.schedule.timezone, s.active) for s in deployment.schedules]


def _yaml_schedules(spec) -> list[tuple]:
    return [(s["cron"], s["timezone"], s.get("active", True)) for s in spec.schedules]


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).received.append(json.loads(body or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def operator_webhook() -> Iterator[tuple[str, list[dict]]]:
    handler = type("Webhook", (_Webhook,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler.received
    finally:
        server.shutdown()
        server.server_close()


class ServeProcess:
    """`serve(port, db_path=None, feeds_csv=...)` in a subprocess started elsewhere than the repo."""

    def __init__(self, server: Server, cwd: Path, feeds_csv: Path, env: dict[str, str]):
        code = (f"from flows.serve import serve; "
                f"raise SystemExit(serve({server.port}, None, {str(feeds_csv)!r}))")
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=cwd, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_ready(self):
        def ready_or_exited():
            return self.process.poll() is not None or any(line.startswith("stop:") for line in self.lines)

        wait_for(ready_or_exited, "newsmon serve to register the deployment")
        assert self.process.poll() is None, self.output

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve did not stop after signal {signum}:\n{self.output}")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def serving(*args) -> Iterator[ServeProcess]:
    serve = ServeProcess(*args)
    try:
        yield serve
    finally:
        serve.kill()


def test_serve_refuses_a_bad_feed_registry_before_starting_anything(tmp_path, capsys):
    from flows.serve import serve

    bad = tmp_path / "feeds.csv"
    bad.write_text("feed_id,name,url\nx,X,not a url\n", encoding="utf-8")
    assert serve(_free_port(), str(tmp_path / "db.duckdb"), str(bad)) == 1
    error = capsys.readouterr().err
    assert error.startswith("newsmon: ") and error.count("\n") == 1


def test_server_that_cannot_start_gives_one_clear_line(fixture_server, tmp_path):
    from newsmon.prefect_server import ServerError, start_or_reuse_server

    busy_port = int(fixture_server.rsplit(":", 1)[1])  # taken by an HTTP server that is not Prefect
    with pytest.raises(ServerError, match=r"exited with code \d+: .*already in use") as error:
        start_or_reuse_server(busy_port, tmp_path / "home", timeout_s=WAIT_S)
    assert "\n" not in str(error.value)


def run_deployment(client, deployment_id, **parameters):
    run = client.create_flow_run_from_deployment(deployment_id, parameters=parameters or None)
    def finished():
        current = client.read_flow_run(run.id)
        return current if current.state.is_final() else None

    return wait_for(finished, f"flow run {run.name}")


def test_serve_runs_daily_on_the_yaml_schedule_alerts_once_and_stops_cleanly(
        prefect_server, fixture_server, operator_webhook, tmp_path):
    from flows.automations import AUTOMATION_NAME, SILENCE_AUTOMATION_NAME
    from newsmon.schedule import silence_window

    spec = read_deployment("daily")
    webhook_url, posts = operator_webhook
    feeds = write_feeds_csv(tmp_path / "feeds.csv", [
        ("outlet_a", "Outlet A", f"{fixture_server}/feeds/wire_outlet_a.xml")])
    db = tmp_path / "data" / "serve.duckdb"
    env = prefect_server.env(
        NEWSMON_DB=str(db), NEWSMON_OPERATOR_WEBHOOK=webhook_url, NEWSMON_ALLOW_PRIVATE_NETWORKS="1",
        NEWSMON_PER_HOST_INTERVAL="0.05", NEWSMON_WORKERS="1",
        PREFECT_RUNNER_POLL_FREQUENCY="1")  # the runner checks for due runs every 10 s by default

    with serving(prefect_server, tmp_path, feeds, env) as first, prefect_client(prefect_server) as client:
        first.wait_ready()
        deployment = client.read_deployment_by_name(FULL_NAME)
        assert _schedules(deployment) == _yaml_schedules(spec)
        assert deployment.global_concurrency_limit.limit == spec.concurrency_limit
        assert deployment.work_pool_name is None and not deployment.paused  # served, not worker-run
        # Absolute paths, so runs do not depend on a working directory: --feeds here, NEWSMON_DB for the db.
        assert deployment.parameters["feeds_csv"] == str(feeds.resolve())
        assert deployment.parameters["db_path"] == str(db.resolve())

        run = run_deployment(client, deployment.id)
        assert run.state.is_completed(), first.output
        con = duckdb.connect(str(db), read_only=True)
        try:
            assert con.execute("select count(*) from articles").fetchone()[0] > 0
        finally:
            con.close()

        assert first.stop(signal.SIGINT) == 0, first.output
        assert "newsmon serve: stopped" in first.output
        assert client.read_deployment(deployment.id).paused  # no runs pile up while nobody serves

    with serving(prefect_server, tmp_path, feeds, env) as second, prefect_client(prefect_server) as client:
        second.wait_ready()
        deployment = client.read_deployment_by_name(FULL_NAME)
        assert not deployment.paused
        assert len(client.read_automations_by_name(AUTOMATION_NAME)) == 1
        (silence,) = client.read_automations_by_name(SILENCE_AUTOMATION_NAME)  # idempotent too
        assert silence.trigger.posture == "Proactive" and silence.trigger.within == silence_window(spec)

        failed = run_deployment(client, deployment.id, feeds_csv=str(tmp_path / "missing.csv"))
        assert failed.state.is_failed(), second.output
        alert = wait_for(lambda: [p for p in posts if failed.name in p.get("body", "")], "the failure alert")
        assert "Failed" in alert[0]["subject"] + alert[0]["body"]

        assert second.stop(signal.SIGTERM) == 0, second.output
