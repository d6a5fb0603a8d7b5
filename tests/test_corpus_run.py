"""Every real and hostile feed of ../shared/corpus/feeds, served from loopback, through a whole run:
no crash, and a typed outcome for every feed (articles stored, or an error class)."""


import duckdb
import pytest
from conftest import SHARED

from newsmon.demo import serve_directory
from newsmon.feeds import read_feeds_csv
from newsmon.run.config import run_config
from newsmon.run.loop import run_ingest
from newsmon.settings import Settings

CORPUS = SHARED / "corpus" / "feeds"
pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")]


def test_whole_corpus_run_gives_every_feed_a_typed_outcome(tmp_path):
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    db = tmp_path / "corpus.duckdb"
    with serve_directory(CORPUS) as base:
        rows = [(f"{p.parent.name}_{n:03d}", p.name,
                 f"{base}/{p.relative_to(CORPUS).as_posix()}") for n, p in enumerate(files)]
        csv = tmp_path / "feeds.csv"
        csv.write_text("feed_id,name,url\n" + "".join(f"{i},{n},{u}\n" for i, n, u in rows), encoding="utf-8")
        summary = run_ingest(read_feeds_csv(csv), run_config(Settings.from_env(), db)).summary
    # hostile and broken feeds fail: the run is degraded, and says how many
    assert summary.status == "degraded" and summary.feeds_total == len(files)
    assert summary.warnings and summary.warnings[0].startswith(f"{summary.feeds_failed} of {len(files)} feeds failed")
    con = duckdb.connect(str(db), read_only=True)
    try:
        outcomes = con.execute("""
            select e.feed_id, e.error_class, e.entries, coalesce(s.last_error_class, '') as parse_error
            from fetch_events e left join feed_state s using (feed_id)""").fetchall()
        assert len(outcomes) == len(files)
        silent = [feed for feed, error, entries, parse_error in outcomes
                  if error is None and entries == 0 and not parse_error
                  and not feed.startswith("hostile_")]  # minimised fixtures may hold no items
        assert not silent, f"feeds with neither articles nor an error: {silent}"
        assert con.execute("select count(*) from articles").fetchone()[0] > 1000
        bad_text = con.execute(r"""select count(*) from articles
            where regexp_matches(title || text, '[\x00-\x08\x0b\x0c\x0e-\x1f]|<script|javascript:')""").fetchone()[0]
        assert bad_text == 0
        assert con.execute("select count(*) from articles where url not like 'http%'").fetchone()[0] == 0
    finally:
        con.close()
