-- Matching Russia–DPRK stories per ISO week and subtopic (military, diplomacy, economy...).
-- Parameters: none.
-- week is the Monday (UTC) of the story's first publication. A story counts once under each
-- subtopic any of its matching copies carries, so subtopics overlap; stories without a subtopic
-- are left out.
with matches as (
    select article_id, subtopics
    from article_topics
    where topic = 'russia_dprk' and is_match
),

matching_articles as (
    select
        coalesce(a.story_id, a.article_id) as story_id,
        coalesce(a.published_at, a.first_seen_at) as published_at,
        m.subtopics
    from articles as a
    join matches as m on m.article_id = a.article_id
),

story_weeks as (
    select
        story_id,
        cast(date_trunc('week', timezone('UTC', min(published_at))) as date) as week,
        list_distinct(flatten(list(subtopics))) as subtopics
    from matching_articles
    group by story_id
),

story_subtopics as (
    select week, story_id, unnest(subtopics) as subtopic
    from story_weeks
),

final as (
    select week, subtopic, count(distinct story_id) as stories
    from story_subtopics
    group by week, subtopic
    order by week, stories desc, subtopic
)

select * from final
