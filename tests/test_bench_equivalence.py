"""The fast path and the slow path agree, and the benchmark's naive baseline does the same job.

On a small generated corpus (bench/corpus.py, served over loopback): the parallel builder
(spawned workers, chunks) gives the same articles, languages and tags as building one entry at
a time in this process; a run cut into many small chunks stores the same database as a run in
one chunk; and bench/naive.py stores the same set of unique URLs as newsmon does.
"""

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from bench.corpus import generate_corpus
from bench.naive import run_naive
from newsmon import articles
from newsmon.demo import demo_feeds_csv, serve_directory
from newsmon.extract import html_to_text, title_to_text
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings, fetch_feeds
from newsmon.paths import SEEDS_DIR
from newsmon.run.executor import EVERY_BATCH, LocalPoolExecutor
from newsmon.run.plan import plan_fetch
from newsmon.stories.cluster import fingerprint
from newsmon.topics.match import load_topic_rules

ROOT = Path(__file__).resolve().parents[1]

FEEDS, ITEMS = 12, 45  # 540 entries from 12 outlets in several languages


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
        yield feeds, results, info, csv_path


def test_corpus_is_deterministic_and_mixed(tmp_path, corpus):
    _, _, info, _ = corpus
    again = generate_corpus(tmp_path / "again", FEEDS, ITEMS, seed=3)
    for path in sorted((info.directory / "feeds").glob("*.xml")):
        assert (tmp_path / "again" / "feeds" / path.name).read_bytes() == path.read_bytes()
    assert again.unique_urls < again.items  # exact duplicates across feeds exist
    assert again.dprk_stories > 0


def test_unrelated_stories_are_as_unlike_as_real_ones(corpus):
    # Story clustering compares an article with those sharing an LSH bucket. In real feeds
    # (../shared/corpus) about 3 in 100,000 pairs of unrelated articles share one; a corpus whose
    # bodies repeat a few template sentences had 2 in 100 and made clustering look quadratic.
    feeds, results, _, _ = corpus
    parsed = articles.parse_results(results, {f.feed_id: f for f in feeds}, 500)
    by_title = {e.title_html: e for feed in parsed for e in feed.entries}  # copies keep their title
    prints = [fingerprint(title_to_text(e.title_html), html_to_text(e.summary_html or e.content_html))
              for e in by_title.values()]
    members: dict[tuple[int, int], list[int]] = {}
    for number, print_ in enumerate(prints):
        for key in enumerate(print_.bands):
            members.setdefault(key, []).append(number)
    sharing = {(a, b) for group in members.values() for i, a in enumerate(group) for b in group[i + 1:]}
    assert len(prints) > 300
    assert len(sharing) / (len(prints) * (len(prints) - 1) / 2) < 1e-3


def test_parallel_build_matches_one_at_a_time(corpus):
    feeds, results, info, _ = corpus
    assert all(r.is_ok for r in results)
    feeds_by_id = {f.feed_id: f for f in feeds}
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    candidates = articles.identify_entries(articles.parse_results(results, feeds_by_id, 500))
    assert len({c.entry.url for c in candidates}) == info.unique_urls

    with LocalPoolExecutor(2, SEEDS_DIR, EVERY_BATCH) as pool:
        fast = pool.build(candidates, SEEDS_DIR, feeds_by_id, now).get()
    rules = load_topic_rules(SEEDS_DIR)
    slow = [articles.build_articles([c], rules, feeds_by_id, now)[0] for c in candidates]

    assert [a.article_id for a in fast] == [a.article_id for a in slow]
    assert fast == slow  # titles, texts, languages, probabilities and every topic hit
    langs = {a.lang for a in fast}
    assert len(langs - {"und"}) >= 4, langs  # several scripts and languages went through both paths
    assert sum(any(t.is_match for t in a.topics) for a in fast) > 0


