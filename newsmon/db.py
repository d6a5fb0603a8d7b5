"""DuckDB connections, the one-writer lock, transactions, and SQL loaded from sql/ by name.

DuckDB allows one read-write process per file, and even a read-only client blocks a
writer. So a writer first takes an OS lock on `<db>.lock` (which records its PID), then
opens the file; either failing is a `DatabaseLocked` with a one-line message, and the
caller stops without side effects instead of retrying in a loop.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
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


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; a lock held by another process becomes DatabaseLocked."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `newsmon run` first")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLocked(_lock_message(path, str(exc))) from None
        raise


def _lock_message(path: Path, error: str) -> str:
    pid = re.search(r"PID (\d+)", error)
    holder = f"PID {pid.group(1)}" if pid and pid.group(1) != "0" else "another process"
    return f"database {path} is locked by {holder}; nothing was written"


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Hold the OS-level single-writer lock for `path` (non-blocking: raises DatabaseLocked)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
            raise DatabaseLocked(
                f"database {path} is locked by PID {holder} (a newsmon run); nothing was written"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
