"""The Dask executor stores what the other executors store, survives a worker's death, and fails a run
cleanly when its cluster goes away.

A `distributed.LocalCluster` (two worker processes on 127.0.0.1, started once for the module) stands
in for a real cluster; the feeds are a generated corpus served over loopback. Every run here uses
the same small chunks (about two feeds each), so each run is many chunks and story ids must agree.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace
from datetime import UTC, datetime

import duckdb
import pytest

distributed = pytest.importorskip("distributed")

from bench.corpus import EPOCH, generate_corpus  # noqa: E402
from newsmon.alerts.rules import load_plan  # noqa: E402
from newsmon.demo import demo_feeds_csv, serve_directory, shift_dates  # noqa: E402
from newsmon.feeds import read_feeds_csv  # noqa: E402
from newsmon.fetch import FetchSettings, fetch_feeds  # noqa: E402
from newsmon.paths import SEEDS_DIR  # noqa: E402
from newsmon.run import loop  # noqa: E402
from newsmon.run.config import RunConfig  # noqa: E402
from newsmon.run.dask_executor import ClusterError, DaskExecutor  # noqa: E402
from newsmon.run.executor import EVERY_BATCH, make_executor  # noqa: E402
from newsmon.run.plan import plan_fetch  # noqa: E402

FEEDS, ITEMS = 12, 45  # 540 entries in several languages, with copies across feeds


def _local_cluster(workers: int):
    # dashboard_address: the scheduler's HTTP server (health, metrics) starts even without a dashboard;
    # a free loopback port keeps it off 8787 and on 127.0.0.1.
    return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                    dashboard_address="127.0.0.1:0")


def _address(cluster) -> str:
    return "dask://" + cluster.scheduler_address.split("://", 1)[1]


@pytest.fixture(scope="module")
def cluster():
    with _local_cluster(2) as local:
        yield local


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(feeds.csv on a loopback server, chunk size of about two feeds)"""
    out = tmp_path_factory.mktemp("dask-corpus")
    generate_corpus(out / "www", FEEDS, ITEMS, seed=3)
    shift = datetime.now(UTC) - EPOCH  # recent news, so its matching stories are alerted on
    for path in (out / "www" / "feeds").glob("*.xml"):
        path.write_bytes(shift_dates(path.read_bytes(), shift))
    with serve_directory(out / "www") as base:
        csv_path = demo_feeds_csv(base, out / "feeds.csv", demo_dir=out / "www")
        requests, _ = plan_fetch(read_feeds_csv(csv_path), {}, datetime.now(UTC))
        sizes = sorted(len(r.content) for r in fetch_feeds(requests, _fetch_settings()))
        yield csv_path, 2 * sizes[-1]


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus):
    """The database contents of an inline run: what every executor must store."""
    db = tmp_path_factory.mktemp("inline") / "inline.duckdb"
    _run(db, corpus, "inline")
    return _contents(db)


def _fetch_settings() -> FetchSettings:
    return FetchSettings(per_host_min_interval_s=0, per_host_concurrency=8, allow_private_networks=True)


def _config(db, corpus, executor: str) -> RunConfig:
    _, chunk_bytes = corpus
    return RunConfig(db_path=db, seeds_dir=SEEDS_DIR, fetch=_fetch_settings(), max_entries=500, executor=executor,
                     workers=2, pool=EVERY_BATCH, chunk_bytes=chunk_bytes,
                     alert_plan=load_plan(SEEDS_DIR / "alert_rules.csv", {}, "", ""), alerts_dir=db.parent,
                     alert_budget_s=5.0)


def _run(db, corpus, executor: str, steps: loop.Steps = loop.PLAIN_STEPS):
    csv_path, _ = corpus
    return loop.run_ingest(read_feeds_csv(csv_path), _config(db, corpus, executor), steps).summary


def _contents(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "articles": con.execute("select article_id, title, text, lang, lang_prob, feed_id, content_hash, story_id "
                                    "from articles order by 1").fetchall(),
            "feeds": con.execute("select article_id, feed_id from article_feeds order by 1, 2").fetchall(),
            "tags": con.execute("select article_id, topic, score, is_match, subtopics, evidence from article_topics "
                                "order by 1, 2").fetchall(),
            "alerts": con.execute("select alert_id, kind, rule_id, subject_id, channel from alert_outbox "
                                  "order by 1").fetchall(),
            "fetch_events": con.execute("select feed_id, http_status, error_class, entries, new_articles "
                                        "from fetch_events order by 1").fetchall(),
            "validators": con.execute("select feed_id, etag, last_modified, body_hash from feed_state "
                                      "order by 1").fetchall(),
        }
    finally:
        con.close()


def _worker_pids(client) -> dict[str, int]:
    return client.run(os.getpid)


