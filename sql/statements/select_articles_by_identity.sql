-- Stored articles that candidates not found by article_id may be (batch_keys registered by
-- store.py): the same identity key, or, for rows stored before keys existed (migration 005), the
-- same feed and raw content hash; first seen since $since. articles.match_stored decides.
with by_key as (
    select k.candidate_id, a.article_id, a.content_hash, a.url, a.canonical_url, a.published_at, a.first_seen_at
    from batch_keys as k
    join articles as a on a.identity_key = k.identity_key
    where a.first_seen_at >= $since
),

by_raw_hash as (
    select k.candidate_id, a.article_id, a.content_hash, a.url, a.canonical_url, a.published_at, a.first_seen_at
    from batch_keys as k
    join articles as a on a.feed_id = k.feed_id and a.content_hash = k.raw_hash
    where a.identity_key is null and a.first_seen_at >= $since
),

final as (
    select * from by_key
    union
    select * from by_raw_hash
)

select * from final
