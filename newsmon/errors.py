"""One-line messages for errors a user can cause; anything else is a bug and keeps its traceback."""

from __future__ import annotations

import duckdb


def user_message(exc: BaseException) -> str | None:
    from newsmon.db import DatabaseLocked
    from newsmon.feeds import FeedCsvError
    from newsmon.migrate import MigrationError
    from newsmon.opml import OpmlError
    from newsmon.query import QueryError
    from newsmon.settings import SettingsError

    if isinstance(exc, (DatabaseLocked, FeedCsvError, OpmlError, SettingsError, MigrationError, QueryError)):
        return str(exc)
    if type(exc).__name__ == "ClusterError":  # by name: no import of distributed
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {exc.filename or exc}" if exc.filename else str(exc)
    if isinstance(exc, duckdb.Error):
        return f"SQL error: {str(exc).splitlines()[0]}"
    if isinstance(exc, (PermissionError, IsADirectoryError)):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename and exc.strerror:  # a read-only or full disk
        return f"{exc.strerror}: {exc.filename}"
    return None
