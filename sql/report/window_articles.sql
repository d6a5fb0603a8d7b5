-- The report's working set, created as temp table `articles` so that the unchanged named queries
-- read it in place of the full table: every copy of every story with a matching copy published
-- since $published_since or first stored since $seen_since, plus the stories linked to those in
-- one event (story_event_ids). A story, daily count or event of the report window only ever involves these, and
-- the set is closed (all copies of each story), so the queries give the same rows as on the full
-- table. The time filters read two timestamp columns; only the few rows passing them are joined.
-- Every column is copied, text cut to its first 600 characters: the report quotes no more of it
-- (the teaser of report/story_snippets.sql), and whole feed texts would multiply the set's size.
create temp table articles as
with matches as (
    select article_id
    from article_topics
    where is_match
),

recent as (
    select coalesce(a.story_id, a.article_id) as story_id
    from articles as a
    semi join matches as m on m.article_id = a.article_id
    where a.first_seen_at >= $seen_since
        or coalesce(a.published_at, a.first_seen_at) >= $published_since
),

links as (
    select story_id, event_id
    from story_event_ids
),

-- A story never linked is its own event (as in cross_language_events).
recent_events as (
    select distinct coalesce(l.event_id, r.story_id) as event_id
    from recent as r
    left join links as l on l.story_id = r.story_id
),

stories as (
    select story_id from recent
    union
    select l.story_id
    from links as l
    semi join recent_events as e on e.event_id = l.event_id
),

final as (
    select
        a.article_id, a.url, a.guid, a.title, a.author, a.published_at, a.first_seen_at, a.updated_at,
        a.feed_id, a.lang, a.lang_prob, a.content_hash, a.run_id, a.story_id,
        left(a.text, 600) as text
    from articles as a
    semi join stories as s on s.story_id = coalesce(a.story_id, a.article_id)
)

select * from final
