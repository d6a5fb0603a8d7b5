-- For rules with once_per_event: the story alerts already written for any story of this batch's
-- events (alert_batch_events), with their status. A row pending, being sent or sent means the
-- event was alerted to that destination (not two messages for one event, even while the first
-- is still retrying); a dead-lettered one never reached it and does not (rules.PriorAlerts).
with events as (
    select distinct event_id from alert_batch_events
),
members as (
    select e.story_id, e.event_id
    from story_event_ids as e
    join events as b on b.event_id = e.event_id
),
final as (
    select o.rule_id, o.channel, m.event_id, o.subject_id as story_id, o.status
    from alert_outbox as o
    join members as m on m.story_id = o.subject_id
    where o.kind = 'story'
)
select * from final
