"""Run user SQL read-only and format the result (table, csv, json, jsonl); list the named queries.

Read-only in fact, whatever the SQL says. The file is opened read-only, and the connection is
sandboxed with DuckDB's own settings before any user statement runs (checked on DuckDB 2.0.1):
`enable_external_access=false` refuses COPY TO/FROM, ATTACH, INSTALL, LOAD of extensions not
built in, EXPORT DATABASE, secrets, and reading any file or URL (read_csv, read_text, glob,
'file.parquet'); extensions are never installed or loaded on their own
(`autoinstall/autoload_known_extensions=false`, no community or unsigned ones); the local file
system is disabled once the database is open (so not even the database's own file can be read as
a blob); and `lock_configuration=true` makes every setting, these included, immune to SET, RESET
and PRAGMA. Statements of other kinds than queries are refused before anything runs. Every
refusal is a QueryError with one line.

A query may begin with `set timezone = ...` (or calendar): those run before the lock.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import duckdb

from newsmon.db import DatabaseLocked
from newsmon.migrate import check_schema
from newsmon.table import DEFAULT_LIMIT, format_table


class QueryError(ValueError):
    """A query the user gave cannot run as given (a missing parameter, a refused statement, an error)."""


# Set when the connection opens: DuckDB refuses to turn any of them back on once external access is off
# and the configuration is locked.
SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
}
# Settings a query may choose in its leading SET statements: how results read, nothing more.
USER_SETTINGS = frozenset({"timezone", "calendar"})
_READING = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN, duckdb.StatementType.PRAGMA,
            duckdb.StatementType.CALL}
_REFUSALS = {
    duckdb.StatementType.COPY: "COPY reads or writes files (use --format csv|json and redirect the output)",
    duckdb.StatementType.COPY_DATABASE: "COPY FROM DATABASE writes another database",
    duckdb.StatementType.EXPORT: "EXPORT DATABASE writes files",
    duckdb.StatementType.ATTACH: "ATTACH opens another database",
    duckdb.StatementType.DETACH: "DETACH changes the attached databases",
    duckdb.StatementType.LOAD: "INSTALL and LOAD of extensions are refused",
    duckdb.StatementType.EXTENSION: "extension statements are refused",
}
_SET = re.compile(r"^\s*(?:set|reset)\s+(?:(session|local|global)\s+)?(variable\s+)?\"?([A-Za-z_][A-Za-z0-9_]*)",
                  re.IGNORECASE)


def run_query(db_path: Path, text: str, params: dict[str, str] | None = None) -> tuple[list[str], list[tuple]]:
    """Execute the statements of `text` on a sandboxed read-only connection; the result of the last one.
    Only the $names the SQL uses are bound."""
    con = _connect_sandboxed(db_path)
    try:
        statements = _statements(con, text)
        given = params or {}
        missing = sorted(set().union(*(s.named_parameters for s in statements)) - given.keys())
        if missing:
            raise QueryError(f"the query needs --param {missing[0]}=VALUE")
        leading = 0
        while leading < len(statements) and _is_user_setting(statements[leading]):
            leading += 1
        for statement in statements[leading:]:
            _refuse_unless_reading(statement)
        check_schema(con)
        cursor = None
        try:
            for statement in statements[:leading]:
                cursor = con.execute(statement.query)
            con.execute("set disabled_filesystems = 'LocalFileSystem'")  # the database is open: no file is needed
            con.execute("set lock_configuration = true")
            for statement in statements[leading:]:
                bound = {k: v for k, v in given.items() if k in statement.named_parameters}
                cursor = con.execute(statement.query, bound or None)
            description = (cursor.description if cursor else None) or []
            columns = [d[0] for d in description]
            return columns, _parse_json_columns(description, cursor.fetchall()) if columns else []
        except duckdb.Error as exc:
            raise QueryError(f"newsmon query: {_first_line(exc)}") from None
    finally:
        con.close()


def _connect_sandboxed(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `newsmon run` first")
    try:
        return duckdb.connect(str(path), read_only=True, config=SANDBOX_CONFIG)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            pid = re.search(r"PID (\d+)", str(exc))
            holder = f"PID {pid.group(1)}" if pid and pid.group(1) != "0" else "another process"
            raise DatabaseLocked(f"database {path} is locked by {holder}; nothing was read") from None
        raise


def _statements(con: duckdb.DuckDBPyConnection, text: str) -> list:
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryError(f"newsmon query: {_first_line(exc)}") from None
    if not statements:
        raise QueryError("newsmon query: no SQL statement given")
    return statements


def _is_user_setting(statement) -> bool:
    if statement.type != duckdb.StatementType.SET:
        return False
    match = _SET.match(statement.query)
    return bool(match and not match.group(1) and not match.group(2) and match.group(3).lower() in USER_SETTINGS)


def _refuse_unless_reading(statement) -> None:
    kind = statement.type
    if kind in _READING:
        return
    if kind == duckdb.StatementType.SET:
        match = _SET.match(statement.query)
        if match and match.group(2):  # SET VARIABLE: a value for this query, not a setting
            return
        name = match.group(3) if match else "settings"
        raise QueryError(f"newsmon query refuses to change {name}: its settings are locked (only a leading"
                         f" SET of {' or '.join(sorted(USER_SETTINGS))} is allowed)")
    if kind == duckdb.StatementType.VARIABLE_SET:
        return
    reason = _REFUSALS.get(kind, f"{kind.name} statements change the database")
    raise QueryError(f"newsmon query is read-only: {reason}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def list_queries(directory: Path) -> list[tuple[str, str]]:
    """(name, first header-comment line) of every .sql file."""
    out = []
    for path in sorted(directory.glob("*.sql")):
        first = next((line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.startswith("--")), "")
        out.append((path.stem, first))
    return out


FORMATS = ("table", "csv", "json", "jsonl")


def format_rows(columns: list[str], rows: list[tuple], kind: str = "table", wide: bool = False) -> str:
    """The result as text. `table`: aligned by display width, cells cut at 60 columns with "…" unless
    `wide`; `csv`: every value in full, nested values as JSON; `json`: one JSON array of objects (as
    DuckDB's CLI prints with -json); `jsonl`: one JSON object per line. Nested values (lists, structs,
    JSON columns such as `evidence`) are JSON in json/jsonl, never a string holding JSON."""
    if kind in ("json", "jsonl"):
        objects = [json.dumps(dict(zip(columns, map(_plain, row))), ensure_ascii=False, default=str) for row in rows]
        if kind == "jsonl":
            return "".join(line + "\n" for line in objects)
        return "[" + ",\n".join(objects) + "]\n"
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([[_text(v) for v in row] for row in rows])
        return buffer.getvalue()
    if kind != "table":
        raise QueryError(f"unknown format {kind!r}: one of {', '.join(FORMATS)}")
    right = frozenset(i for i, _ in enumerate(columns)
                      if rows and all(r[i] is None or (isinstance(r[i], (int, float, Decimal)) and not isinstance(r[i], bool))
                                   for r in rows))
    lines = format_table(columns, [[_cell(v) for v in row] for row in rows], None if wide else DEFAULT_LIMIT, right)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _plain(value):
    """A JSON-ready value: dates as ISO 8601, decimals as numbers, lists and structs (dicts) as such."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if isinstance(value, (UUID, timedelta)):
        return str(value)
    return value


def _text(value) -> str:
    """A value as one CSV field: nested values as compact JSON, NULL as the empty field."""
    if value is None:
        return ""
    value = _plain(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _cell(value) -> str:
    return " ".join(_text(value).split())  # one line per row


def _parse_json_columns(description, rows: list[tuple]) -> list[tuple]:
    """Values of JSON columns (DuckDB hands them over as text) parsed, so they stay nested in the output."""
    json_columns = [i for i, d in enumerate(description or []) if str(d[1]).upper() == "JSON"]
    if not json_columns:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in json_columns:
            if isinstance(row[i], str):
                try:
                    row[i] = json.loads(row[i])
                except ValueError:
                    pass
        out.append(tuple(row))
    return out
