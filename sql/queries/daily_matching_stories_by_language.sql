-- Matching Russia–DPRK stories per day and language.
-- Parameters: none.
-- day is the UTC date of the story's first publication (published_at, else first_seen_at). A story
-- with matching copies in two languages counts once in each; `stories` per day sums to more than
-- the day's distinct stories only then. Change the topic in `matches` to chart another topic.
with matches as (
    select article_id
    from article_topics
    where topic = 'russia_dprk' and is_match
),

matching_articles as (
    select
        coalesce(a.story_id, a.article_id) as story_id,
        a.article_id,
        a.lang,
        coalesce(a.published_at, a.first_seen_at) as published_at
    from articles as a
    join matches as m on m.article_id = a.article_id
),

story_days as (
    select story_id, cast(timezone('UTC', min(published_at)) as date) as day
    from matching_articles
    group by story_id
),

final as (
    select
        d.day,
        m.lang,
        count(distinct m.story_id) as stories,
        count(*) as articles
    from matching_articles as m
    join story_days as d on d.story_id = m.story_id
    group by d.day, m.lang
    order by d.day, stories desc, m.lang
)

select * from final
