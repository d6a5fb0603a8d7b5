insert into story_entities (story_id, entity, lang, seen_at)
select distinct story_id, entity, lang, seen_at
from story_batch_entities
