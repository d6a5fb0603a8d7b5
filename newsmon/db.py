"""DuckDB connections, the one-writer lock, transactions, and SQL loaded from sql/ by name.

DuckDB allows one read-write process per file, and even a read-only client blocks a writer. So a
writer first takes an OS lock on `<db>.lock` (which records its PID), then opens the file. A
scheduled run must not silently skip its day because an analyst left a notebook open: both waits
are bounded and retried (`wait_s`, NEWSMON_LOCK_WAIT, an hour by default), each retry reported
through `on_wait` naming the holder, and only then does the run fail with `DatabaseLocked` (a
one-line message) without side effects. Commands that only read open the file for the length of
one query.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from newsmon.paths import SQL_DIR


class DatabaseLocked(RuntimeError):
    """Another process holds the database; nothing was written."""


@cache
def sql(name: str) -> str:
    """The text of sql/<name>.sql, e.g. sql("statements/upsert_feeds")."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back if it raises (the one way newsmon
    opens a transaction)."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """Arrow tables registered on the connection under their keyword names for the block: how
    batches of rows reach SQL (never row by row)."""
    for name, table in tables.items():
        con.register(name, table)
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        for name in tables:
            try:
                con.unregister(name)
            except duckdb.Error:
                if not failed:
                    raise  # else an aborted transaction refuses it, and the error that aborted it matters


LOCK_RETRY_S = 5.0  # how often a waiting writer tries again
LOCK_REPORT_S = 60.0  # how often it says that it is still waiting


def connect(path: Path, read_only: bool = False, wait_s: float = 0.0,
            on_wait: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database; while another process holds it, retry for up to `wait_s` seconds, then
    raise DatabaseLocked."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `newsmon run` first")
    waiting = _Waiting(wait_s, on_wait)
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            message = _lock_message(path, str(exc))
        if not waiting.again(message):
            raise DatabaseLocked(f"{message}; nothing was written")


def _lock_message(path: Path, error: str) -> str:
    pid = re.search(r"PID (\d+)", error)
    holder = f"PID {pid.group(1)}" if pid and pid.group(1) != "0" else "another process"
    return f"database {path} is locked by {holder}"


@contextmanager
def writer_lock(path: Path, wait_s: float = 0.0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the OS-level single-writer lock for `path`, waiting up to `wait_s` seconds for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    waiting = _Waiting(wait_s, on_wait)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
                message = f"database {path} is locked by PID {holder} (a newsmon run)"
                if not waiting.again(message):
                    raise DatabaseLocked(f"{message}; nothing was written") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class _Waiting:
    """Bounded retries: `again(message)` sleeps until the next try and returns True, or returns
    False once `wait_s` has passed. The first wait and then one a minute are reported."""

    def __init__(self, wait_s: float, on_wait: Callable[[str], None] | None) -> None:
        self.deadline = time.monotonic() + wait_s
        self.on_wait = on_wait
        self.next_report = 0.0

    def again(self, message: str) -> bool:
        now = time.monotonic()
        if now >= self.deadline:
            return False
        if self.on_wait is not None and now >= self.next_report:
            left = self.deadline - now
            self.on_wait(f"{message}; waiting up to {f'{left / 60:.0f} min' if left >= 120 else f'{left:.0f} s'} more")
            self.next_report = now + LOCK_REPORT_S
        time.sleep(min(LOCK_RETRY_S, self.deadline - now))
        return True
