insert into event_stories (story_id, event_id, article_id, lang, event_time, entities, is_future, score, linked_at)
select story_id, event_id, article_id, lang, event_time, entities, is_future, score, $linked_at
from event_batch_links
