"""Cost of story assignment as the database grows.

Times `assign_stories` for 1,000 new articles against an empty database and against one holding
200,000 synthetic articles (deterministic, spread over a year as a feed monitor would collect them,
10% of them copies) indexed through the same write path. Each timing is the median of 3 runs, each
rolled back. Run: uv run python -m bench.bench_stories [--stored 200000] [--new 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from newsmon.migrate import apply_migrations
from newsmon.stories.cluster import StoryItem, fingerprint
from newsmon.stories.index import assign_stories, write_index

START = datetime(2025, 1, 1, tzinfo=UTC)
SYLLABLES = [a + b for a in "bcdfghklmnprstvz" for b in ("a", "e", "i", "o", "u", "ar", "en", "ol")]


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    return ["".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(size)]


def synthetic_items(count: int, seed: int, start: datetime, span: timedelta,
                    copy_share: float = 0.1, prefix: str = "a") -> list[StoryItem]:
    rng = random.Random(seed)
    words = vocabulary(random.Random(0))
    items: list[StoryItem] = []
    for n in range(count):
        seen = start + span * (n / count)
        if items and rng.random() < copy_share:
            source = items[max(0, len(items) - rng.randint(1, 200))]  # a copy of a recent article
            text = source.text + " " + " ".join(rng.choices(words, k=8))
            title = source.title
        else:
            title = " ".join(rng.choices(words[:3000], k=8))
            text = " ".join(rng.choices(words, k=rng.randint(40, 120)))
        items.append(StoryItem(f"{prefix}{seed}-{n}", f"feed{n % 80}", title, text, "en", seen, seen))
    return items


def _fingerprints(items: list[StoryItem]) -> list:
    return [fingerprint(i.title, i.text) for i in items]


def build_store(con: duckdb.DuckDBPyConnection, stored: int, now: datetime) -> None:
    """Index `stored` articles in time order (each its own story: only the index size matters here)."""
    items = synthetic_items(stored, seed=1, start=now - timedelta(days=365), span=timedelta(days=365))
    chunks = [items[i:i + 5000] for i in range(0, len(items), 5000)]
    with ProcessPoolExecutor() as pool:
        for chunk, prints in zip(chunks, pool.map(_fingerprints, chunks)):
            by_id = {i.article_id: fp for i, fp in zip(chunk, prints)}
            rows = pa.table({"article_id": [i.article_id for i in chunk], "title": [i.title for i in chunk],
                             "text": [i.text for i in chunk], "feed_id": [i.feed_id for i in chunk],
                             "seen": pa.array([i.first_seen_at for i in chunk], pa.timestamp("us", tz="UTC"))})
            con.register("bench_rows", rows)
            con.execute("insert into articles (article_id, title, text, first_seen_at, updated_at, feed_id, lang,"
                        " lang_prob, content_hash, run_id) select article_id, title, text, seen, seen, feed_id,"
                        " 'en', 1.0, 'h', 'bench' from bench_rows")
            con.unregister("bench_rows")
            write_index(con, chunk, by_id, {i.article_id: i.article_id for i in chunk}, chunk[-1].first_seen_at)


def time_assign(con: duckdb.DuckDBPyConnection, new: list[StoryItem], now: datetime, repeats: int = 3) -> float:
    timings = []
    for _ in range(repeats):
        con.execute("begin")
        started = time.perf_counter()
        assign_stories(con, new, now)
        timings.append(time.perf_counter() - started)
        con.execute("rollback")
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=200_000)
    parser.add_argument("--new", type=int, default=1000)
    args = parser.parse_args()
    now = START + timedelta(days=365)
    new = synthetic_items(args.new, seed=2, start=now, span=timedelta(hours=1), copy_share=0.2, prefix="n")
    with tempfile.TemporaryDirectory() as tmp:
        empty = duckdb.connect(str(Path(tmp) / "empty.duckdb"))
        apply_migrations(empty)
        full = duckdb.connect(str(Path(tmp) / "full.duckdb"))
        apply_migrations(full)
        started = time.perf_counter()
        full.execute("begin")
        build_store(full, args.stored, now)
        full.execute("commit")
        print(f"built index of {args.stored:,} articles in {time.perf_counter() - started:.1f} s")
        t_empty = time_assign(empty, new, now)
        t_full = time_assign(full, new, now)
    print(f"assign {args.new:,} new articles, empty database:  {t_empty:.3f} s")
    print(f"assign {args.new:,} new articles, {args.stored:,} stored: {t_full:.3f} s")
    print(f"ratio: {t_full / t_empty:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
