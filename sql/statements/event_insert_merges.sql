-- Two events found to be one (event_batch_merges): the younger points to the older; ids never change.
insert into event_merges (event_id, into_event_id, merged_at)
select event_id, into_event_id, $merged_at
from event_batch_merges
