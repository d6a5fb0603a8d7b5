-- Recorded merges from or into the given events (event_batch_ids). event_merges stays small: a merge
-- is recorded only when a story's page shows that two events are one.
select m.event_id, m.into_event_id
from event_merges as m
where m.event_id in (select event_id from event_batch_ids)
   or m.into_event_id in (select event_id from event_batch_ids)
order by m.merged_at, m.event_id
