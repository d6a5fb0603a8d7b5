-- New articles are inserted; an article edited by its outlet (same id, new content_hash)
-- gets its new title, text and language, keeping first_seen_at, feed_id and run_id.
-- url is the link as published; canonical_url and identity_key serve identity only.
insert into articles (article_id, url, guid, title, text, author, published_at, first_seen_at,
                      updated_at, feed_id, lang, lang_prob, content_hash, run_id, canonical_url, identity_key)
select article_id, url, guid, title, text, author, published_at, first_seen_at,
       first_seen_at, feed_id, lang, lang_prob, content_hash, $run_id, canonical_url, identity_key
from batch_articles
on conflict (article_id) do update set
    url = excluded.url,
    guid = excluded.guid,
    title = excluded.title,
    text = excluded.text,
    author = excluded.author,
    published_at = coalesce(excluded.published_at, articles.published_at),
    updated_at = excluded.updated_at,
    lang = excluded.lang,
    lang_prob = excluded.lang_prob,
    content_hash = excluded.content_hash,
    canonical_url = excluded.canonical_url,
    identity_key = excluded.identity_key
