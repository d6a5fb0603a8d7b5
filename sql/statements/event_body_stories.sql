-- Articles whose page was read and matches (event_body_batch), with their story, headline, feed text
-- and times, and the event row of their story if it has one (a story is linked once).
with batch as (
    select distinct article_id from event_body_batch
),
read as (
    select a.article_id, a.story_id, a.title, a.text, a.lang, a.published_at, a.first_seen_at
    from batch as b
    join articles as a on a.article_id = b.article_id
    where a.story_id is not null
),
final as (
    select
        r.article_id, r.story_id, r.title, r.text, r.lang, r.published_at, r.first_seen_at,
        e.event_id, e.event_time, e.entities, e.is_future
    from read as r
    left join event_stories as e on e.story_id = r.story_id
)
select * from final
order by article_id
