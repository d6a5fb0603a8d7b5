"""A run says how it went: completed, degraded (with a warning per thing that went wrong), failed,
locked or interrupted; in its summary, the runs table, the CLI's exit code and Prefect's state.

Real parts: the tests/fixtures feeds over loopback, real DuckDB files, a real Prefect flow run, and
`newsmon run` as a real process for signals.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from conftest import write_feeds_csv
from hostile_server import HostileServer

from newsmon.feeds import read_feeds_csv
from newsmon.read_copy import read_copy_path
from newsmon.run.config import run_config
from newsmon.run.loop import run_ingest
from newsmon.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _config(db: Path, **changes):
    return replace(run_config(Settings.from_env({"NEWSMON_ALLOW_PRIVATE_NETWORKS": "1",
                                                  "NEWSMON_PER_HOST_INTERVAL": "0"}), db), **changes)


def _feeds(tmp_path, rows):
    return read_feeds_csv(write_feeds_csv(tmp_path / "feeds.csv", rows))


def _runs(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select status from runs order by started_at").fetchall()
    finally:
        con.close()


def test_a_run_where_every_feed_failed_is_failed(tmp_path, fixture_server):
    feeds = _feeds(tmp_path, [("missing", "Missing", f"{fixture_server}/feeds/no_such_feed.xml"),
                              ("refused", "Refused", "http://127.0.0.1:9/feed.xml")])
    lines: list[str] = []
    summary = run_ingest(feeds, _config(tmp_path / "db.duckdb"), log=lines.append).summary
    assert summary.status == "failed"
    assert summary.message.startswith("every feed failed (2 of 2)") and "\n" not in summary.message
    assert _runs(tmp_path / "db.duckdb") == [("failed",)]
    assert any(line.startswith("fetched 2 feeds") for line in lines)
    assert lines[-1].startswith(f"run {summary.run_id} failed")


def test_a_run_where_some_feeds_failed_is_degraded_and_says_which(tmp_path, fixture_server):
    feeds = _feeds(tmp_path, [("a", "A", f"{fixture_server}/feeds/wire_outlet_a.xml"),
                              ("missing", "Missing", f"{fixture_server}/feeds/no_such_feed.xml")])
    summary = run_ingest(feeds, _config(tmp_path / "db.duckdb")).summary
    assert summary.status == "degraded" and summary.articles_new == 3
    assert summary.warnings == ("1 of 2 feeds failed: 1 http_4xx",)


def test_an_output_that_cannot_be_written_degrades_the_run_and_keeps_the_data(tmp_path, fixture_server):
    """report.html is a directory: the run stores, delivers (the Atom feed) and copies all the same, and says so."""
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)
    feeds = _feeds(tmp_path, [("a", "A", f"{fixture_server}/feeds/wire_outlet_a.xml")])
    db = tmp_path / "db.duckdb"
    summary = run_ingest(feeds, _config(db, alerts_dir=out, read_copy=True)).summary
    assert summary.status == "degraded" and summary.articles_new == 3
    assert len(summary.warnings) == 1 and summary.warnings[0].startswith(f"output failed: report.html in {out}")
    assert (out / "alerts.atom").exists() and read_copy_path(db).exists()


def test_the_read_only_copy_follows_each_run_that_stored_something(tmp_path, fixture_server):
    feeds = _feeds(tmp_path, [("a", "A", f"{fixture_server}/feeds/wire_outlet_a.xml")])
    db = tmp_path / "db.duckdb"
    run_ingest(feeds, _config(db, read_copy=True))
    copy = read_copy_path(db)
    reader = duckdb.connect(str(copy), read_only=True)  # an analyst keeps it open all day...
    try:
        assert reader.execute("select count(*) from articles").fetchone()[0] == 3
        summary = run_ingest(feeds, _config(db, read_copy=True), force=True).summary
        assert summary.status == "completed"  # ...and the runs go on
    finally:
        reader.close()
    before = copy.stat().st_mtime_ns
    run_ingest(feeds, _config(db, read_copy=True))
    assert copy.stat().st_mtime_ns == before  # nothing new: the copy is left as it is


@pytest.mark.prefect
@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_run_ends_failed_in_prefect_with_its_stage_lines_logged(tmp_path, fixture_server, monkeypatch):
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    from flows.ingest import ingest_feeds

    monkeypatch.setenv("NEWSMON_ALLOW_PRIVATE_NETWORKS", "1")
    csv_path = write_feeds_csv(tmp_path / "feeds.csv", [("refused", "Refused", "http://127.0.0.1:9/feed.xml")])
    state = ingest_feeds(feeds_csv=str(csv_path), db_path=str(tmp_path / "db.duckdb"), return_state=True)
    assert state.is_failed() and state.message.startswith("every feed failed (1 of 1)")
    summary = state.result(raise_on_failure=False)
    assert summary.status == "failed"
    with get_client(sync_client=True) as client:
        deadline = time.monotonic() + 30  # logs reach the API in batches
        while True:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(
                any_=[state.state_details.flow_run_id])))
            messages = [log.message for log in logs]
            if any(m.startswith(f"run {summary.run_id} failed") for m in messages) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert any(m.startswith("fetched 1 feeds") for m in messages), messages
    assert any(m.startswith(f"run {summary.run_id} failed") for m in messages), messages


@pytest.mark.prefect
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_newsmon_run_at_once_without_a_traceback(tmp_path, signum, code):
    """The run waits on a feed that trickles a byte every 2 s (no read timeout fires; the fetch's
    total deadline is 120 s); the signal ends it within seconds, with the exit code of the signal,
    no traceback (Prefect says the run crashed; newsmon's line comes last), and the run's row says
    `interrupted`."""
    with HostileServer() as server:
        csv_path = write_feeds_csv(tmp_path / "feeds.csv", [("slow", "Slow", server.url("/drip?interval=2"))])
        db = tmp_path / "db.duckdb"
        env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "NEWSMON_ALLOW_PRIVATE_NETWORKS": "1",
               "NEWSMON_FETCH_TIMEOUT": "120", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
        process = subprocess.Popen([sys.executable, "-m", "newsmon.cli", "run", "--feeds", str(csv_path),
                                    "--db", str(db)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while not any(r.path.startswith("/drip") for r in server.requests):
                assert process.poll() is None and time.monotonic() < deadline, process.communicate()
                time.sleep(0.2)
            process.send_signal(signum)
            signalled = time.monotonic()
            out, err = process.communicate(timeout=60)
            stopped_in = time.monotonic() - signalled
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == code, err
    assert "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith(("newsmon: terminated", "newsmon: interrupted")), err
    assert stopped_in < 30  # only to catch a hang: the fetch alone would go on for 120 s
    assert _runs(db) == [("interrupted",)]


def test_the_early_prefect_server_does_not_outlive_a_killed_newsmon(tmp_path):
    """`newsmon run` starts Prefect's temporary server in a session of its own (so a terminal's Ctrl-C
    reaches newsmon first); if newsmon is then killed outright, the server must still go."""
    code = ("from newsmon.prefect_server import start_early; server = start_early(); "
            "print(server.process.pid, flush=True); import time; time.sleep(120)")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    server_pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait(timeout=10)
    deadline = time.monotonic() + 30  # a generous bound: uvicorn shuts down gracefully on SIGTERM
    while time.monotonic() < deadline:
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(server_pid, signal.SIGKILL)
    raise AssertionError("the early server outlived its killed parent")
