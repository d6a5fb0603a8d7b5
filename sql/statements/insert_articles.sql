-- New articles: those of the batch whose article_id is not stored (articles has no key since
-- migration 008; this anti-join is the check, one scan of the id column). One row per id.
insert into articles (article_id, url, guid, title, text, author, published_at, first_seen_at,
                      updated_at, feed_id, lang, lang_prob, content_hash, run_id, canonical_url, identity_key)
select distinct on (b.article_id)
       b.article_id, b.url, b.guid, b.title, b.text, b.author, b.published_at, b.first_seen_at,
       b.first_seen_at, b.feed_id, b.lang, b.lang_prob, b.content_hash, $run_id, b.canonical_url, b.identity_key
from batch_articles as b
where not exists (select 1 from articles as a where a.article_id = b.article_id)
