-- Events covered in two or more languages since $since: stories of one event (story_event_ids, issue #19)
-- with a Russia–DPRK match.
-- Parameters: $since, a UTC date or timestamp (2026-11-01, 2026-11-01T06:00:00Z) compared with the
-- event's first publication (published_at, else first_seen_at).
-- An event is the stories sharing an event_id (a story never linked is its own event, so one
-- story whose copies are in two languages also counts). titles: one "lang: title" per language,
-- from the earliest copy in that language.
with bounds as (
    -- An offset in $since is honoured; without one it is UTC (a plain cast would use the session's zone).
    select case
        when regexp_matches($since, ':[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then cast($since as timestamptz)
        else timezone('UTC', cast($since as timestamp))
    end as since
),

matches as (
    select distinct article_id
    from article_topics
    where topic = 'russia_dprk' and is_match
),

links as (
    select story_id, event_id
    from story_event_ids
),

all_copies as (
    select
        coalesce(l.event_id, coalesce(a.story_id, a.article_id)) as event_id,
        coalesce(a.story_id, a.article_id) as story_id,
        a.article_id,
        a.title,
        a.lang,
        a.feed_id,
        coalesce(a.published_at, a.first_seen_at) as published_at
    from articles as a
    left join links as l on l.story_id = coalesce(a.story_id, a.article_id)
),

-- Only events with a copy in the window can qualify; the joins below then touch only those.
recent_events as (
    select distinct event_id
    from all_copies
    where published_at >= (select since from bounds)
),

copies as (
    select
        c.event_id,
        c.story_id,
        c.article_id,
        c.title,
        c.lang,
        c.published_at,
        coalesce(f.name, af.feed_id, c.feed_id) as outlet,
        m.article_id is not null as is_match
    from all_copies as c
    join recent_events as r on r.event_id = c.event_id
    left join matches as m on m.article_id = c.article_id
    left join article_feeds as af on af.article_id = c.article_id
    left join feeds as f on f.feed_id = coalesce(af.feed_id, c.feed_id)
),

events as (
    select
        event_id,
        min(published_at) as published_at,
        list(distinct lang order by lang) as languages,
        count(distinct story_id) as stories,
        count(distinct article_id) as articles,
        list(distinct outlet order by outlet) as outlets
    from copies
    group by event_id
    having bool_or(is_match)
        and count(distinct lang) filter (where lang <> 'und') >= 2
        and min(published_at) >= (select since from bounds)
),

first_titles as (
    select c.event_id, c.lang, arg_min(c.title, (c.published_at, c.article_id)) as title
    from copies as c
    join events as e on e.event_id = c.event_id
    group by c.event_id, c.lang
),

final as (
    select
        e.event_id,
        e.published_at,
        len(e.languages) as language_count,
        e.languages,
        e.stories,
        e.articles,
        e.outlets,
        list(t.lang || ': ' || t.title order by t.lang) as titles
    from events as e
    join first_titles as t on t.event_id = e.event_id
    group by all
    order by language_count desc, e.articles desc, e.published_at desc, e.event_id
)

select * from final
