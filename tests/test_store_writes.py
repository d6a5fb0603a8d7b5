"""Writing articles without table keys (migration 008): the statements keep article_id unique in
articles and (article_id, feed_id) unique in article_feeds, apply an outlet's edit to the stored
row, and the migration keeps every row of a database written before it, in its order."""

import shutil
from datetime import UTC, datetime, timedelta

import duckdb

from newsmon import store
from newsmon.migrate import apply_migrations, read_migrations
from newsmon.paths import MIGRATIONS_DIR
from newsmon.records import Article

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def _article(article_id: str, title: str, seen: datetime = NOW, published: datetime | None = NOW,
             feed_id: str = "wire") -> Article:
    return Article(article_id=article_id, feed_id=feed_id, url=f"https://news.test/{article_id}", guid=None,
                   title=title, text=f"{title}. More words follow here.", author=None, published_at=published,
                   first_seen_at=seen, lang="en", lang_prob=0.99, content_hash=f"hash:{title}")


def _rows(con, table: str, columns: str) -> list[tuple]:
    return con.execute(f"select {columns} from {table} order by all").fetchall()


def test_a_second_write_adds_only_what_is_new_and_applies_edits(db_path):
    con = store.open_store(db_path)
    first = [_article("a1", "Port talks open"), _article("a2", "Rail link agreed")]
    store.write_articles(con, "run1", NOW, first, [("a1", "wire"), ("a2", "wire")])

    later = NOW + timedelta(hours=6)
    # a1 edited by its outlet, whose feed now gives no publication time (the stored one is kept);
    # a2 seen again in a second feed; a3 new, listed twice in the batch as a chunk may carry it twice
    second = [_article("a1", "Port talks open in the capital", seen=later, published=None),
              _article("a3", "Bridge opens"), _article("a3", "Bridge opens")]
    store.write_articles(con, "run2", later, second,
                         [("a1", "wire"), ("a2", "agency"), ("a2", "agency"), ("a3", "wire")])

    assert _rows(con, "articles", "article_id, title, published_at, first_seen_at, updated_at, run_id") == [
        ("a1", "Port talks open in the capital", NOW, NOW, later, "run1"),
        ("a2", "Rail link agreed", NOW, NOW, NOW, "run1"),
        ("a3", "Bridge opens", NOW, NOW, NOW, "run2"),
    ]
    assert _rows(con, "article_feeds", "article_id, feed_id, first_seen_at") == [
        ("a1", "wire", NOW), ("a2", "agency", later), ("a2", "wire", NOW), ("a3", "wire", later),
    ]
    con.close()


def test_the_migration_keeps_every_row_in_its_order_and_drops_the_keys(tmp_path, db_path):
    before = tmp_path / "before"
    before.mkdir()
    for migration in read_migrations():
        if migration.version < 8:
            shutil.copy(MIGRATIONS_DIR / migration.name, before / migration.name)
    con = duckdb.connect(str(db_path))
    apply_migrations(con, before)
    # rows in first-seen order, as runs append them, with a story id (003) and identity (005)
    con.execute("""
        insert into articles (article_id, url, guid, title, text, author, published_at, first_seen_at, updated_at,
                              feed_id, lang, lang_prob, content_hash, run_id, story_id, canonical_url, identity_key)
        select 'id' || lpad(i::varchar, 4, '0'), 'https://news.test/' || i, null, 'Title ' || i, 'Text ' || i, null,
               null, timestamptz '2026-11-01 00:00:00+00' + to_minutes(i), timestamptz '2026-11-01 00:00:00+00',
               'wire', 'en', 0.9, 'h' || i, 'run', 'id' || lpad((i - i % 3)::varchar, 4, '0'),
               'news.test/' || i, 'key' || i
        from range(3000) as r(i)
    """)
    con.execute("insert into article_feeds select article_id, feed_id, first_seen_at from articles")
    stored = {t: con.execute(f"select * from {t}").fetchall() for t in ("articles", "article_feeds")}
    stories_before = _rows(con, "stories", "story_id, article_count, outlets")

    assert apply_migrations(con) == ["008_drop_article_primary_keys.sql"]

    for table, rows in stored.items():
        assert con.execute(f"select * from {table}").fetchall() == rows  # same rows, same order
    assert _rows(con, "stories", "story_id, article_count, outlets") == stories_before  # views read the new tables
    keyed = {t for (t,) in con.execute(
        "select table_name from duckdb_constraints() where constraint_type = 'PRIMARY KEY'").fetchall()}
    assert "articles" not in keyed and "article_feeds" not in keyed and "article_topics" in keyed
    con.close()
