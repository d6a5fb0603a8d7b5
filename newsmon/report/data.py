"""The report's data: the named queries of sql/queries/ run over a working set of the window's
stories held in temp tables, on an open (read-only) connection; the full-text stage's rows
(fulltext_rows) are read before it, from the full tables. Rendering is elsewhere (html.py,
markdown.py, charts.py) and pure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb

from newsmon.db import sql

LATEST_STORIES = 50
LATEST_CHANGES = 20  # body downgrades shown, and as many upgrades: a window may hold thousands


@dataclass(frozen=True, slots=True)
class FulltextRows:
    """The full-text stage over the report window."""

    statuses: list[dict]  # fulltext_status rows: outcome, status, pages, retrying
    changes: list[dict]  # body_changes rows: the newest LATEST_CHANGES downgrades and upgrades, with totals


@dataclass(frozen=True, slots=True)
class ReportData:
    """Query results for one report window, ending at `now` (UTC)."""

    now: datetime
    days: int
    by_language: list[dict]  # day, lang, stories, articles
    by_outlet: list[dict]  # day, feed_id, outlet, stories, articles
    subtopics: list[dict]  # week, subtopic, stories
    stories: list[dict]  # the newest LATEST_STORIES new_stories_since rows, newest first, with their snippets
    totals: dict  # over all new stories of the window: stories, articles, languages, outlets
    events: list[dict]  # cross_language_events rows
    feeds: list[dict]  # feed_health rows
    fulltext: FulltextRows

    @property
    def first_day(self) -> date:
        return self.now.date() - timedelta(days=self.days - 1)


def read_report_data(con: duckdb.DuckDBPyConnection, now: datetime, days: int = 30) -> ReportData:
    """Run the report's queries for the `days` UTC days ending at `now`."""
    now = utc(now)
    fulltext = fulltext_rows(con, now, days)
    with report_working_set(con, now, days):
        return report_data(con, now, days, fulltext)


def fulltext_rows(con: duckdb.DuckDBPyConnection, now: datetime, days: int) -> FulltextRows:
    """The window's article pages by status and its body changes. Run it before the working set
    exists: a downgraded article belongs to no matching story, so only the full articles table has it
    (article_texts, which these start from, holds only the pages of a few candidates a run)."""
    since = midnight(report_window(now, days)[0])
    return FulltextRows(statuses=rows(con, "report/fulltext_status", {"since": since}),
                        changes=rows(con, "report/body_changes", {"since": since, "limit": LATEST_CHANGES}))


def report_window(now: datetime, days: int) -> tuple[date, date]:
    """The report's first day, and the Monday of its week: the weekly heatmap starts there, so it
    reaches furthest back."""
    first_day = now.date() - timedelta(days=days - 1)
    return first_day, first_day - timedelta(days=first_day.weekday())


def report_working_set(con: duckdb.DuckDBPyConnection, now: datetime, days: int):
    first_day, first_week = report_window(now, days)
    return working_set(con, seen_since=midnight(first_day), published_since=midnight(first_week))


def report_data(con: duckdb.DuckDBPyConnection, now: datetime, days: int, fulltext: FulltextRows) -> ReportData:
    first_day, first_week = report_window(now, days)
    since = midnight(first_day)
    # Thousands of stories can be new in a month; Python gets the few shown and the totals.
    con.execute("create temp table report_stories as\n" + sql("queries/new_stories_since"),
                {"since": since.isoformat()})
    return ReportData(
        now=now,
        days=days,
        by_language=[r for r in rows(con, "daily_matching_stories_by_language") if first_day <= r["day"]],
        by_outlet=[r for r in rows(con, "daily_matching_stories_by_outlet") if first_day <= r["day"]],
        subtopics=[r for r in rows(con, "subtopic_trend_by_week") if first_week <= r["week"]],
        stories=with_snippets(con, rows(con, "report/latest_stories", {"limit": LATEST_STORIES})),
        totals=rows(con, "report/story_totals")[0],
        events=rows(con, "cross_language_events", {"since": since.isoformat()}),
        # Its article counts would cover only the working set; the report shows fetch health only.
        feeds=[{k: v for k, v in r.items() if k not in _FEED_ARTICLE_COUNTS} for r in rows(con, "feed_health")],
        fulltext=fulltext,
    )


def story_snippets(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> dict[str, dict]:
    """story_id -> what the report quotes under its title: snippet, snippet_from ('body' or
    'teaser'), snippet_lang, body_only (matched on the article body only). See
    sql/report/story_snippets.sql.

    A story whose page was read (status ok) and matched quotes the passage around its strongest body
    evidence: the first body item naming a side, in the tagger's order. Evidence stores no weights,
    and every body item of a topic comes from the one paragraph that scored best, so the first side
    named there is where the relation is; it is also the item alerts quote
    (fulltext.tagging.strongest_body_evidence), so an alert and the report show the same passage.
    Any other story quotes its first copy's teaser, the copy whose title the report shows."""
    if not story_ids:
        return {}
    return {r.pop("story_id"): r for r in rows(con, "report/story_snippets", {"story_ids": list(story_ids)})}


def with_snippets(con: duckdb.DuckDBPyConnection, stories: list[dict]) -> list[dict]:
    snippets = story_snippets(con, [s["story_id"] for s in stories])
    return [{**s, **snippets.get(s["story_id"], NO_SNIPPET)} for s in stories]


NO_SNIPPET = {"snippet": "", "snippet_from": "teaser", "snippet_lang": None, "body_only": False}


_FEED_ARTICLE_COUNTS = ("articles", "matching_articles", "last_new_article_at")
# Created in this order (report_stories by report_data).
_WORKING_SET = ("report_window_stories", "event_stories", "articles", "article_topics", "article_feeds",
                "report_stories")


@contextmanager
def working_set(con: duckdb.DuckDBPyConnection, seen_since: datetime,
                 published_since: datetime) -> Iterator[None]:
    """Inside: temp tables articles, article_topics, article_feeds and event_stories hold only the
    stories the window can show (see sql/report/window_*.sql). DuckDB resolves an unqualified name
    to a temp table first, in the views too, so the named queries run unchanged on a few thousand
    rows instead of scanning and joining the whole history. Every read that builds the set is bounded
    by a time range, so its cost grows with the window, not with the database."""
    try:
        con.execute(sql("report/window_stories"),
                    {"seen_since": seen_since, "published_since": published_since})
        con.execute(sql("report/window_event_stories"))
        con.execute(sql("report/window_articles"))
        con.execute(sql("report/window_article_topics"))
        con.execute(sql("report/window_article_feeds"))
        yield
    finally:
        for table in reversed(_WORKING_SET):
            con.execute(f"drop table if exists temp.{table}")  # a fixed name, not a value


def rows(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> list[dict]:
    cursor = con.execute(sql(name if "/" in name else f"queries/{name}"), params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def minute(moment: datetime) -> str:
    return utc(moment).strftime("%Y-%m-%d %H:%M")
