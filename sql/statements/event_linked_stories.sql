-- Batch stories that already have an event (a story is linked once, when it first matches).
select distinct e.story_id
from event_batch_stories as b
join event_stories as e on e.story_id = b.story_id
