-- Event time of the given stories (event_batch_stories): an event's first story gives its age.
select story_id, event_time
from event_stories
where story_id in (select story_id from event_batch_stories)
