insert into story_events (story_id, event_id, linked_at)
select story_id, event_id, $linked_at
from story_batch_events
