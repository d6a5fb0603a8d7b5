"""Which stored articles the full-text stage picks (sql/statements/fulltext_candidates.sql): each kind
of article in and out of the run's window, on a real DuckDB file written by the store's own code.
The query reads only the window ($since); these cases pin what it must still find there."""

from datetime import UTC, datetime, timedelta

from newsmon import store
from newsmon.fulltext.candidates import select_candidates
from newsmon.fulltext.config import FulltextBudget
from newsmon.records import Article, Evidence, Feed, TopicHit

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
MATCH = TopicHit("russia_dprk", 0.9, True, (), (Evidence("russia", "Russia", "side:russia", "en", "title"),))
ONE_SIDE = TopicHit("russia_dprk", 0.3, False, (), (Evidence("russia", "Russia", "side:russia", "en", "title"),))
CUE_ONLY = TopicHit("russia_dprk", 0.1, False, (), (Evidence("treaty", "treaty", "subtopic:diplomacy", "en", "title"),))


def _article(name: str, seen: datetime, topics=(MATCH,), feed: str = "f1") -> Article:
    return Article(article_id=name, feed_id=feed, url=f"https://{feed}.example.com/{name}", guid=None, title=name,
                   text=f"{name} teaser", author=None, published_at=seen, first_seen_at=seen, lang="en",
                   lang_prob=0.99, content_hash=name, topics=tuple(topics))


def _tried(con, article_id: str, fetched_at: datetime, status: str = "ok", next_attempt_at=None, attempts=1):
    con.execute("""
        insert into article_texts (article_id, fetched_at, status, url, text, etag, attempts, next_attempt_at)
        values (?, ?, ?, 'https://f1.example.com/' || ?, case when ? = 'ok' then 'body' end, '"v1"', ?, ?)
    """, [article_id, fetched_at, status, article_id, status, attempts, next_attempt_at])


def test_candidates_are_the_window_s_untried_due_and_edited_articles_newest_first(tmp_path):
    # One article of each kind: stored by two runs (8 days and 1 hour ago), some tried by the stage.
    con = store.open_store(tmp_path / "candidates.duckdb")
    feeds = [Feed(feed_id=f, name=f, url=f"https://{f}.example.com/rss") for f in ("f1", "f2")]
    store.upsert_feeds(con, feeds, NOW)
    old, recent = NOW - timedelta(days=8), NOW - timedelta(hours=1)
    store.write_articles(con, "run-old", old, [_article("old_untried", old)], [("old_untried", "f1")])
    batch = [_article("untried", recent), _article("near", recent, (ONE_SIDE,)), _article("cue_only", recent, (CUE_ONLY,)),
             _article("done", recent), _article("edited", recent), _article("due", recent), _article("not_due", recent),
             _article("asked", recent, (), feed="f2")]
    store.write_articles(con, "run-new", recent, batch, [(a.article_id, a.feed_id) for a in batch])
    fetched = recent + timedelta(minutes=1)
    _tried(con, "done", fetched)
    _tried(con, "edited", fetched)
    con.execute("update articles set updated_at = ? where article_id = 'edited'", [fetched + timedelta(minutes=5)])
    _tried(con, "due", fetched, "timeout", next_attempt_at=NOW - timedelta(minutes=1), attempts=1)
    _tried(con, "not_due", fetched, "timeout", next_attempt_at=NOW + timedelta(hours=1), attempts=1)
    con.execute("update articles set published_at = published_at + interval 1 minute where article_id = 'near'")

    asking = {"f1": feeds[0], "f2": Feed(feed_id="f2", name="f2", url=feeds[1].url, fulltext=True)}
    found = select_candidates(con, asking, NOW, FulltextBudget())
    con.close()

    by_id = {c.article_id: c for c in found}
    assert set(by_id) == {"untried", "near", "edited", "due", "asked"}
    assert found[0].article_id == "near"  # newest first (published a minute later)
    assert (by_id["edited"].etag, by_id["edited"].attempts) == ('"v1"', 1)  # fetched again with its validator
    assert by_id["due"].attempts == 1 and by_id["untried"].attempts == 0
    assert by_id["asked"].request_feed_id == "f2"
