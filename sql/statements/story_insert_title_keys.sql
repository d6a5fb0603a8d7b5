insert into story_title_keys (title_key, article_id, story_id, seen_at)
select title_key, article_id, story_id, seen_at
from story_batch_assigned
where title_key is not null
