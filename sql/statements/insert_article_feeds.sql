insert into article_feeds (article_id, feed_id, first_seen_at)
select article_id, feed_id, first_seen_at
from batch_article_feeds
on conflict do nothing
