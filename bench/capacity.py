"""The capacity model, measured on this machine: how far one committer goes, and how many worker cores
and fetching processes it takes to keep it busy.

    uv run python -m bench.capacity [--feeds 200 --items 50] [--hosts 50 --latency-ms 200]

A run has three kinds of work, and only one of them cannot be spread over machines:

 (a) the committer (the run's own process, one per database): identify entries, look up known
     articles, store each chunk with its stories and alerts, then the run's fetch events and feed
     state. Measured by running the real loop (newsmon.run.loop.process_documents) over a generated
     corpus with its parse and build results replayed from a recording, so building is free and
     every second is the committer's.
 (b) the workers' parse and build (clean, language, tags, fingerprints), which the local pool or
     a Dask cluster spreads: measured as the same corpus parsed and built in one process, i.e. the
     articles per second one worker core gives.
 (c) the fetch, which stays in the run's process: the run's fetch step (newsmon.run.loop.fetch_batches,
     the default settings: 16 requests at once, at most 2 per host and 0.5 s between two starts on one
     host) against --hosts loopback hosts (127.0.0.2, 127.0.0.3, ...), each answering after
     --latency-ms, as news sites do; measured in feeds per second per fetching process.

The model: workers saturate the committer at N = (a) / (b) cores (a Dask cluster's overhead per
chunk is bounded: see bench.run's dask part). At that point the deployment stores (a) x 86,400
articles a day; how many feed fetches a day that is depends on how many new articles a fetch
brings (the corpus's cold first fetch, or --new-per-fetch for feeds polled often), and the fetch
processes it needs are those fetches divided by (c). Nothing here leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

from bench.corpus import generate_corpus
from newsmon.alerts.rules import load_plan
from newsmon.demo import _QuietHandler, demo_feeds_csv, serve_directory
from newsmon.feeds import read_feeds_csv
from newsmon.paths import SEEDS_DIR
from newsmon.run import loop
from newsmon.run.config import FETCH_BATCHES, RunConfig, run_config
from newsmon.run.executor import Executor, Pending, warm_up
from newsmon.run.plan import group_by_host, plan_fetch
from newsmon.settings import Settings

DAY_S = 86_400


class RecordingExecutor(Executor):
    """Parses and builds in this process (one core), timing each stage and keeping every result."""

    def __init__(self) -> None:
        self.parsed: list[list] = []
        self.built: list[list] = []
        self.seconds = {"parse": 0.0, "build": 0.0}

    def parse(self, results, feeds, max_entries) -> Pending:
        started = time.perf_counter()
        out = super().parse(results, feeds, max_entries).get()
        self.seconds["parse"] += time.perf_counter() - started
        self.parsed.append(out)
        return Pending(ready=out)

    def build(self, candidates, seeds_dir, feeds, now) -> Pending:
        started = time.perf_counter()
        out = super().build(candidates, seeds_dir, feeds, now).get()
        self.seconds["build"] += time.perf_counter() - started
        self.built.append(out)
        return Pending(ready=out)


class ReplayExecutor(Executor):
    """Gives back what a RecordingExecutor recorded, in the same order: building costs nothing."""

    def __init__(self, recording: RecordingExecutor) -> None:
        self.parsed, self.built = list(recording.parsed), list(recording.built)

    def parse(self, results, feeds, max_entries) -> Pending:
        return Pending(ready=self.parsed.pop(0))

    def build(self, candidates, seeds_dir, feeds, now) -> Pending:
        out = self.built.pop(0)
        assert [a.article_id for a in out] == [c.article_id for c in candidates], "replay out of step"
        return Pending(ready=out)


def measure_committer_and_workers(csv_path: Path, tmp: Path) -> dict:
    """(a) and (b): one inline run recording parse and build, then the same run replayed into a fresh
    database with only the committer's work left."""
    warm_up(str(SEEDS_DIR))  # rules, language profiles and word tables: start-up, not throughput
    feeds = read_feeds_csv(csv_path)
    recording = RecordingExecutor()
    out: dict = {}
    for label, executor in (("record", recording), ("replay", None)):
        db = tmp / f"{label}.duckdb"
        timings: dict[str, float] = {}
        seconds: list[float] = []
        chosen = executor or ReplayExecutor(recording)

        def process(results, feeds_by_id, config, _executor, run, states, skipped, _timings=None,
                    chosen=chosen, timings=timings, seconds=seconds):
            started = time.perf_counter()
            try:
                return loop.process_documents(results, feeds_by_id, config, chosen, run, states, skipped, timings)
            finally:
                seconds.append(time.perf_counter() - started)

        summary = loop.run_ingest(feeds, _config(db, tmp / label), replace(loop.PLAIN_STEPS, process=process)).summary
        out[label] = {"process_seconds": seconds[0], "stages": timings, "new": summary.articles_new,
                      "entries": summary.entries_seen}
    new = out["replay"]["new"]
    work = recording.seconds["parse"] + recording.seconds["build"]
    out["committer_articles_per_s"] = new / out["replay"]["process_seconds"]
    out["worker_articles_per_core_s"] = new / work
    out["worker_seconds"] = dict(recording.seconds)
    return out


def _config(db: Path, alerts_dir: Path) -> RunConfig:
    settings = replace(Settings(), allow_private_networks=True, per_host_interval_s=0.0, per_host_concurrency=8)
    return replace(run_config(settings, db), executor="inline", seeds_dir=SEEDS_DIR, alerts_dir=alerts_dir,
                   alert_plan=load_plan(SEEDS_DIR / "alert_rules.csv", {}, "", ""), alert_budget_s=5.0)


