"""A large story-indexed database in the shape newsmon's write path produces, loaded by bulk SQL
(bench/run.py --parts scale, bench/bench_report.py --large).

It stands for a store that has run for a year: besides the articles, their stories and tags, the
full-text stage has tried the page of every stored candidate (an article_texts row each, as the
stage writes them) and event linking has given every matching story its event (event_stories, as
events/link.py writes them). Without those rows a run against it would find a year's worth of
untried candidates and read no event window, and measure a backlog instead of a day's work.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

# Ids as seeds/event_terms.csv and seeds/topic_terms.csv give them: what stored events are made of.
EVENT_COMMON = ("putin", "kim_jong_un", "moscow", "pyongyang", "kremlin", "kcna")
EVENT_PEOPLE = ("lavrov", "choe_son_hui", "shoigu", "belousov", "kim_yo_jong", "medvedev", "kozlov", "volodin")
EVENT_PLACES = ("wonsan", "vladivostok", "khasan", "kursk", "vostochny", "tumen_river", "red_square")
EVENT_ACTIONS = ("act_visit", "act_talks", "act_treaty", "act_ratify", "act_flight", "act_bridge", "act_launch",
                 "act_delegation", "act_sign", "act_troops", "act_rail", "act_tourism")
STORIES_PER_EVENT = 3  # matching stories that report one happening


def build_large_store(db: Path, stored: int, match_share: float = 0.1) -> None:
    """A database holding `stored` articles over the past year, indexed for stories, loaded by bulk
    SQL in the shape the write path produces: articles, article_feeds, topic matches for
    `match_share` of them (the scale bench passes its corpus's share: the history of the same feeds), the
    story index (one story per article, title keys for most, 32 LSH band rows each) for the articles
    a run's prune_index keeps (the last INDEX_KEPT), the pages of the tagged ones tried and their
    events linked. Signatures and band buckets are pseudo-random, so old
    articles never match new ones (they would, rarely, in life)."""
    from newsmon.store import open_store
    from newsmon.stories.index import INDEX_KEPT

    con = open_store(db)
    kept = INDEX_KEPT // timedelta(microseconds=1)
    step = max(1, round(1 / match_share))  # every step-th article matches
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
    con.execute(f"""
        insert into article_topics
        select article_id, 'russia_dprk', 0.8, true, ['diplomacy'], '[]', seen_at from bulk where i % {step} = 0
    """)
    con.execute("""
        insert into story_articles
        select article_id, article_id, lang, seen_at, case when i % 5 = 0 then null else 'old report ' || i end, 40,
               list_transform(range(128), lambda j: (hash(i, j) % 4294967296)::uinteger)::uinteger[128]
        from bulk where seen_at >= now() - to_microseconds($kept)
    """, {"kept": kept})
    con.execute("""
        insert into story_title_keys
        select 'old report ' || i, article_id, article_id, seen_at from bulk
        where i % 5 <> 0 and seen_at >= now() - to_microseconds($kept)
    """, {"kept": kept})
    con.execute("""
        insert into story_bands
        select b::utinyint, hash(i, b, 'band'), article_id, article_id, seen_at
        from bulk, range(32) as r(b) where seen_at >= now() - to_microseconds($kept)
    """, {"kept": kept})
    _tried_pages(con, step)
    _linked_events(con, step)
    con.execute("drop table bulk")
    con.execute("commit")
    con.execute("checkpoint")
    con.close()


def _tried_pages(con, step: int) -> None:
    """An article_texts row for every stored candidate (the matches), as fulltext/stage.py writes
    it: mostly `ok` with the page's text, one in twenty a paywall, one in twenty a 404; nothing is
    due again (next_attempt_at null), so a run finds only its own new candidates."""
    from newsmon.fulltext.extract import EXTRACTOR

    con.execute(f"""
        insert into article_texts
        select article_id, seen_at + interval 5 second, status,
               'https://old' || (i % 3000) || '.example.com/news/' || i, 'https://old' || (i % 3000) || '.example.com/news/' || i,
               case status when 'http_4xx' then 404 else 200 end,
               case status when 'http_4xx' then 'HTTP 404' end,
               case status when 'ok' then repeat('The delegation discussed rail links, the port and flights. ', 30) || i end,
               title, null, seen_at, lang, ?, '"' || substr(md5('e' || i), 1, 16) || '"', null,
               38000, 150, 1, null, true, case status when 'ok' then true end
        from (select *, case (i // {step}) % 20 when 0 then 'paywall' when 1 then 'http_4xx' else 'ok' end as status
              from bulk where i % {step} = 0)
    """, [EXTRACTOR])


def _linked_events(con, step: int) -> None:
    """An event_stories row for every matching story, as events/link.py writes them: in event-time
    order, STORIES_PER_EVENT consecutive matching stories to an event (its id the first one's
    story_id, null score for it), each with a few language-independent ids of the topic."""
    con.execute(f"""
        insert into event_stories
        select article_id, substr(md5('old' || (j // {STORIES_PER_EVENT} * {STORIES_PER_EVENT} * {step})), 1, 16),
               article_id, lang, seen_at,
               list_sort(list_distinct([
                   {list(EVENT_COMMON)}[j % {len(EVENT_COMMON)} + 1],
                   {list(EVENT_COMMON)}[(j // 7) % {len(EVENT_COMMON)} + 1],
                   {list(EVENT_PEOPLE)}[k % {len(EVENT_PEOPLE)} + 1],
                   {list(EVENT_PLACES)}[k % {len(EVENT_PLACES)} + 1],
                   {list(EVENT_ACTIONS)}[k % {len(EVENT_ACTIONS)} + 1]])),
               k % 25 = 0, case when j % {STORIES_PER_EVENT} = 0 then null else 1.5 + (j % 7) / 4 end, seen_at
        from (select *, i // {step} as j, i // {step} // {STORIES_PER_EVENT} as k from bulk where i % {step} = 0)
        order by seen_at
    """)
