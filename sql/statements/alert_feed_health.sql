-- Active feeds with their consecutive failures and the last time they brought a new article
-- (or, if never, their first fetch): the inputs of the failing and silent feed conditions.
with last_new as (
    select feed_id, max(first_seen_at) as last_new_at
    from article_feeds
    group by feed_id
),
first_fetch as (
    select feed_id, min(fetched_at) as first_fetch_at
    from fetch_events
    group by feed_id
),
final as (
    select
        f.feed_id,
        coalesce(s.consecutive_failures, 0) as consecutive_failures,
        s.last_error_class,
        coalesce(n.last_new_at, ff.first_fetch_at) as last_new_at
    from feeds as f
    left join feed_state as s on s.feed_id = f.feed_id
    left join last_new as n on n.feed_id = f.feed_id
    left join first_fetch as ff on ff.feed_id = f.feed_id
    where f.active
)
select * from final
