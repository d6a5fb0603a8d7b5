"""Both cores for the CPU-bound stages: parsing, and cleaning + language + tagging + fingerprints.

They are pure Python, so threads would serialise on the GIL; a process pool runs them in
parallel. The pool is started once per process and reused by every later run (a long-running
`newsmon serve` pays the start-up once). It uses spawn, not fork: the caller may run threads
(Prefect's task runner), and forking a threaded process can deadlock on a lock another thread
held. Small batches stay in this process, where they are cheaper than the round trip.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from multiprocessing.pool import Pool

from newsmon import pipeline
from newsmon.records import Article, Feed, FetchResult, ParsedFeed

PARALLEL_MIN_ENTRIES = 400  # below this, a pool round trip costs more than it saves
PARALLEL_MIN_BYTES = 2 * 1024 * 1024  # of feed documents to parse

_lock = threading.Lock()
_pool: Pool | None = None
_pool_size = 0


def parse_results(results: Sequence[FetchResult], feeds: Mapping[str, Feed], max_entries: int,
                  workers: int = 0, min_bytes: int = PARALLEL_MIN_BYTES) -> list[ParsedFeed]:
    """pipeline.parse_results, spread over the pool when there is enough to parse."""
    workers = _workers(workers)
    todo = [r for r in results if r.is_ok and r.content is not None]
    if workers == 1 or sum(len(r.content) for r in todo) < min_bytes:
        return pipeline.parse_results(todo, feeds, max_entries)
    chunks = _chunks(todo, workers * 4)
    args = [(chunk, {r.feed_id: feeds[r.feed_id] for r in chunk if r.feed_id in feeds}, max_entries)
            for chunk in chunks]
    return [p for part in _get_pool(workers).starmap(pipeline.parse_results, args) for p in part]


def build_articles(candidates: Sequence[pipeline.Candidate], seeds_dir, feeds: Mapping[str, Feed],
                   now: datetime, workers: int = 0, min_entries: int = PARALLEL_MIN_ENTRIES) -> list[Article]:
    """pipeline.build_articles on all cores; results keep the input order."""
    if not candidates:
        return []
    workers = _workers(workers)
    if workers == 1 or len(candidates) < min_entries:
        return pipeline.build_articles(candidates, pipeline.topic_rules(seeds_dir), feeds, now)
    chunks = _chunks(list(candidates), workers * 4)
    args = [(chunk, str(seeds_dir), _feeds_of(chunk, feeds), now) for chunk in chunks]
    return [a for part in _get_pool(workers).starmap(_build_chunk, args) for a in part]


def _build_chunk(chunk, seeds_dir: str, feeds, now: datetime) -> list[Article]:
    # Rules are compiled once per worker process (and again only when a seed file changes).
    return pipeline.build_articles(chunk, pipeline.topic_rules(seeds_dir), feeds, now)


def _feeds_of(chunk: Sequence[pipeline.Candidate], feeds: Mapping[str, Feed]) -> dict[str, Feed]:
    return {feed_id: feeds[feed_id] for c in chunk for feed_id in c.feed_ids if feed_id in feeds}


def _chunks(items: list, count: int) -> list[list]:
    size = max(1, -(-len(items) // count))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _workers(workers: int) -> int:
    return workers or os.cpu_count() or 1


def _get_pool(workers: int) -> Pool:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != workers:
            if _pool is not None:
                _pool.terminate()
            _pool = multiprocessing.get_context("spawn").Pool(workers)
            _pool_size = workers
        return _pool


@atexit.register
def _close_pool() -> None:
    if _pool is not None:
        _pool.terminate()
