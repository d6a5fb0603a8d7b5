-- Index rows for the batch's articles. A bucket keeps only its first $bucket_members members inside
-- the window: those already stored, then the batch's in assignment order (`position`), as
-- story_index.assign_stories keeps them in memory. Reading a bucket therefore never returns more
-- than that many rows, however many templated look-alikes fall into it.
insert into story_bands (band, bucket, article_id, story_id, seen_at)
with batch_buckets as (
    select distinct band, bucket from story_batch_bands
),
stored as (
    select s.band, s.bucket, count(*) as members
    from story_bands as s
    join batch_buckets as b on b.band = s.band and b.bucket = s.bucket
    where s.seen_at >= $since
    group by s.band, s.bucket
),
ranked as (
    select band, bucket, article_id,
           row_number() over (partition by band, bucket order by position) as rank
    from story_batch_bands
)
select r.band, r.bucket, r.article_id, a.story_id, a.seen_at
from ranked as r
join story_batch_assigned as a on a.article_id = r.article_id
left join stored as s on s.band = r.band and s.bucket = r.bucket
where r.rank + coalesce(s.members, 0) <= $bucket_members
