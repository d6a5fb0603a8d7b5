-- Replace the feed registry with the rows of batch_feeds (registered by store.py).
insert into feeds (feed_id, name, url, language, country, active, side, updated_at)
select feed_id, name, url, language, country, active, side, $now
from batch_feeds
on conflict (feed_id) do update set
    name = excluded.name,
    url = excluded.url,
    language = excluded.language,
    country = excluded.country,
    active = excluded.active,
    side = excluded.side,
    updated_at = excluded.updated_at
