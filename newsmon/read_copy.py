"""A read-only copy of the database for people who keep a client open all day.

DuckDB lets one process write a file, and an open reader blocks the writer. An analyst who points
a notebook or DBeaver at `<db>.read.duckdb` instead never holds up a run: after each run that
stored something, the run (which holds the writer lock and has closed its connections) copies the
database beside itself and renames the copy into place, so a reader sees the previous copy or the
new one, never half of one (readers with the old file open keep reading it until they reopen).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def read_copy_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.stem}.read{db_path.suffix or '.duckdb'}")


def publish_read_copy(db_path: Path) -> Path:
    """Copy the (closed) database to read_copy_path atomically; returns the copy's path."""
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():  # changes not yet checkpointed into the file itself
        con = duckdb.connect(str(db_path))
        try:
            con.execute("checkpoint")
        finally:
            con.close()
    target = read_copy_path(db_path)
    temporary = target.with_name(target.name + ".tmp")
    try:
        shutil.copyfile(db_path, temporary)
        _flush(temporary)  # on disk before the rename: a crash never leaves a half-written copy in place
        os.replace(temporary, target)
        _flush(target.parent)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _flush(path: Path) -> None:
    """fsync a file or a directory. Also keeps the copy's cost inside this step: unflushed, the
    copy's pages would be written by the next commit's fsync (the alert delivery's), at 1M
    articles about a second."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
