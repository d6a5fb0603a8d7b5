"""Both cores for the CPU-bound stages: parsing, and cleaning + language + tagging + fingerprints.

They are pure Python, so threads would serialise on the GIL; a process pool runs them in
parallel. A large run starts the pool early (its workers warm up while the feeds download) and
stops it once everything is built (flows/steps.py); a smaller batch starts it when it needs it. It
uses spawn, not fork: the caller may run threads (Prefect's task runner), and forking a threaded
process can deadlock on a lock another thread held. Small batches stay in this process, where
they are cheaper than the round trip.

Work is submitted asynchronously (`parse_async`, `build_async` return a `Pending`), so the
caller can store one chunk while the pool parses and builds the next.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

from newsmon import pipeline
from newsmon.records import Article, Feed, FetchResult, ParsedFeed

PARALLEL_MIN_ENTRIES = 400  # below this, a pool round trip costs more than it saves
PARALLEL_MIN_BYTES = 512 * 1024  # of feed documents to parse (a run cuts larger ones into CHUNK_BYTES chunks)
# With no pool running, a batch must also pay for starting one (~0.8 s of CPU a worker): a run of
# ~1,000 entries is done sooner in this process. (Large runs start the pool while they fetch.)
COLD_MIN_ENTRIES = 2_000
COLD_MIN_BYTES = 1536 * 1024
TASKS_PER_WORKER = 2  # pieces a batch is cut into per worker: enough to even out their finishing times

# Loading langdetect's profiles and mapping the word tables takes a worker ~0.5 s; a worker does it while
# it starts (and the run is still fetching) rather than on its first real batch. One short line per
# script group the detector treats differently, written for this purpose.
_WARM_UP_LINES = (
    "Officials met in the capital on Monday to discuss trade and rail links",
    "Министры обсудили в столице торговлю и железнодорожное сообщение",
    "장관들이 수도에서 무역과 철도 협력을 논의했다",
    "閣僚らは首都で貿易と鉄道協力について協議した",
    "部长们在首都讨论了贸易和铁路合作",
    "मंत्रियों ने राजधानी में व्यापार और रेल संपर्क पर चर्चा की",
    "ناقش الوزراء في العاصمة التجارة والسكك الحديدية",
)

_lock = threading.Lock()
_pool: Pool | None = None
_pool_size = 0


class Pending:
    """A batch result that is ready, or will be when the pool has finished it."""

    def __init__(self, parts: AsyncResult | None = None, ready: list | None = None) -> None:
        self._parts, self._ready = parts, ready

    def get(self) -> list:
        if self._ready is None:
            self._ready = [item for part in self._parts.get() for item in part]
            self._parts = None
        return self._ready


def start(workers: int = 0, seeds_dir: Path | str | None = None) -> None:
    """Start the pool now (returns at once), so its workers load their data while the caller does
    other things. Later calls with the same worker count reuse it."""
    if _workers(workers) > 1:
        _get_pool(_workers(workers), seeds_dir)


def parse_async(results: Sequence[FetchResult], feeds: Mapping[str, Feed], max_entries: int,
                workers: int = 0, min_bytes: int | None = None) -> Pending:
    """pipeline.parse_results, on the pool when there is enough to parse (PARALLEL_MIN_BYTES)."""
    workers = _workers(workers)
    min_bytes = _threshold(min_bytes, PARALLEL_MIN_BYTES, COLD_MIN_BYTES)
    todo = [r for r in results if r.is_ok and r.content is not None]
    if workers == 1 or sum(r.body_size for r in todo) < min_bytes:
        return Pending(ready=pipeline.parse_results(todo, feeds, max_entries))
    args = [(chunk, {r.feed_id: feeds[r.feed_id] for r in chunk if r.feed_id in feeds}, max_entries)
            for chunk in _chunks(todo, workers * TASKS_PER_WORKER)]
    return _submit(workers, pipeline.parse_results, args)


def build_async(candidates: Sequence[pipeline.Candidate], seeds_dir, feeds: Mapping[str, Feed],
                now: datetime, workers: int = 0, min_entries: int | None = None) -> Pending:
    """pipeline.build_articles on all cores (from PARALLEL_MIN_ENTRIES); results keep the input order."""
    workers = _workers(workers)
    min_entries = _threshold(min_entries, PARALLEL_MIN_ENTRIES, COLD_MIN_ENTRIES)
    if workers == 1 or len(candidates) < min_entries:
        return Pending(ready=pipeline.build_articles(candidates, pipeline.topic_rules(seeds_dir), feeds, now))
    args = [(chunk, str(seeds_dir), _feeds_of(chunk, feeds), now)
            for chunk in _chunks(list(candidates), workers * TASKS_PER_WORKER)]
    return _submit(workers, _build_chunk, args)


def parse_results(results: Sequence[FetchResult], feeds: Mapping[str, Feed], max_entries: int,
                  workers: int = 0, min_bytes: int | None = None) -> list[ParsedFeed]:
    return parse_async(results, feeds, max_entries, workers, min_bytes).get()


def build_articles(candidates: Sequence[pipeline.Candidate], seeds_dir, feeds: Mapping[str, Feed],
                   now: datetime, workers: int = 0, min_entries: int | None = None) -> list[Article]:
    return build_async(candidates, seeds_dir, feeds, now, workers, min_entries).get()


def _submit(workers: int, function: Callable, args: list[tuple]) -> Pending:
    return Pending(_get_pool(workers).starmap_async(function, args))


def _build_chunk(chunk, seeds_dir: str, feeds, now: datetime) -> list[Article]:
    # Rules are compiled once per worker process (and again only when a seed file changes).
    return pipeline.build_articles(chunk, pipeline.topic_rules(seeds_dir), feeds, now)


def _warm_up(seeds_dir: str | None) -> None:
    from newsmon.language import detect_language

    if seeds_dir is not None:
        pipeline.topic_rules(seeds_dir)
    for line in _WARM_UP_LINES:
        detect_language(line)


def _feeds_of(chunk: Sequence[pipeline.Candidate], feeds: Mapping[str, Feed]) -> dict[str, Feed]:
    return {feed_id: feeds[feed_id] for c in chunk for feed_id in c.feed_ids if feed_id in feeds}


def _chunks(items: list, count: int) -> list[list]:
    size = max(1, -(-len(items) // count))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _threshold(given: int | None, warm: int, cold: int) -> int:
    if given is not None:
        return given
    return warm if _pool is not None else cold


def _workers(workers: int) -> int:
    return workers or os.cpu_count() or 1


def _get_pool(workers: int, seeds_dir: Path | str | None = None) -> Pool:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != workers:
            if _pool is not None:
                _pool.terminate()
            warm = str(seeds_dir) if seeds_dir is not None else None
            _pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_warm_up, initargs=(warm,))
            _pool_size = workers
        return _pool


@atexit.register
def stop() -> None:
    """Stop the pool (its workers hold ~0.1 GB each); the next batch that needs it starts it again."""
    global _pool, _pool_size
    with _lock:
        if _pool is not None:
            _pool.terminate()
            _pool.join()
        _pool, _pool_size = None, 0