def test_inline_local_and_dask_store_the_same_run(tmp_path, corpus, reference, cluster):
    assert len(reference["articles"]) > 400 and len(reference["alerts"]) > 0
    assert len({story for *_, story in reference["articles"]}) < len(reference["articles"])  # copies share stories
    assert len({lang for _, _, _, lang, *_ in reference["articles"]}) >= 4
    for kind in ("local", _address(cluster)):
        db = tmp_path / f"{kind.split(':')[0]}.duckdb"
        summary = _run(db, corpus, kind)
        assert summary.status == "completed", summary
        got = _contents(db)
        for key, rows in reference.items():
            assert got[key] == rows, (kind, key)


def test_the_seeds_travel_once_per_seed_set_in_a_worker_plugin(cluster):
    with make_executor(_address(cluster), 0, SEEDS_DIR) as executor:
        assert isinstance(executor, DaskExecutor) and executor.workers == 2
        executor.start(SEEDS_DIR)
        digest = executor._builder(SEEDS_DIR)[1]
        assert executor._builder(SEEDS_DIR)[1] == digest  # registered once
        installed = executor._client.run(lambda: dict(__import__("newsmon.run.dask_executor").run.dask_executor
                                                      ._worker_seeds))
        assert len(installed) == 2 and all(digest in seeds for seeds in installed.values())
        plugins = executor._client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.worker_plugins))
        assert f"newsmon-seeds-{digest}" in plugins


def test_a_worker_killed_mid_run_changes_nothing(tmp_path, corpus, reference, cluster):
    killed: list[int] = []
    submitted: list[int] = []

    def process_killing_a_worker(results, feeds_by_id, config, executor, *rest):
        submit = executor._submit

        def submit_then_kill(function, args):
            pending = submit(function, args)
            submitted.append(len(args))
            if len(submitted) == 5:  # a few chunks in
                pids = _worker_pids(executor._client)
                busy = executor._client.processing()
                victim = next((w for w, keys in busy.items() if keys), next(iter(pids)))
                killed.append(pids[victim])
                os.kill(pids[victim], signal.SIGKILL)  # mid-batch: its parts are running or queued there
            return pending

        executor._submit = submit_then_kill
        return loop.process_documents(results, feeds_by_id, config, executor, *rest)

    db = tmp_path / "fault.duckdb"
    summary = _run(db, corpus, _address(cluster), replace(loop.PLAIN_STEPS, process=process_killing_a_worker))
    assert killed and summary.status == "completed"
    got = _contents(db)
    for key, rows in reference.items():
        assert got[key] == rows, key
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    try:
        client.wait_for_workers(2, timeout=30)  # the nanny restarted the worker
        assert killed[0] not in _worker_pids(client).values()
    finally:
        client.close()


def test_a_cluster_that_disappears_fails_the_run_with_nothing_half_written(tmp_path, corpus, reference):
    doomed = _local_cluster(1)
    submitted: list[int] = []

    def process_losing_the_cluster(results, feeds_by_id, config, executor, *rest):
        submit = executor._submit

        def submit_then_lose(function, args):
            pending = submit(function, args)
            submitted.append(len(args))
            if len(submitted) == 6:  # a few chunks in
                doomed.close()
            return pending

        executor._submit = submit_then_lose
        return loop.process_documents(results, feeds_by_id, config, executor, *rest)

    db = tmp_path / "lost.duckdb"
    try:
        # The run fails visibly: a failed run whose message is the cluster error, one line.
        failed = _run(db, corpus, _address(doomed), replace(loop.PLAIN_STEPS, process=process_losing_the_cluster))
        assert failed.status == "failed" and "lost the dask cluster" in failed.message
        assert "\n" not in failed.message
    finally:
        doomed.close()
    partial = _contents(db)
    # What was stored is whole chunks, each exactly as the reference stored it...
    assert 0 < len(partial["articles"]) < len(reference["articles"])
    assert set(partial["articles"]) <= set(reference["articles"])
    stored = {row[0] for row in partial["articles"]}
    assert partial["tags"] == [row for row in reference["tags"] if row[0] in stored]
    # ...and the run's fetch events and validators, committed last, were not written.
    assert partial["fetch_events"] == [] and all(v[1:] == (None, None, None) for v in partial["validators"])
    # The next run (here inline) fetches everything again and stores the rest: the same database.
    summary = _run(db, corpus, "inline")
    assert summary.status == "completed"
    again = _contents(db)
    for key in ("articles", "feeds", "tags", "alerts", "validators"):
        assert again[key] == reference[key], key


def test_an_unreachable_scheduler_fails_at_once_in_one_line():
    started = time.perf_counter()
    with pytest.raises(ClusterError, match=r"dask scheduler at tcp://127\.0\.0\.1:9 did not answer") as caught:
        with DaskExecutor("dask://127.0.0.1:9", SEEDS_DIR, connect_timeout_s=2):
            pass
    assert "\n" not in str(caught.value)
    assert time.perf_counter() - started < 15
