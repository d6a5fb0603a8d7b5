-- For rules with once_per_event: the story alerts already written for any story of this batch's
-- events (alert_batch_events, resolved as story_event_ids resolves them), with their status. A row
-- pending, being sent or sent means the event was alerted to that destination (not two messages
-- for one event, even while the first is still retrying); a dead-lettered one never reached it and
-- does not (rules.PriorAlerts). Members are the stories linked to the event or to an event merged
-- into it (at most 8 steps, as in the view), found without resolving every story as the view does.
--
-- Members are read for linked_at >= $since only (event_stories is appended in time order, so older
-- row groups are skipped): an event's id is its first story's story_id and every other story joins
-- it later, so once each event's first story is among the rows read (`complete`) no member is left
-- out; else the caller reads again with an earlier $since (outbox.read_prior_alerts). A row of
-- `complete` comes first, then the alerts.
with recursive merged_from(event_id, member_event_id, depth) as (
    select distinct event_id, event_id, 0 from alert_batch_events
    union all
    select d.event_id, m.event_id, d.depth + 1
    from merged_from as d
    join event_merges as m on m.into_event_id = d.member_event_id
    where d.depth < 8
),
read as (
    select story_id, event_id
    from event_stories
    where linked_at >= $since and event_id in (select member_event_id from merged_from)
),
members as (
    select distinct e.story_id, d.event_id
    from merged_from as d
    join read as e on e.event_id = d.member_event_id
),
complete as (
    select (select count(distinct member_event_id) from merged_from)
           = (select count(*) from read where story_id = event_id) as complete
),
final as (
    select c.complete, null::varchar as rule_id, null::varchar as channel, null::varchar as event_id,
           null::varchar as story_id, null::varchar as status, 0 as k
    from complete as c
    union all
    select null, o.rule_id, o.channel, m.event_id, o.subject_id, o.status, 1
    from alert_outbox as o
    join members as m on m.story_id = o.subject_id
    where o.kind = 'story'
)
select complete, rule_id, channel, event_id, story_id, status from final order by k
