-- Matching Russia–DPRK stories per day and outlet (every feed that carried a copy counts).
-- Parameters: none.
-- day is the UTC date of the story's first publication (published_at, else first_seen_at).
with matches as (
    select article_id
    from article_topics
    where topic = 'russia_dprk' and is_match
),

matching_articles as (
    select
        coalesce(a.story_id, a.article_id) as story_id,
        a.article_id,
        a.feed_id,
        coalesce(a.published_at, a.first_seen_at) as published_at
    from articles as a
    join matches as m on m.article_id = a.article_id
),

story_days as (
    select story_id, cast(timezone('UTC', min(published_at)) as date) as day
    from matching_articles
    group by story_id
),

carriers as (
    select m.story_id, m.article_id, coalesce(af.feed_id, m.feed_id) as feed_id
    from matching_articles as m
    left join article_feeds as af on af.article_id = m.article_id
),

final as (
    select
        d.day,
        c.feed_id,
        coalesce(f.name, c.feed_id) as outlet,
        count(distinct c.story_id) as stories,
        count(distinct c.article_id) as articles
    from carriers as c
    join story_days as d on d.story_id = c.story_id
    left join feeds as f on f.feed_id = c.feed_id
    group by d.day, c.feed_id, outlet
    order by d.day, stories desc, outlet
)

select * from final
