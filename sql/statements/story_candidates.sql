-- Earlier articles sharing an LSH bucket or a title key with a batch article, each once with its
-- signature and the positions of the batch articles it is a candidate for (a signature is 512
-- bytes: repeating it per pair made this result, and the run's memory, grow with crowded buckets).
-- Only index rows inside the window are read; the index keeps at most BUCKET_MEMBERS articles per
-- bucket and title key (see story_insert_bands.sql), so cost follows the batch, not the database.
-- Ordered by age: among candidates that score alike, story assignment takes the first.
with band_hits as (
    select b.position, s.article_id
    from story_batch_bands as b
    join story_bands as s on s.band = b.band and s.bucket = b.bucket
    where s.seen_at >= $since
      and s.article_id <> b.article_id  -- never its own candidate
),
key_hits as (
    select b.position, k.article_id
    from story_batch_items as b
    join story_title_keys as k on k.title_key = b.title_key
    where k.seen_at >= $title_since
      and k.article_id <> b.article_id
),
hits as (
    select article_id, list(distinct position) as positions
    from (select * from band_hits union all select * from key_hits)
    group by article_id
),
final as (
    select a.article_id, a.story_id, a.title_key, a.shingle_count, a.signature, h.positions, a.seen_at
    from hits as h
    join story_articles as a on a.article_id = h.article_id
    where a.seen_at >= least($since, $title_since)
)
select article_id, story_id, title_key, shingle_count, signature, positions from final
order by seen_at, article_id