class _SlowHandler(_QuietHandler):
    latency_s = 0.2

    def send_head(self):
        time.sleep(self.latency_s)  # time to first byte of a distant news site
        return super().send_head()


@contextmanager
def loopback_hosts(directory: Path, hosts: int, latency_s: float) -> Iterator[list[str]]:
    """`hosts` HTTP servers on 127.0.0.2, 127.0.0.3, ... serving `directory`, each answering after
    `latency_s`; yields their base URLs."""
    handler = type("Handler", (_SlowHandler,), {"latency_s": latency_s})
    with ExitStack() as stack:
        bases = []
        for number in range(hosts):
            server = ThreadingHTTPServer((f"127.0.0.{2 + number}", 0), functools.partial(handler, directory=str(directory)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
            bases.append(f"http://{server.server_address[0]}:{server.server_address[1]}")
        yield bases


def measure_fetch(corpus_dir: Path, csv_path: Path, hosts: int, latency_s: float) -> dict:
    """(c): every feed of the corpus, spread over `hosts` loopback hosts, fetched as a run fetches."""
    feeds = read_feeds_csv(csv_path)
    settings = run_config(replace(Settings(), allow_private_networks=True), Path("unused.duckdb")).fetch
    with loopback_hosts(corpus_dir, hosts, latency_s) as bases:
        spread = [replace(feed, url=bases[n % hosts] + "/feeds/" + feed.url.rsplit("/feeds/", 1)[1])
                  for n, feed in enumerate(feeds)]
        requests, _ = plan_fetch(spread, {}, datetime.now(UTC))
        started = time.perf_counter()
        results = loop.fetch_batches(group_by_host(requests, FETCH_BATCHES), settings)
        seconds = time.perf_counter() - started
    ok = [r for r in results if r.is_ok]
    return {"feeds": len(results), "ok": len(ok), "seconds": seconds, "feeds_per_s": len(ok) / seconds,
            "mb": sum(r.body_size for r in ok) / 1e6, "concurrency": settings.concurrency * FETCH_BATCHES,
            "per_host_concurrency": settings.per_host_concurrency,
            "per_host_interval_s": settings.per_host_min_interval_s}


def model(measured: dict, fetch: dict, new_per_fetch: float) -> dict:
    committer = measured["committer_articles_per_s"]
    per_core = measured["worker_articles_per_core_s"]
    cold_new_per_fetch = measured["replay"]["new"] / fetch["ok"]
    articles_day = committer * DAY_S
    out = {"cores_to_saturate": committer / per_core, "articles_per_day": articles_day}
    for label, yield_ in (("cold", cold_new_per_fetch), ("steady", new_per_fetch)):
        fetches_day = articles_day / yield_
        out[label] = {"new_per_fetch": yield_, "feed_fetches_per_day": fetches_day,
                      "fetch_processes": fetches_day / DAY_S / fetch["feeds_per_s"]}
    return out


def format_capacity(measured: dict, fetch: dict, result: dict, args) -> str:
    replay, record = measured["replay"], measured["record"]
    stages = ", ".join(f"{k} {v:.2f}" for k, v in replay["stages"].items() if v >= 0.005)
    lines = [
        "=== newsmon capacity model ===",
        f"corpus: {args.feeds} feeds x {args.items} items = {replay['entries']:,} entries, {replay['new']:,} new articles",
        f"(a) committer ceiling: {measured['committer_articles_per_s']:,.0f} articles/s "
        f"({replay['new']:,} articles stored in {replay['process_seconds']:.1f} s with building free; {stages})",
        f"(b) worker build throughput: {measured['worker_articles_per_core_s']:,.0f} articles/s per core "
        f"(parse {measured['worker_seconds']['parse']:.1f} s + build {measured['worker_seconds']['build']:.1f} s "
        f"in one process; the inline run took {record['process_seconds']:.1f} s)",
        f"(c) fetch throughput: {fetch['feeds_per_s']:,.1f} feeds/s per fetching process "
        f"({fetch['ok']:,} feeds, {fetch['mb']:.0f} MB in {fetch['seconds']:.1f} s from {args.hosts} loopback hosts "
        f"answering after {args.latency_ms:g} ms; {fetch['concurrency']} at once, "
        f"{fetch['per_host_concurrency']} per host, {fetch['per_host_interval_s']:g} s between starts on a host)",
        f"model: the committer saturates at {result['cores_to_saturate']:.1f} worker cores "
        f"(a / b), i.e. {result['articles_per_day']:,.0f} articles/day",
    ]
    for label, text in (("cold", "first fetches of the corpus"), ("steady", "feeds polled often")):
        part = result[label]
        lines.append(f"  at {part['new_per_fetch']:.1f} new articles per feed fetch ({text}): "
                     f"{part['feed_fetches_per_day']:,.0f} feed fetches/day, "
                     f"{part['fetch_processes']:.2f} fetching processes")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=50, help="loopback hosts the fetch spreads the feeds over")
    parser.add_argument("--latency-ms", type=float, default=200.0, help="each host's time to first byte")
    parser.add_argument("--new-per-fetch", type=float, default=5.0,
                        help="new articles a fetch of a feed polled often brings (the model's steady state)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newsmon-capacity-"))
    try:
        www = tmp / "www"
        generate_corpus(www, args.feeds, args.items, seed=0)
        with serve_directory(www) as base:
            csv_path = demo_feeds_csv(base, tmp / "feeds.csv", demo_dir=www)
            measured = measure_committer_and_workers(csv_path, tmp)
        fetch = measure_fetch(www, csv_path, args.hosts, args.latency_ms / 1000)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(format_capacity(measured, fetch, model(measured, fetch, args.new_per_fetch), args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
