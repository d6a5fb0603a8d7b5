-- For rules with once_per_event: the story alerts already written for any story of this batch's
-- events (alert_batch_events, resolved as story_event_ids resolves them), with their status. A row
-- pending, being sent or sent means the event was alerted to that destination (not two messages
-- for one event, even while the first is still retrying); a dead-lettered one never reached it and
-- does not (rules.PriorAlerts). Members are the stories linked to the event or to an event merged
-- into it (at most 8 steps, as in the view), found without resolving every story as the view does.
with recursive merged_from(event_id, member_event_id, depth) as (
    select distinct event_id, event_id, 0 from alert_batch_events
    union all
    select d.event_id, m.event_id, d.depth + 1
    from merged_from as d
    join event_merges as m on m.into_event_id = d.member_event_id
    where d.depth < 8
),
members as (
    select distinct e.story_id, d.event_id
    from merged_from as d
    join event_stories as e on e.event_id = d.member_event_id
),
final as (
    select o.rule_id, o.channel, m.event_id, o.subject_id as story_id, o.status
    from alert_outbox as o
    join members as m on m.story_id = o.subject_id
    where o.kind = 'story'
)
select * from final
