-- Story alerts this run (created_at = the run's start) has written so far, per destination, and
-- whether an earlier run ever wrote one: the inputs of the first-run and flood summaries.
with this_run as (
    select channel, count(*) as alerts
    from alert_outbox
    where kind = 'story' and created_at = $now
    group by channel
),
earlier as (
    select count(*) as alerts from alert_outbox where created_at < $now
),
final as (
    select t.channel, t.alerts, e.alerts = 0 and not exists (select 1 from runs where started_at < $now) as first_run
    from this_run as t, earlier as e
)
select * from final
