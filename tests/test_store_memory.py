"""store.release_cache: DuckDB's cache of stored blocks is cut back between a run's chunks, and
nothing stored is lost or changed by it."""

import duckdb

from newsmon import store
from newsmon.db import sql


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
