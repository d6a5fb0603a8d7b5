"""One writer: a run that finds the database held (another run, an analyst's open client) waits for
it, reporting the holder, for up to NEWSMON_LOCK_WAIT; only then does it stop, with a one-line
message and no side effects, so a forgotten notebook cannot silently cost the day's run."""

import subprocess
import sys
import textwrap

import duckdb
import pytest

from newsmon.db import DatabaseLocked, connect, writer_lock


def _hold(args: str, ready: str = "ready") -> subprocess.Popen:
    """A separate process that holds something until its stdin closes."""
    code = textwrap.dedent(args) + f"\nprint({ready!r}, flush=True)\nimport sys; sys.stdin.read()\n"
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == ready
    return proc


def test_second_writer_lock_names_the_holder(db_path):
    proc = _hold(f"""
        from pathlib import Path
        from newsmon.db import writer_lock
        lock = writer_lock(Path({str(db_path)!r})); lock.__enter__()
    """)
    try:
        with pytest.raises(DatabaseLocked, match=rf"locked by PID {proc.pid}.*nothing was written"):
            with writer_lock(db_path):
                pass
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    with writer_lock(db_path):  # released when the holder exits
        pass


@pytest.mark.parametrize("read_only", [False, True])
def test_open_client_blocks_the_writer_with_a_clear_message(db_path, read_only):
    duckdb.connect(str(db_path)).close()
    proc = _hold(f"""
        import duckdb
        con = duckdb.connect({str(db_path)!r}, read_only={read_only})
    """)
    try:
        with pytest.raises(DatabaseLocked) as info:
            connect(db_path)
        message = str(info.value)
        assert "\n" not in message and "nothing was written" in message
        assert str(proc.pid) in message
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def _one_feed(tmp_path, fixture_server):
    from conftest import write_feeds_csv

    from newsmon.feeds import read_feeds_csv

    return read_feeds_csv(write_feeds_csv(tmp_path / "feeds.csv",
                                          [("a", "A", f"{fixture_server}/feeds/wire_outlet_a.xml")]))


def _config(db, lock_wait_s: float):
    from dataclasses import replace

    from newsmon.run.config import run_config
    from newsmon.settings import Settings

    return replace(run_config(Settings.from_env(), db), lock_wait_s=lock_wait_s)


def test_a_run_waits_for_a_reader_and_then_runs(tmp_path, fixture_server):
    """An analyst's read-only client holds the file; it closes after a few seconds; the run, which
    was waiting and said so (naming the holder), then stores everything."""
    from newsmon.run.loop import run_ingest

    db = tmp_path / "held.duckdb"
    duckdb.connect(str(db)).close()
    proc = _hold(f"""
        import duckdb, threading, os
        con = duckdb.connect({str(db)!r}, read_only=True)
        threading.Timer(2.0, lambda: (con.close(), os._exit(0))).start()
    """)
    lines: list[str] = []
    try:
        summary = run_ingest(_one_feed(tmp_path, fixture_server), _config(db, 60), log=lines.append).summary
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    assert summary.status == "completed" and summary.articles_new == 3
    waits = [line for line in lines if "waiting" in line]
    assert waits and f"PID {proc.pid}" in waits[0]


def test_a_run_that_waited_in_vain_fails_and_writes_nothing(tmp_path, fixture_server):
    """Another run holds the writer lock for longer than the run may wait: the run ends `locked`
    (the CLI's 75, a Failed flow run) with the holder's PID, and no side effects."""
    from newsmon.run.loop import run_ingest

    db = tmp_path / "locked.duckdb"
    feeds = _one_feed(tmp_path, fixture_server)
    proc = _hold(f"""
        from pathlib import Path
        from newsmon.db import writer_lock
        lock = writer_lock(Path({str(db)!r})); lock.__enter__()
    """)
    try:
        summary = run_ingest(feeds, _config(db, 1.0)).summary
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    assert summary.status == "locked" and f"PID {proc.pid}" in summary.message
    assert "\n" not in summary.message
    assert not db.exists() and not (tmp_path / "alerts.jsonl").exists()
    assert run_ingest(feeds, _config(db, 0)).summary.articles_new == 3  # the next run catches up
