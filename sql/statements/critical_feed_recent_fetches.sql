-- The latest fetches of the given (critical) feeds, newest first, with whether each brought a
-- usable feed: no error, and items (or a 304: unchanged since a fetch that had them).
with ranked as (
    select
        e.feed_id,
        e.error_class is null and (e.entries > 0 or e.http_status = 304) as is_good,
        row_number() over (partition by e.feed_id order by e.fetched_at desc) as recency
    from fetch_events as e
    join critical_batch_ids as c on c.feed_id = e.feed_id
),
final as (
    select feed_id, is_good, recency
    from ranked
    where recency <= $runs
)
select * from final
