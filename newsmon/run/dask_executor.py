"""The run's CPU-bound stages on a Dask cluster (`--executor dask://HOST:PORT`), for runs past one machine.

The run connects a `distributed.Client` to a running scheduler and sends every parse and build
batch to the cluster's workers, whatever its size (policy `EVERY_BATCH`): each batch is cut into
two parts per worker thread and submitted at once, and `get()` gathers the parts in submission
order. The run stays the only process that writes DuckDB, and it stores chunks in the order it
submitted them (story ids depend on it). Fetching stays in the run's process: it is I/O-bound,
already concurrent, and polite per host (per-host limits, conditional GET state and the
private-address guard all live there).

What workers need besides the batch travels once, not with every part: the seed tables the topic
rules are compiled from (every CSV file of the seeds directory) go to each worker in a
`WorkerPlugin`, registered under a name that is the files' digest, so a cluster that already has
them is not sent them again, and a worker that joins or restarts later gets them too. Its setup
compiles the rules and loads the language tables, as the local pool's warm-up does. A build part
names the seeds by that digest. Workers run the same newsmon environment (the code is imported
there, not shipped).

Failures: a worker that dies mid-part has its parts run again elsewhere by the scheduler (the
parts are pure functions of their arguments, so the output is the same). A scheduler that cannot
be reached at start, or that goes away during the run, raises `ClusterError`: the chunk being
waited for is not stored, chunks stored before it stay (each is its own transaction), and the
run's fetch events and feed validators, which are committed last, are not written.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError
from pathlib import Path

from distributed import Client, WorkerPlugin
from distributed.comm.core import CommClosedError
from distributed.scheduler import KilledWorker

from newsmon import articles
from newsmon.run.executor import EVERY_BATCH, Executor, Pending, warm_up

CONNECT_TIMEOUT_S = 10.0

# On a worker: seeds digest -> the directory the plugin wrote that seed set into.
_worker_seeds: dict[str, str] = {}


class ClusterError(RuntimeError):
    """The Dask cluster could not be reached, or was lost while the run waited for it."""


class DaskExecutor(Executor):
    """Parse and build on the workers of the Dask scheduler at `address` (dask:// or tcp://)."""

    policy = EVERY_BATCH

    def __init__(self, address: str, seeds_dir: Path | None = None,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S) -> None:
        self.address = "tcp://" + address.split("://", 1)[1] if address.startswith("dask://") else address
        self.seeds_dir = seeds_dir
        self.connect_timeout_s = connect_timeout_s
        self.workers = 1
        self._client: Client | None = None
        self._seeds: dict[tuple, str] = {}  # (seeds dir, file mtimes) -> digest registered on the cluster
        self._warming: threading.Thread | None = None
        self._warm_error: BaseException | None = None

    def __enter__(self) -> DaskExecutor:
        self.connect()  # an unreachable cluster fails the run before it fetches anything
        return self

    @property
    def started(self) -> bool:
        return self._client is not None

    def connect(self) -> Client:
        if self._client is None:
            try:
                # direct_to_workers: results come straight from the workers, not relayed by the
                # scheduler (which halved the throughput of a 2-worker LocalCluster on 2 cores)
                client = Client(self.address, timeout=self.connect_timeout_s, set_as_default=False,
                                direct_to_workers=True)
            except (OSError, TimeoutError) as exc:
                raise ClusterError(f"dask scheduler at {self.address} did not answer within "
                                   f"{self.connect_timeout_s:g} s ({type(exc).__name__})") from None
            try:
                client.wait_for_workers(1, timeout=self.connect_timeout_s)
            except (OSError, TimeoutError):
                client.close()
                raise ClusterError(f"dask scheduler at {self.address} has no workers "
                                   f"(waited {self.connect_timeout_s:g} s)") from None
            self._client = client
            self.workers = max(1, sum(client.nthreads().values()))
        return self._client

    def start(self, seeds_dir: Path | None = None) -> None:
        """Connect, and send the seeds to the workers in the background (they warm up while the run
        fetches); the first build waits for it."""
        self.connect()
        seeds = seeds_dir or self.seeds_dir
        if seeds is not None and self._warming is None:
            self._warming = threading.Thread(target=self._warm_in_background, args=(Path(seeds),),
                                             name="newsmon-dask-seeds", daemon=True)
            self._warming.start()

    def close(self) -> None:
        """Disconnect (the cluster and its workers stay up, warm, for the next run)."""
        if self._warming is not None:
            self._warming.join()
            self._warming = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def _sends(self, entries: int, size_bytes: int) -> bool:
        return True  # the workers are always there; this process only stores

    def _builder(self, seeds_dir: Path) -> tuple[Callable, object]:
        return build_part, self._seeds_digest(Path(seeds_dir))

    def _submit(self, function: Callable, args: list[tuple]) -> Pending:
        if not args:
            return Pending(ready=[])
        client = self.connect()
        try:
            futures = client.map(function, *zip(*args), pure=False)  # pure=False: fresh keys, no reuse across runs
        except (OSError, CommClosedError, CancelledError) as exc:
            raise ClusterError(f"lost the dask cluster at {self.address}: {_first_line(exc)}") from exc
        return GatheredPending(client, futures, self.address)

    # --- seeds ---------------------------------------------------------------------------------------

    def _warm_in_background(self, seeds_dir: Path) -> None:
        try:
            self._seeds_digest(seeds_dir)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that builds
            self._warm_error = exc

    def _seeds_digest(self, seeds_dir: Path) -> str:
        """Register the seed set of `seeds_dir` on the cluster (once per seed set) and return its digest."""
        if self._warming is not None and threading.current_thread() is not self._warming:
            self._warming.join()
            self._warming = None
            if self._warm_error is not None:
                error, self._warm_error = self._warm_error, None
                raise error
        # Every seed table (topics, terms, and whatever the rules read next), not the sub-folders.
        paths = sorted(seeds_dir.glob("*.csv"))
        state = (str(seeds_dir), *((path.name, path.stat().st_mtime_ns) for path in paths))
        if state not in self._seeds:
            files = {path.name: path.read_bytes() for path in paths}
            digest = hashlib.blake2b(b"".join(name.encode() + b"\0" + data for name, data in sorted(files.items())),
                                     digest_size=10).hexdigest()
            try:
                self.connect().register_plugin(SeedsPlugin(digest, files), name=f"newsmon-seeds-{digest}")
            except (OSError, CommClosedError) as exc:
                raise ClusterError(f"lost the dask cluster at {self.address}: {_first_line(exc)}") from exc
            self._seeds[state] = digest
        return self._seeds[state]


class GatheredPending(Pending):
    """A batch's parts on the cluster; `get()` gathers them in submission order."""

    def __init__(self, client: Client, futures: list, address: str) -> None:
        super().__init__()
        self._client, self._futures, self._address = client, futures, address

    def get(self) -> list:
        if self._ready is None:
            try:
                parts = self._client.gather(self._futures)
            except (CancelledError, CommClosedError, KilledWorker, OSError) as exc:
                raise ClusterError(f"lost the dask cluster at {self._address} while it built a chunk "
                                   f"({type(exc).__name__}: {_first_line(exc)})") from exc
            self._ready = [item for part in parts for item in part]
            self._futures = None  # the workers may drop the results now
        return self._ready


class SeedsPlugin(WorkerPlugin):
    """Gives a worker one seed set: written to a directory of its own, compiled, and the language
    tables loaded (`executor.warm_up`). Registered once per seed set; kept by the scheduler, so
    workers that join or restart later get it too."""

    idempotent = True  # a cluster that has this seed set already keeps it

    def __init__(self, digest: str, files: dict[str, bytes]) -> None:
        self.digest, self.files = digest, files
        self.directory: str | None = None

    def setup(self, worker) -> None:
        self.directory = tempfile.mkdtemp(prefix=f"newsmon-seeds-{self.digest}-")
        for name, data in self.files.items():
            Path(self.directory, name).write_bytes(data)
        warm_up(self.directory)
        _worker_seeds[self.digest] = self.directory

    def teardown(self, worker) -> None:
        _worker_seeds.pop(self.digest, None)
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)


def build_part(part, seeds_digest: str, feeds, now) -> list:
    """articles.build_articles on a worker, with the rules of the seed set its plugin installed."""
    directory = _worker_seeds.get(seeds_digest)
    if directory is None:
        raise ClusterError(f"this worker has no seed set {seeds_digest} (its plugin did not run)")
    return articles.build_articles(part, articles.topic_rules(directory), feeds, now)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]
