"""DuckDB's memory during a run: its cache of stored blocks is cut back between chunks
(store.release_cache), a chunk is written with its memory capped (store.write_chunk), and
neither loses or changes anything stored."""

from datetime import UTC, datetime

import duckdb
import pytest

from bench.large_store import build_large_store
from newsmon import store
from newsmon.db import sql
from newsmon.records import Article
from newsmon.stories import cluster as stories
from newsmon.stories.index import assign_stories, story_items


def _cached_bytes(con) -> int:
    return con.execute(sql("statements/cache_bytes")).fetchall()[0][0]


def test_release_cache_evicts_stored_blocks_and_restores_the_limit(tmp_path):
    con = duckdb.connect(str(tmp_path / "cache.duckdb"))
    default_limit = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    # hashes as text (~14 MB once compressed): reading them back fills DuckDB's cache with their blocks
    con.execute("create table t as select i, md5(i::varchar) || md5((i + 1)::varchar) as s from range(400000) r(i)")
    con.execute("checkpoint")
    expected = con.execute("select count(*), sum(hash(s)) from t").fetchall()
    assert _cached_bytes(con) > 8 * 2**20

    store.release_cache(con, budget_bytes=2 * 2**20)

    assert _cached_bytes(con) <= 2 * 2**20
    assert con.execute("select current_setting('memory_limit')").fetchall()[0][0] == default_limit
    assert con.execute("select count(*), sum(hash(s)) from t").fetchall() == expected  # read back from disk
    con.close()


def test_release_cache_leaves_a_small_cache_alone(tmp_path):
    con = duckdb.connect(str(tmp_path / "small.duckdb"))
    con.execute("create table t as select 1 as i")
    before = _cached_bytes(con)
    store.release_cache(con, budget_bytes=before + 1)
    assert _cached_bytes(con) == before
    con.close()


NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def _chunk(count: int) -> tuple[list[Article], list[tuple[str, str]]]:
    articles = []
    for i in range(count):
        title = f"Rail link talks between two port cities, round {i}"
        text = f"Officials met for round {i} of talks on the rail link and the port. " * 3
        articles.append(Article(
            article_id=f"new{i:04d}", feed_id="f1", url=f"https://example.com/news/{i}", guid=None, title=title,
            text=text, author=None, published_at=NOW, first_seen_at=NOW, lang="en", lang_prob=0.99,
            content_hash=f"h{i}", topics=(), story_fingerprint=stories.fingerprint(title, text)))
    return articles, [(a.article_id, "f1") for a in articles]


@pytest.mark.parametrize("headroom, writes", [(store.CHUNK_HEADROOM_BYTES, 1), (0, 2)])
def test_a_capped_chunk_is_written_once_or_again_uncapped(db_path, headroom, writes):
    # A database of 20,000 articles, reopened: writing loads its indexes. With no headroom the chunk
    # cannot fit: it is rolled back and written again uncapped (and the error that aborted it, out
    # of memory, is the one seen, not a refused clean-up).
    build_large_store(db_path, 20_000)
    con = store.open_store(db_path)
    default_limit = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    articles, pairs = _chunk(300)
    calls, stories_of = [], {}

    def write():
        calls.append(1)
        store.write_articles(con, "run1", NOW, articles, pairs)
        stories_of.update(assign_stories(con, story_items(articles, {}), NOW))

    store.write_chunk(con, write, capped=True, headroom_bytes=headroom)
    assert len(calls) == writes
    assert len(stories_of) == 300
    assert con.execute("select count(*), count(story_id) from articles where run_id = 'run1'").fetchall() == [(300, 300)]
    assert con.execute("select count(*) from story_articles where article_id like 'new%'").fetchall() == [(300,)]
    assert con.execute("select current_setting('memory_limit')").fetchall()[0][0] == default_limit
    con.close()
