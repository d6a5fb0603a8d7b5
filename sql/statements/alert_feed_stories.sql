-- The newest stories that alerted (any rule), for the Atom feed: one row per story.
with story_alerts as (
    select subject_id as story_id, min(created_at) as alerted_at, arg_min(payload, created_at) as payload
    from alert_outbox
    where kind = 'story'
    group by subject_id
),
final as (
    select story_id, alerted_at, payload
    from story_alerts
)
select * from final
order by alerted_at desc, story_id
limit $limit
