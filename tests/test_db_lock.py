"""One writer: a second writer or an open client makes a run stop with a one-line message."""

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


def test_a_run_that_finds_the_database_locked_writes_nothing(tmp_path, fixture_server):
    """Two runs at once: the second stops at once with the holder's PID and has no side effects."""
    from conftest import write_feeds_csv

    from newsmon.feeds import read_feeds_csv
    from newsmon.run.config import run_config
    from newsmon.run.loop import run_ingest
    from newsmon.settings import Settings

    db = tmp_path / "locked.duckdb"
    feeds = read_feeds_csv(write_feeds_csv(tmp_path / "feeds.csv", [("a", "A", f"{fixture_server}/feeds/wire_outlet_a.xml")]))
    proc = _hold(f"""
        from pathlib import Path
        from newsmon.db import writer_lock
        lock = writer_lock(Path({str(db)!r})); lock.__enter__()
    """)
    try:
        summary = run_ingest(feeds, run_config(Settings.from_env(), db)).summary
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    assert summary.status == "locked" and f"PID {proc.pid}" in summary.message
    assert not db.exists() and not (tmp_path / "alerts.jsonl").exists()
    assert run_ingest(feeds, run_config(Settings.from_env(), db)).summary.articles_new == 3  # the next run catches up
