-- Title keys of the batch's articles; like a band bucket, a title key keeps only its first
-- $bucket_members members inside the window (stored ones first, then the batch's in order).
insert into story_title_keys (title_key, article_id, story_id, seen_at)
with stored as (
    select k.title_key, count(*) as members
    from story_title_keys as k
    join (select distinct title_key from story_batch_assigned) as b on b.title_key = k.title_key
    where k.seen_at >= $title_since
    group by k.title_key
),
ranked as (
    select title_key, article_id, story_id, seen_at,
           row_number() over (partition by title_key order by position) as rank
    from story_batch_assigned
    where title_key is not null
)
select r.title_key, r.article_id, r.story_id, r.seen_at
from ranked as r
left join stored as s on s.title_key = r.title_key
where r.rank + coalesce(s.members, 0) <= $bucket_members
