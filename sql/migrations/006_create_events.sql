-- Events (issue #19): the stories, in any language, that report one happening (a meeting, a visit
-- of a few days, a signing, a launch, an announcement). Every story with a topic match gets one
-- row in event_stories, once: its event_id is the story_id of the event's first story and never
-- changes. Two events found later to be one are recorded in event_merges, never re-keyed.
-- story_events and story_entities (003) are no longer written; the views below read these tables.

create table event_stories (
    story_id    varchar not null,
    event_id    varchar not null,
    article_id  varchar not null,         -- the story's representative: its first matching article
    lang        varchar not null,
    event_time  timestamptz not null,     -- its publication time (clamped), else first seen; UTC
    entities    varchar[] not null,       -- people, places, organisations, event types (ids)
    is_future   boolean not null,         -- it announces a happening still to come
    score       double,                   -- the link's score; null for an event's first story
    linked_at   timestamptz not null
);
-- Rows are appended in event_time order within each run, so the window reads (event_time between
-- two constants) skip other row groups by their min/max; a backfill adds row groups of its own.

create table event_merges (
    event_id       varchar not null,      -- merged event
    into_event_id  varchar not null,      -- the event it is part of from now on
    merged_at      timestamptz not null
);

-- One event per story: the event it was linked to, followed through recorded merges (one step
-- each; a merge always points to an older event).
create view story_event_ids as
with recursive resolved(story_id, event_id, depth) as (
    select story_id, event_id, 0 from event_stories
    union all
    select r.story_id, m.into_event_id, r.depth + 1
    from resolved as r
    join event_merges as m on m.event_id = r.event_id
    where r.depth < 8
)
select story_id, arg_max(event_id, depth) as event_id
from resolved
group by story_id;

create or replace view stories as
with members as (
    select
        a.story_id,
        a.article_id,
        a.title,
        a.lang,
        a.first_seen_at,
        coalesce(f.name, coalesce(af.feed_id, a.feed_id)) as outlet
    from articles as a
    left join article_feeds as af on af.article_id = a.article_id
    left join feeds as f on f.feed_id = coalesce(af.feed_id, a.feed_id)
    where a.story_id is not null
),
final as (
    select
        m.story_id,
        min(m.first_seen_at) as first_seen,
        max(m.first_seen_at) as last_seen,
        arg_min(m.title, m.first_seen_at) as title,  -- the first article's title
        list(distinct m.outlet order by m.outlet) as outlets,
        list(distinct m.lang order by m.lang) as languages,
        count(distinct m.article_id) as article_count,
        any_value(e.event_id) as event_id
    from members as m
    left join story_event_ids as e on e.story_id = m.story_id
    group by m.story_id
)
select * from final;

-- One row per event: first and last publication of its copies, languages, outlets, stories, and
-- the headline in each language (the earliest copy's in that language).
create view events as
with copies as (
    select
        e.event_id,
        e.story_id,
        a.article_id,
        a.title,
        a.lang,
        coalesce(a.published_at, a.first_seen_at) as published_at,
        coalesce(f.name, af.feed_id, a.feed_id) as outlet
    from story_event_ids as e
    join articles as a on a.story_id = e.story_id
    left join article_feeds as af on af.article_id = a.article_id
    left join feeds as f on f.feed_id = coalesce(af.feed_id, a.feed_id)
),
headlines as (
    select event_id, lang, arg_min(title, (published_at, article_id)) as title
    from copies
    group by event_id, lang
),
headline_maps as (
    select event_id, map(list(lang order by lang), list(title order by lang)) as headlines
    from headlines
    group by event_id
),
final as (
    select
        c.event_id,
        min(c.published_at) as first_published,
        max(c.published_at) as last_published,
        list(distinct c.lang order by c.lang) as languages,
        list(distinct c.outlet order by c.outlet) as outlets,
        count(distinct c.story_id) as stories,
        count(distinct c.article_id) as articles,
        any_value(h.headlines) as headlines
    from copies as c
    join headline_maps as h on h.event_id = c.event_id
    group by c.event_id
)
select * from final;