def test_naive_pipeline_stores_the_same_unique_urls(tmp_path, corpus):
    feeds, results, info, _ = corpus
    feeds_by_id = {f.feed_id: f for f in feeds}
    ours = {c.entry.url for c in articles.identify_entries(articles.parse_results(results, feeds_by_id, 500))}
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


def test_a_run_in_many_chunks_stores_what_a_run_in_one_chunk_stores(tmp_path, corpus):
    from newsmon.alerts.rules import load_plan
    from newsmon.run.config import RunConfig
    from newsmon.run.executor import EVERY_BATCH
    from newsmon.run.loop import run_ingest

    _, results, _, csv_path = corpus
    sizes = sorted(len(r.content) for r in results)
    contents = {}
    for label, chunk_bytes, executor_kind in (("one", 1 << 30, "inline"), ("many", 2 * sizes[-1], "local")):
        # "many": about two feeds a chunk, so copies of one article land in different chunks, each
        # parsed and built by the two workers
        db = tmp_path / f"{label}.duckdb"
        config = RunConfig(
            db_path=db, seeds_dir=SEEDS_DIR,
            fetch=FetchSettings(per_host_min_interval_s=0, per_host_concurrency=8, allow_private_networks=True),
            max_entries=500, executor=executor_kind, workers=2, pool=EVERY_BATCH, chunk_bytes=chunk_bytes,
            alert_plan=load_plan(SEEDS_DIR / "alert_rules.csv", {}, "", ""), alerts_dir=tmp_path / label,
            alert_budget_s=5.0)
        summary = run_ingest(read_feeds_csv(csv_path), config).summary
        # the run stopped its build workers once everything was built
        assert not [p for p in multiprocessing.active_children() if "PoolWorker" in p.name]
        con = duckdb.connect(str(db), read_only=True)
        try:
            contents[label] = {
                "summary": (summary.entries_seen, summary.articles_new, summary.articles_updated,
                            summary.matches_new, summary.new_by_lang),
                "articles": con.execute("select article_id, title, text, lang, lang_prob, feed_id "
                                        "from articles order by 1").fetchall(),
                "feeds": con.execute("select article_id, feed_id from article_feeds order by 1, 2").fetchall(),
                "tags": con.execute("select article_id, topic, is_match, subtopics from article_topics "
                                    "order by 1, 2").fetchall(),
                "stories": _story_pairs(con, "story_id"),
                "title_pairs": _story_pairs(con, "title"),
                "story_ids": {r for (r,) in con.execute("select distinct story_id from articles").fetchall()},
                "events": con.execute("select count(*) from fetch_events").fetchone()[0],
            }
        finally:
            con.close()
    one, many = contents["one"], contents["many"]
    assert len(one["articles"]) == len({r for r, _ in one["feeds"]}) > 400
    assert len(one["feeds"]) > len(one["articles"])  # the same article reached through several feeds
    for key in one.keys() - {"stories", "story_ids"}:
        assert many[key] == one[key], key
    # Stories are clustered greedily in arrival order, and chunks change that order (as runs do).
    # This corpus's headlines are templated (one template serves many different reports), so look-alike
    # items can form loose clusters whose shape depends on that order. What must hold: nearly every pair
    # of same-titled articles that one chunk put together, many chunks put together too, and the
    # number of stories barely moves.
    copies = one["title_pairs"] & one["stories"]
    kept = len(copies & many["stories"]) / len(copies)
    assert len(copies) > 20 and kept >= 0.9, kept
    assert abs(len(one["story_ids"]) - len(many["story_ids"])) <= 0.05 * len(one["story_ids"])


def _story_pairs(con, column: str) -> set[tuple[str, str]]:
    """Every pair of articles with the same value in `column` (story_id, title)."""
    rows = con.execute(f"select {column}, list(article_id order by article_id) from articles group by 1").fetchall()
    return {(a, b) for _, ids in rows for i, a in enumerate(ids) for b in ids[i + 1:]}
