insert into story_bands (band, bucket, article_id, story_id, seen_at)
select b.band, b.bucket, b.article_id, a.story_id, a.seen_at
from story_batch_bands as b
join story_batch_assigned as a on a.article_id = b.article_id
