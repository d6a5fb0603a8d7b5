"""Export the database as Parquet for pandas, Polars, Spark or another DuckDB.

One file per table (`<table>.parquet`); articles are hive-partitioned by the UTC day they were
first seen (`articles/first_seen_day=2026-11-28/*.parquet`), so a reader can skip old days.
The `stories` view is written as a table too, since a Parquet reader cannot run the view.

Overwrite-safe: everything is written into a fresh staging folder inside `out_dir` first, and
only when every table is written are the old outputs swapped for the new ones, table by table.
An export that fails leaves the previous export as it was.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from newsmon.store import open_reader

# Table (or view) -> the select that produces it. Only the product tables documented in the
# README; the story_* index tables are an implementation detail of clustering.
EXPORTS: dict[str, str] = {
    "feeds": "select * from feeds",
    "runs": "select * from runs",
    "fetch_events": "select * from fetch_events",
    "feed_state": "select * from feed_state",
    "articles": "select *, cast(timezone('UTC', first_seen_at) as date) as first_seen_day from articles",
    "article_feeds": "select * from article_feeds",
    "article_topics": "select * from article_topics",
    "event_stories": "select * from story_event_ids",
    "events": "select * from events",
    "stories": "select * from stories",
}
PARTITIONS = {"articles": "first_seen_day"}


def export_parquet(db_path: Path, out_dir: Path) -> dict[str, int]:
    """Write every exported table under `out_dir`; returns table -> rows written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".export-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    counts: dict[str, int] = {}
    try:
        con = open_reader(db_path)
        try:
            for table, select in EXPORTS.items():
                counts[table] = _copy(con, select, staging / _output_name(table), PARTITIONS.get(table))
        finally:
            con.close()
        for table in EXPORTS:
            _replace(staging / _output_name(table), out_dir / _output_name(table))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def _output_name(table: str) -> str:
    return table if table in PARTITIONS else f"{table}.parquet"


def _copy(con, select: str, target: Path, partition: str | None) -> int:
    # COPY takes no bound parameter for its target, so the path goes in as a quoted literal;
    # the selects are the fixed ones above, never user input.
    options = "format parquet, compression zstd"
    if partition:
        options += f", partition_by ({partition})"
        target.mkdir()
    literal = "'" + str(target).replace("'", "''") + "'"
    row = con.execute(f"copy ({select}) to {literal} ({options})").fetchone()
    if partition and not any(target.iterdir()):
        # An empty table writes no partition; leave a typed, empty file so readers see the schema.
        literal = "'" + str(target / "empty.parquet").replace("'", "''") + "'"
        con.execute(f"copy ({select} limit 0) to {literal} (format parquet)")
    return int(row[0]) if row else 0


def _replace(new: Path, old: Path) -> None:
    """Swap a freshly written file or folder into place of the previous one."""
    retired = old.with_name(f".old-{uuid.uuid4().hex[:8]}-{old.name}")
    if old.exists():
        old.rename(retired)
    new.rename(old)
    if retired.is_dir():
        shutil.rmtree(retired, ignore_errors=True)
    elif retired.exists():
        retired.unlink()
