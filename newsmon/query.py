"""Run user SQL read-only and format the result; list the named queries in sql/queries/."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from newsmon.db import connect


class QueryError(ValueError):
    """A query the user gave cannot run as given (a missing parameter)."""


_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def run_query(db_path: Path, text: str, params: dict[str, str] | None = None) -> tuple[list[str], list[tuple]]:
    """Execute one statement on a read-only connection. Only the $names the SQL uses are bound."""
    used = set(_PARAM.findall(_strip_comments(text)))
    given = params or {}
    missing = sorted(used - given.keys())
    if missing:
        raise QueryError(f"the query needs --param {missing[0]}=VALUE")
    con = connect(db_path, read_only=True)
    try:
        cursor = con.execute(text, {k: v for k, v in given.items() if k in used} or None)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
    finally:
        con.close()


def list_queries(directory: Path) -> list[tuple[str, str]]:
    """(name, first header-comment line) of every .sql file."""
    out = []
    for path in sorted(directory.glob("*.sql")):
        first = next((line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.startswith("--")), "")
        out.append((path.stem, first))
    return out


def format_rows(columns: list[str], rows: list[tuple], kind: str = "table") -> str:
    if kind == "json":
        return "".join(json.dumps(dict(zip(columns, map(_plain, row))), ensure_ascii=False) + "\n" for row in rows)
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in row] for row in rows])
        return buffer.getvalue()
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [min(60, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]
    line = lambda values: "  ".join(v[:60].ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _cell(value) -> str:
    if value is None:
        return ""
    value = _plain(value)
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
    return " ".join(text.split())


def _strip_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)
