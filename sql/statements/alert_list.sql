-- Alerts for `newsmon alerts`: the newest first, optionally only one status.
with source as (
    select o.*, payload->>'title' as title
    from alert_outbox as o
    where $status is null or o.status = $status
),
final as (
    select created_at, status, rule_id, destination, attempts, subject_id, title, last_error, alert_id
    from source
)
select * from final
order by created_at desc, alert_id
limit $limit
