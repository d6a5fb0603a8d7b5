"""Where a run's CPU-bound stages run: parsing, and building (cleaning, language, tags, fingerprints).

They are pure Python, so threads would serialise on the GIL. A run is given one executor and owns
it (a context manager: its workers stop when the run's build work is done, or when the run fails):

- `InlineExecutor`: everything in this process (`--executor inline`, small tests).
- `LocalPoolExecutor`: a process pool on this machine (the default). It uses spawn, not fork:
  the caller may run threads (Prefect's task runner), and forking a threaded process can deadlock
  on a lock another thread held.
- `DaskExecutor` (run/dask_executor.py): the workers of a running Dask cluster
  (`--executor dask://HOST:PORT`), for runs that outgrow one machine; every batch goes there.

Whether a batch goes to the workers or stays in this process is the executor's `PoolPolicy`: a
batch too small to pay for the round trip stays here, and so does one too small to pay for
starting the workers when they are not running yet (a run starts them ahead of its first chunk
when it expects enough work: see `start`). Work is submitted asynchronously (a `Pending`), so the
run stores one chunk while the workers parse and build the next.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

from newsmon import articles
from newsmon.records import Feed, FetchResult

TASKS_PER_WORKER = 2  # pieces a batch is cut into per worker: enough to even out their finishing times
PAGES_MIN = 16  # article pages worth sending to running workers (~20 ms of extraction each)

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


@dataclass(frozen=True, slots=True)
class PoolPolicy:
    """When a batch is worth sending to the workers rather than doing it in this process."""

    parallel_min_entries: int = 400  # to build; below this a round trip costs more than it saves
    parallel_min_bytes: int = 512 * 1024  # of feed documents to parse
    # With the workers not started yet, a batch must also pay for starting them (~0.8 s of CPU each):
    # a run of ~1,000 entries is done sooner in this process.
    start_min_entries: int = 2_000
    start_min_bytes: int = 1536 * 1024
    early_start_feeds: int = 50  # feeds never parsed before that make a run start its workers ahead

    def sends(self, entries: int, size_bytes: int, started: bool) -> bool:
        if started:
            return entries >= self.parallel_min_entries or size_bytes >= self.parallel_min_bytes
        return entries >= self.start_min_entries or size_bytes >= self.start_min_bytes


EVERY_BATCH = PoolPolicy(0, 0, 0, 0, 0)  # for tests and for executors whose workers are always there


class Pending:
    """A batch result that is ready, or will be when the workers have finished it: a list of the
    parts' results, concatenated in submission order."""

    def __init__(self, parts: AsyncResult | None = None, ready: list | None = None) -> None:
        self._parts, self._ready = parts, ready

    def get(self) -> list:
        if self._ready is None:
            self._ready = [item for part in self._parts.get() for item in part]
            self._parts = None
        return self._ready


