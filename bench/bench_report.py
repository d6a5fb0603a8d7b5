"""Cost of the daily report on a large database.

Builds a synthetic database (default 100,000 articles over a year from 80 feeds in 10 languages,
copies grouped into stories, a quarter of the stories matching with subtopics and JSON evidence,
some stories linked across languages, a month of fetch events), bulk-inserted with DuckDB's
generate_series through the real migrations. Then times, on a read-only connection: every named
query, `build_report` (30 days) and `report_markdown` (median of 3 runs each), and the Parquet
export. Target: build_report < 10 s.

--large N instead builds the ingest benchmark's store (bench.large_store.build_large_store: N articles over
the past year, one in ten matching) and times the report step of a run on it, build_report (30
days) + report_markdown, against the same step on an empty database (issue 7: the report's cost
should follow the window, not the stored history).
Run: uv run python -m bench.bench_report [--articles 100000] [--keep PATH]
     uv run python -m bench.bench_report --large 1000000 [--keep PATH]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsmon.db import sql
from newsmon.export import export_parquet
from newsmon.migrate import apply_migrations
from newsmon.paths import QUERIES_DIR
from newsmon.report.publish import build_report, report_markdown

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
COPIES_PER_STORY = 3

# Positional $1 = now, $2 = number of articles. Story n has COPIES_PER_STORY articles, from
# different feeds, in the story's language; the story matches when n % 4 = 0.
FILL = [
    """insert into feeds
       select 'feed' || i, 'Outlet ' || i, 'https://outlet' || i || '.example/rss',
              ['en','ru','ko','ja','zh','uk','ar','hi','de','fr'][i % 10 + 1], null, true, null, $1::timestamptz
       from generate_series(0, 79) as t(i)""",
    """insert into articles
       select 'a' || i, 'https://outlet' || (i % 80) || '.example/news/' || i, null,
              'Synthetic headline ' || i || ' about talks between delegations', 'Body text of article ' || i,
              null,
              $1::timestamptz - to_microseconds(cast(($2 - i) * 31536000000000.0 / $2 as bigint)),
              $1::timestamptz - to_microseconds(cast(($2 - i) * 31536000000000.0 / $2 as bigint)) + interval 20 minute,
              $1::timestamptz - to_microseconds(cast(($2 - i) * 31536000000000.0 / $2 as bigint)) + interval 20 minute,
              'feed' || (i % 80), ['en','ru','ko','ja','zh','uk','ar','hi','de','fr'][(i // 3) % 10 + 1], 0.99,
              md5(i::varchar), 'run0', 'a' || (i - i % 3), null, null
       from generate_series(0, $2 - 1) as t(i)""",
    """insert into article_feeds
       select article_id, feed_id, first_seen_at from articles
       union all
       select article_id, 'feed' || ((hash(article_id) % 80)), first_seen_at from articles
       where hash(article_id) % 10 = 0 and 'feed' || ((hash(article_id) % 80)) <> feed_id""",
    """insert into article_topics
       select article_id, 'russia_dprk',
              case when (i // 3) % 4 = 0 then 1.0 else 0.4 end,
              (i // 3) % 4 = 0,
              list_slice(['military', 'diplomacy', 'economy', 'sanctions_un', 'transport_tourism', 'culture_people'],
                         (i // 3) % 5 + 1, (i // 3) % 5 + 1 + (i // 3) % 3),
              '[{"term": "russia", "matched": "Russia", "role": "side:russia", "lang": "en", "where": "title", "entity": ""},'
              || ' {"term": "pyongyang", "matched": "Pyongyang", "role": "side:dprk", "lang": "en", "where": "text", "entity": ""},'
              || ' {"term": "w' || (i % 300) || '", "matched": "Word' || (i % 300) || '", "role": "subtopic:military",'
              || ' "lang": "en", "where": "text", "entity": ""},'
              || ' {"term": "kcna", "matched": "KCNA", "role": "side:dprk", "lang": "en", "where": "feed", "entity": ""}]',
              first_seen_at
       from (select article_id, first_seen_at, cast(substr(article_id, 2) as bigint) as i from articles)
       where i % 5 <> 4""",
    # Every 40th matching story is linked to the one 4 stories earlier (another language).
    """insert into story_events
       select 'a' || s, 'a' || (s - 12), $1::timestamptz
       from (select i * 3 as s from generate_series(4, $2 // 3 - 1) as t(i) where i % 40 = 0)""",
    """insert into runs
       select 'run' || r, $1::timestamptz - to_minutes(30 * r), $1::timestamptz - to_minutes(30 * r) + interval 40 second,
              'completed', 80, 79, 1, 20, 1500, 60, 0, '{}'
       from generate_series(0, 1439) as t(r)""",
    """insert into fetch_events
       select 'run' || r, 'feed' || f, $1::timestamptz - to_minutes(30 * r), 'https://outlet' || f || '.example/rss',
              null, case when f = 7 then 503 when r % 3 = 0 then 304 else 200 end,
              case when f = 7 then 'http_5xx' end, null, 40000, 300, 50, 1
       from generate_series(0, 1439) as t(r), generate_series(0, 79) as u(f)""",
    """insert into feed_state
       select 'feed' || f, null, null, null, $1::timestamptz,
              case when f = 7 then $1::timestamptz - interval 30 day else $1::timestamptz end,
              case when f = 7 then 1440 else 0 end, case when f = 7 then 'http_5xx' end, null, $1::timestamptz
       from generate_series(0, 79) as t(f)""",
]


def build_database(path: Path, articles: int) -> None:
    con = duckdb.connect(str(path))
    try:
        apply_migrations(con)
        con.execute("begin transaction")
        for statement in FILL:
            params = [NOW, articles][: 2 if "$2" in statement else 1 if "$1" in statement else 0]
            con.execute(statement, params or None)
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()


def median_seconds(function, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def time_report_step(db: Path, module, now: datetime, runs: int = 5) -> tuple[float, float, str]:
    """Median seconds of build_report(30 days) and report_markdown() on a read-only connection."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        page_s, page = median_seconds(lambda: module.build_report(con, now, 30), runs)
        markdown_s, markdown = median_seconds(lambda: module.report_markdown(con, now), runs)
        return page_s, markdown_s, page + markdown
    finally:
        con.close()


def main_large(stored: int, keep: Path | None) -> None:
    from bench.large_store import build_large_store
    from newsmon.report import publish as report
    from newsmon.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        large = keep or Path(tmp) / "large.duckdb"
        if not large.exists():
            started = time.perf_counter()
            build_large_store(large, stored)
            print(f"built {stored:,} stored articles in {time.perf_counter() - started:.1f} s ({large})")
        empty = Path(tmp) / "empty.duckdb"
        open_store(empty).close()
        now = datetime.now(UTC)
        for name, db in (("empty", empty), (f"{stored:,}", large)):
            page_s, markdown_s, _ = time_report_step(db, report, now)
            print(f"{name:>10} articles: build_report {page_s * 1000:6.0f} ms + report_markdown "
                  f"{markdown_s * 1000:5.0f} ms = {(page_s + markdown_s) * 1000:6.0f} ms (medians of 5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--large", type=int, help="time the report step on bench.run's store of this many articles")
    args = parser.parse_args()
    if args.large:
        main_large(args.large, args.keep)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        build_database(db, args.articles)
        print(f"built {args.articles:,} articles in {time.perf_counter() - started:.1f} s ({db})")
        con = duckdb.connect(str(db), read_only=True)
        try:
            counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                      for t in ("articles", "article_topics", "article_feeds", "story_events", "fetch_events")}
            print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
            matching = con.execute("select count(*) from article_topics where is_match").fetchone()[0]
            print(f"matching articles: {matching:,}")
            for path in sorted(QUERIES_DIR.glob("*.sql")):
                text = sql(f"queries/{path.stem}")
                params = {"since": "2026-10-29"} if "$since" in text else None
                seconds, rows = median_seconds(lambda text=text, params=params: con.execute(text, params).fetchall())
                print(f"  query {path.stem:36} {seconds * 1000:8.0f} ms  {len(rows):>7,} rows")
            seconds, page = median_seconds(lambda: build_report(con, NOW, 30))
            print(f"build_report(days=30): {seconds:.2f} s (median of 3), {len(page) / 1024:.0f} KiB of HTML"
                  f"  [target < 10 s: {'ok' if seconds < 10 else 'MISSED'}]")
            seconds, markdown = median_seconds(lambda: report_markdown(con, NOW))
            print(f"report_markdown(): {seconds:.2f} s (median of 3), {len(markdown.splitlines())} lines")
        finally:
            con.close()
        started = time.perf_counter()
        written = export_parquet(db, Path(tmp) / "parquet")
        print(f"export_parquet: {time.perf_counter() - started:.2f} s, {sum(written.values()):,} rows in {len(written)} tables")


if __name__ == "__main__":
    main()
