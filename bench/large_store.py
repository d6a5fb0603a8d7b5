"""A large story-indexed database in the shape newsmon's write path produces, loaded by bulk SQL
(bench/run.py --parts scale, bench/bench_report.py --large)."""

from __future__ import annotations

from pathlib import Path


def build_large_store(db: Path, stored: int) -> None:
    """A database holding `stored` articles over the past year, indexed for stories, loaded by bulk
    SQL in the shape the write path produces: articles, article_feeds, tags for one in ten, and the
    story index (one story per article, title keys for most, 32 LSH band rows each). Signatures and
    band buckets are pseudo-random, so old articles never match new ones (they would, rarely, in life)."""
    from newsmon.store import open_store

    con = open_store(db)
    con.execute("begin")
    con.execute(f"""
        create temp table bulk as
        select i,
               substr(md5('old' || i), 1, 16) as article_id,
               now() - interval 365 days + to_microseconds((i * (31536000000000 // {stored}))::bigint) as seen_at,
               'Old report ' || i || ' on regional budgets, rail links and port upgrades' as title,
               ['en', 'ru', 'ko', 'ja', 'zh', 'de', 'fr', 'es', 'ar', 'hi'][i % 10 + 1] as lang
        from range({stored}) as t(i)
    """)
    con.execute("""
        insert into articles (article_id, url, guid, title, text, author, published_at, first_seen_at, updated_at,
                              feed_id, lang, lang_prob, content_hash, run_id, story_id)
        select article_id, 'https://old' || (i % 3000) || '.example.com/news/' || i, null, title,
               repeat('Officials said the project would take several years to complete. ', 4) || i,
               null, seen_at, seen_at, seen_at, 'old' || (i % 3000), lang, 0.99, substr(md5('c' || i), 1, 16),
               'bulk', article_id
        from bulk
    """)
    con.execute("insert into article_feeds select article_id, 'old' || (i % 3000), seen_at from bulk")
    con.execute("""
        insert into article_topics
        select article_id, 'russia_dprk', 0.8, true, ['diplomacy'], '[]', seen_at from bulk where i % 10 = 0
    """)
    con.execute("""
        insert into story_articles
        select article_id, article_id, lang, seen_at, case when i % 5 = 0 then null else 'old report ' || i end, 40,
               list_transform(range(128), lambda j: (hash(i, j) % 4294967296)::uinteger)::uinteger[128]
        from bulk
    """)
    con.execute("""
        insert into story_title_keys
        select 'old report ' || i, article_id, article_id, seen_at from bulk where i % 5 <> 0
    """)
    con.execute("""
        insert into story_bands
        select b::utinyint, hash(i, b, 'band'), article_id, article_id, seen_at
        from bulk, range(32) as r(b)
    """)
    con.execute("drop table bulk")
    con.execute("commit")
    con.execute("checkpoint")
    con.close()
