"""The fast path and the slow path agree, and the benchmark's naive baseline does the same job.

On a small generated corpus (bench/corpus.py, served over loopback): the parallel builder
(spawned workers, chunks) gives the same articles, languages and tags as building one entry at
a time in this process; and bench/naive.py stores the same set of unique URLs as newsmon does.
"""

import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import generate_corpus  # noqa: E402
from bench.naive import run_naive  # noqa: E402
from newsmon import pipeline, workers  # noqa: E402
from newsmon.demo import demo_feeds_csv, serve_directory  # noqa: E402
from newsmon.feeds import read_feeds_csv  # noqa: E402
from newsmon.fetch import FetchSettings, fetch_feeds  # noqa: E402
from newsmon.ingest import plan_fetch  # noqa: E402
from newsmon.paths import SEEDS_DIR  # noqa: E402
from newsmon.topics import load_topic_rules  # noqa: E402

FEEDS, ITEMS = 12, 45  # 540 entries: above workers.PARALLEL_MIN_ENTRIES, so the pool really runs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(feeds, fetched results, served feeds.csv) of one generated corpus."""
    out = tmp_path_factory.mktemp("bench-corpus")
    info = generate_corpus(out / "www", FEEDS, ITEMS, seed=3)
    assert info.items == FEEDS * ITEMS
    with serve_directory(out / "www") as base:
        csv_path = demo_feeds_csv(base, out / "feeds.csv", demo_dir=out / "www")
        feeds = read_feeds_csv(csv_path)
        requests, _ = plan_fetch(feeds, {}, datetime.now(UTC))
        settings = FetchSettings(per_host_min_interval_s=0, per_host_concurrency=8, allow_private_networks=True)
        results = fetch_feeds(requests, settings)
        yield feeds, results, info


def test_corpus_is_deterministic_and_mixed(tmp_path, corpus):
    _, _, info = corpus
    again = generate_corpus(tmp_path / "again", FEEDS, ITEMS, seed=3)
    for path in sorted((info.directory / "feeds").glob("*.xml")):
        assert (tmp_path / "again" / "feeds" / path.name).read_bytes() == path.read_bytes()
    assert again.unique_urls < again.items  # exact duplicates across feeds exist
    assert again.dprk_stories > 0


def test_parallel_build_matches_one_at_a_time(corpus):
    feeds, results, info = corpus
    assert all(r.is_ok for r in results)
    feeds_by_id = {f.feed_id: f for f in feeds}
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    candidates = pipeline.identify_entries(pipeline.parse_results(results, feeds_by_id, 500))
    assert len(candidates) >= workers.PARALLEL_MIN_ENTRIES
    assert len({c.entry.url for c in candidates}) == info.unique_urls

    fast = workers.build_articles(candidates, SEEDS_DIR, feeds_by_id, now, workers=2)
    rules = load_topic_rules(SEEDS_DIR)
    slow = [pipeline.build_articles([c], rules, feeds_by_id, now)[0] for c in candidates]

    assert [a.article_id for a in fast] == [a.article_id for a in slow]
    assert fast == slow  # titles, texts, languages, probabilities and every topic hit
    langs = {a.lang for a in fast}
    assert len(langs - {"und"}) >= 4, langs  # several scripts and languages went through both paths
    assert sum(any(t.is_match for t in a.topics) for a in fast) > 0


def test_naive_pipeline_stores_the_same_unique_urls(tmp_path, corpus):
    feeds, results, info = corpus
    feeds_by_id = {f.feed_id: f for f in feeds}
    ours = {c.entry.url for c in pipeline.identify_entries(pipeline.parse_results(results, feeds_by_id, 500))}
    with serve_directory(info.directory) as base:
        served = [(f.feed_id, f.url.replace(f.url.split("/feeds/")[0], base)) for f in feeds]
        stats = run_naive(served, tmp_path / "naive.duckdb")
    assert stats.entries == FEEDS * ITEMS
    con = duckdb.connect(str(tmp_path / "naive.duckdb"), read_only=True)
    try:
        stored = {url for (url,) in con.execute("select url from naive_articles").fetchall()}
        flagged = con.execute("select count(*) from naive_articles where is_russia_dprk").fetchone()[0]
    finally:
        con.close()
    assert stored == ours
    assert stats.stored == len(ours)
    assert flagged > 0