class Executor:
    """The stages a chunk needs, run here or on workers. Subclasses say how work reaches workers."""

    workers = 1
    policy = PoolPolicy()

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self, seeds_dir: Path | None = None) -> None:
        """Start the workers now (returns at once), so they load their data while the run fetches."""

    def close(self) -> None:
        """Stop the workers; a later batch that needs them starts them again."""

    @property
    def started(self) -> bool:
        return False

    def parse(self, results: Sequence[FetchResult], feeds: Mapping[str, Feed], max_entries: int) -> Pending:
        """articles.parse_results over the documents that have a body."""
        todo = [r for r in results if r.is_ok and r.content is not None]
        if not self._sends(0, sum(r.body_size for r in todo)):
            return Pending(ready=articles.parse_results(todo, feeds, max_entries))
        args = [(part, {r.feed_id: feeds[r.feed_id] for r in part if r.feed_id in feeds}, max_entries)
                for part in _split(todo, self.workers * TASKS_PER_WORKER)]
        return self._submit(articles.parse_results, args)

    def build(self, candidates: Sequence[articles.Candidate], seeds_dir: Path, feeds: Mapping[str, Feed],
              now: datetime) -> Pending:
        """articles.build_articles; results keep the input order."""
        if not self._sends(len(candidates), 0):
            return Pending(ready=articles.build_articles(candidates, articles.topic_rules(seeds_dir), feeds, now))
        function, seeds = self._builder(seeds_dir)
        args = [(part, seeds, _feeds_of(part, feeds), now)
                for part in _split(list(candidates), self.workers * TASKS_PER_WORKER)]
        return self._submit(function, args)

    def read_pages(self, pages: Sequence[tuple], seeds_dir: Path) -> list:
        """fulltext.stage.read_page for each (candidate, fetch result) pair; results keep the input
        order. Pages go to the workers only while they are running: the full-text step comes after
        the chunks are built, and never pays for starting them."""
        from newsmon.fulltext.stage import read_pages

        if not (self.workers > 1 and self.started and len(pages) >= PAGES_MIN and self._reads_pages):
            return read_pages(list(pages), str(seeds_dir))
        parts = _split(list(pages), self.workers * TASKS_PER_WORKER)
        return self._submit(read_pages, [(part, str(seeds_dir)) for part in parts]).get()

    _reads_pages = False  # whether pages may go to this executor's workers (they load seeds from seeds_dir)

    def _sends(self, entries: int, size_bytes: int) -> bool:
        return self.workers > 1 and self.policy.sends(entries, size_bytes, self.started)

    def _builder(self, seeds_dir: Path) -> tuple[Callable, object]:
        """The function that builds a part on a worker, and how it finds the seeds there."""
        return build_part, str(seeds_dir)

    def _submit(self, function: Callable, args: list[tuple]) -> Pending:
        raise NotImplementedError


class InlineExecutor(Executor):
    """Every stage in this process: no parallelism, nothing to start or stop."""


class LocalPoolExecutor(Executor):
    """A pool of `workers` spawned processes on this machine, started on first need (or by `start`)."""

    _reads_pages = True

    def __init__(self, workers: int = 0, seeds_dir: Path | None = None, policy: PoolPolicy = PoolPolicy()) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.seeds_dir = seeds_dir
        self.policy = policy
        self._pool: Pool | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self, seeds_dir: Path | None = None) -> None:
        if self._pool is None and self.workers > 1:
            warm = seeds_dir or self.seeds_dir
            self._pool = multiprocessing.get_context("spawn").Pool(
                self.workers, initializer=warm_up, initargs=(str(warm) if warm else None,))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _submit(self, function: Callable, args: list[tuple]) -> Pending:
        self.start()
        return Pending(self._pool.starmap_async(function, args))


def make_executor(kind: str, workers: int, seeds_dir: Path, policy: PoolPolicy = PoolPolicy()) -> Executor:
    """The executor named by `kind` (settings: NEWSMON_EXECUTOR, `newsmon run --executor`):
    inline, local, or the address of a Dask scheduler (dask://HOST:PORT or tcp://HOST:PORT), whose
    workers take every batch (its cluster decides how many there are: `workers` and `policy` are
    for the local pool)."""
    if kind == "inline":
        return InlineExecutor()
    if kind == "local":
        return LocalPoolExecutor(workers, seeds_dir, policy)
    if kind.startswith(("dask://", "tcp://")):
        from newsmon.run.dask_executor import DaskExecutor  # imports distributed (~1 s): only when asked

        return DaskExecutor(kind, seeds_dir)
    raise ValueError(f"unknown executor {kind!r}: expected local, inline or dask://HOST:PORT")


def build_part(part, seeds_dir: str, feeds, now: datetime) -> list:
    """articles.build_articles in a worker: rules are compiled once per worker process (and again
    only when a seed file changes)."""
    return articles.build_articles(part, articles.topic_rules(seeds_dir), feeds, now)


def warm_up(seeds_dir: str | None) -> None:
    """Load what building needs (rules, language profiles, word tables) before the first batch."""
    from newsmon.language.detect import detect_language

    if seeds_dir is not None:
        articles.topic_rules(seeds_dir)
    for line in _WARM_UP_LINES:
        detect_language(line)


def _feeds_of(part: Sequence[articles.Candidate], feeds: Mapping[str, Feed]) -> dict[str, Feed]:
    return {feed_id: feeds[feed_id] for c in part for feed_id in c.feed_ids if feed_id in feeds}


def _split(items: list, count: int) -> list[list]:
    size = max(1, -(-len(items) // count))
    return [items[i:i + size] for i in range(0, len(items), size)]
