-- Articles edited by their outlet (stored id, new content_hash) get their new title, text and
-- language, keeping first_seen_at, feed_id, run_id and story_id; a feed that stops giving a
-- publication time keeps the stored one. Runs before insert_articles.sql, so it touches stored rows only.
-- url is the link as published; canonical_url and identity_key serve identity only.
update articles set
    url = b.url,
    guid = b.guid,
    title = b.title,
    text = b.text,
    author = b.author,
    published_at = coalesce(b.published_at, articles.published_at),
    updated_at = b.first_seen_at,
    lang = b.lang,
    lang_prob = b.lang_prob,
    content_hash = b.content_hash,
    canonical_url = b.canonical_url,
    identity_key = b.identity_key
from batch_articles as b
where articles.article_id = b.article_id
