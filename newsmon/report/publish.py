"""The report's entry points: build it (data, then rendering), and publish a run's report.html
beside the database with the Markdown summary of new stories."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from newsmon.report.data import (
    fulltext_rows,
    read_report_data,
    report_data,
    report_working_set,
    rows,
    story_snippets,
    utc,
    working_set,
)
from newsmon.report.html import render_report
from newsmon.report.markdown import render_markdown, top_stories
from newsmon.store import open_reader

REPORT_MAX_AGE_S = 6 * 3600  # a quiet run still refreshes an older report (its charts move on)


def publish_report(db_path: Path, out_dir: Path, changed: bool = True, days: int = 30) -> str | None:
    """Write report.html into `out_dir` (atomically) and return the Markdown summary of new stories.
    A run that stored nothing leaves a recent report as it is (and returns None)."""
    target = out_dir / "report.html"
    if not changed and target.exists() and time.time() - target.stat().st_mtime < REPORT_MAX_AGE_S:
        return None
    now = datetime.now(UTC)
    con = open_reader(db_path)
    try:
        html, markdown = build_report_and_markdown(con, now, days)
    finally:
        con.close()
    write_report(html, target)
    return markdown


def write_report(page: str, target: Path) -> None:
    """Write a report atomically (a reader sees the old page or the new one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    try:
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def is_report_file(path: Path) -> bool:
    """Whether `path` holds a report newsmon wrote (which `newsmon report --out` may replace)."""
    try:
        with open(path, "rb") as file:
            head = file.read(2048)
    except OSError:
        return False
    return head.startswith(b"<!DOCTYPE html>") and b"<title>newsmon report" in head


def build_report(con: duckdb.DuckDBPyConnection, now: datetime, days: int = 30) -> str:
    """The HTML report of the `days` days ending at `now`, as one string."""
    return render_report(read_report_data(con, now, days))


def report_markdown(con: duckdb.DuckDBPyConnection, now: datetime, days: int = 1) -> str:
    """A short Markdown summary of the `days` x 24 hours before `now` (top stories first), for a
    Prefect artifact after each run; it runs only the queries it shows (stories, events, and the
    snippets of the top stories)."""
    now = utc(now)
    since = now - timedelta(days=days)
    with working_set(con, seen_since=since, published_since=since):
        return _markdown(con, now, days)


def build_report_and_markdown(con: duckdb.DuckDBPyConnection, now: datetime, days: int = 30,
                              markdown_days: int = 1) -> tuple[str, str]:
    """build_report and report_markdown of one run, from one working set: the report's window holds
    the summary's, and a working set gives the same rows as the full tables for any window inside it."""
    now = utc(now)
    if markdown_days > days - 1:
        return build_report(con, now, days), report_markdown(con, now, markdown_days)
    fulltext = fulltext_rows(con, now, days)
    with report_working_set(con, now, days):
        return render_report(report_data(con, now, days, fulltext)), _markdown(con, now, markdown_days)


def _markdown(con: duckdb.DuckDBPyConnection, now: datetime, days: int) -> str:
    since = now - timedelta(days=days)
    stories = rows(con, "new_stories_since", {"since": since.isoformat()})
    events = rows(con, "cross_language_events", {"since": since.isoformat()})
    snippets = story_snippets(con, [s["story_id"] for s in top_stories(stories)])
    return render_markdown(now, days, stories, events, snippets=snippets)
