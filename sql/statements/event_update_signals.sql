-- A linked story's signals once its page was read (event_batch_signals): its ids with those of the
-- page's lede, so later stories are compared with them. Its event_id never changes.
update event_stories as e
set entities = b.entities, is_future = b.is_future
from event_batch_signals as b
where e.story_id = b.story_id
