-- Pairs of one batch (positions in assignment order): each article and the earlier articles of the
-- batch that share an LSH bucket or a title key with it, among the first $bucket_members members
-- of that bucket or key. This is the rule the stored index follows (story_insert_bands.sql), so a
-- batch is compared with itself as it would be with earlier runs.
with band_members as (
    select band, bucket, position
    from story_batch_bands
    qualify row_number() over (partition by band, bucket order by position) <= $bucket_members
),
key_members as (
    select title_key, position
    from story_batch_items
    where title_key is not null
    qualify row_number() over (partition by title_key order by position) <= $bucket_members
),
pairs as (
    select b.position as new_position, m.position as old_position
    from story_batch_bands as b
    join band_members as m on m.band = b.band and m.bucket = b.bucket and m.position < b.position
    union
    select i.position, m.position
    from story_batch_items as i
    join key_members as m on m.title_key = i.title_key and m.position < i.position
)
select new_position, old_position from pairs
