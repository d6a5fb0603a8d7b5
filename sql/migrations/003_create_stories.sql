-- Story clustering: copies of one report (wire copy, syndication, re-titled reposts) share a story_id,
-- the article_id of the story's first article. The story_* tables are the incremental index that new
-- articles are matched against; they are append-only, and seen_at (UTC, the article's first_seen_at)
-- grows with insertion order, so the time-window filters skip old row groups.

alter table articles add column story_id varchar;

-- One row per indexed version of an article (an edited article appends a row; story_id never changes).
create table story_articles (
    article_id     varchar not null,
    story_id       varchar not null,
    lang           varchar not null,
    seen_at        timestamptz not null,
    title_key      varchar,              -- normalised core of the title, null when too short to use
    shingle_count  integer not null,     -- distinct shingles of title + text (for containment)
    signature      uinteger[128] not null -- MinHash, 128 multiply-add-shift permutations
);

-- Layer (a): normalised title key, matched within 7 days.
create table story_title_keys (
    title_key   varchar not null,
    article_id  varchar not null,
    story_id    varchar not null,
    seen_at     timestamptz not null
);

-- Layer (b): LSH buckets of the MinHash signature (32 bands x 4 rows), matched within 7 days.
create table story_bands (
    band        utinyint not null,
    bucket      ubigint not null,
    article_id  varchar not null,
    story_id    varchar not null,
    seen_at     timestamptz not null
);

-- Cross-language event linking: normalised topic-evidence entities per story.
create table story_entities (
    story_id  varchar not null,
    entity    varchar not null,
    lang      varchar not null,
    seen_at   timestamptz not null
);

-- Stories in different languages about the same event; event_id is the earliest linked story_id.
create table story_events (
    story_id   varchar not null,
    event_id   varchar not null,
    linked_at  timestamptz not null
);

create view stories as
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
events as (
    select story_id, min(event_id) as event_id
    from story_events
    group by story_id
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
    left join events as e on e.story_id = m.story_id
    group by m.story_id
)
select * from final;
