-- Earlier articles sharing an LSH bucket or a title key with a batch article, with their signatures.
-- Only index rows inside the window are read; the index keeps at most BUCKET_MEMBERS articles per
-- bucket and title key (see story_insert_bands.sql), so cost follows the batch, not the database.
with band_hits as (
    select distinct b.article_id as new_article_id, s.article_id
    from story_batch_bands as b
    join story_bands as s on s.band = b.band and s.bucket = b.bucket
    where s.seen_at >= $since
),
key_hits as (
    select distinct b.article_id as new_article_id, k.article_id
    from story_batch_items as b
    join story_title_keys as k on k.title_key = b.title_key
    where k.seen_at >= $title_since
),
hits as (
    select * from band_hits
    union
    select * from key_hits
),
final as (
    select h.new_article_id, a.article_id, a.story_id, a.title_key, a.shingle_count, a.signature
    from hits as h
    join story_articles as a on a.article_id = h.article_id
    where a.seen_at >= least($since, $title_since)
      and a.article_id <> h.new_article_id
)
select * from final
