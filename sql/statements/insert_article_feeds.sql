-- The feeds that carried the batch's articles, each (article, feed) once: pairs already stored
-- are skipped (article_feeds has no key since migration 008; this anti-join is the check).
insert into article_feeds (article_id, feed_id, first_seen_at)
select distinct on (b.article_id, b.feed_id) b.article_id, b.feed_id, b.first_seen_at
from batch_article_feeds as b
where not exists (
    select 1 from article_feeds as af where af.article_id = b.article_id and af.feed_id = b.feed_id
)
