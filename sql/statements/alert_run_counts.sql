-- Story alerts this run (created_at = the run's start) has written so far, per destination, and
-- whether an earlier run ever wrote one: the inputs of the first-run and flood summaries. Whether
-- an earlier row exists is asked, not counted: the first one answers it (no scan of the outbox's
-- whole history on every chunk).
with this_run as (
    select channel, count(*) as alerts
    from alert_outbox
    where kind = 'story' and created_at = $now
    group by channel
),
final as (
    select t.channel, t.alerts,
           not exists (select 1 from alert_outbox where created_at < $now)
           and not exists (select 1 from runs where started_at < $now) as first_run
    from this_run as t
)
select * from final
