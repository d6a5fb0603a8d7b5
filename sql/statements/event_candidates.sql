-- Stored stories whose event time lies in [$since, $until]: the event window of a run of the
-- batch's days. Two constant bounds on event_time let DuckDB skip row groups by their min/max.
select story_id, event_id, lang, event_time, entities, is_future
from event_stories
where event_time between $since and $until
order by event_time, story_id
