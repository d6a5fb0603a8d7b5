-- Articles whose page may add to them (newsmon/fulltext/candidates.py), newest first: topic matches
-- and near-candidates (an article_topics row with a side named: side:*, proxy:*, both_sides; a feed
-- declared for a side stands in only when the item names something), and every article carried by a
-- feed in fulltext_feeds (per-feed fulltext=true). Only articles first seen since $since, with a
-- link, and either never tried, or tried with a transient failure now due again, or fetched before
-- the outlet edited the article (fetched again with its validators: conditional GET).
--
-- Every read is bounded by $since, so the cost follows the window, not the stored history: rows
-- are appended in time order, and a time bound lets DuckDB skip the older row groups by their
-- min/max. An article's rows in the other tables are never older than its first sighting: its
-- topics are written when it is stored or re-tagged (tagged_at >= first_seen_at), a feed carries
-- it at the earliest when it was first seen, and its page is tried after it was stored
-- (fetched_at >= first_seen_at). So bounding them by $since too leaves out no row of an article
-- in the window.
with recent as (
    select article_id, url, feed_id, title, text, lang, published_at, first_seen_at, updated_at
    from articles
    where first_seen_at >= $since
      and url is not null
),
topical as (
    select article_id, bool_or(is_match) as is_match
    from article_topics
    where tagged_at >= $since
      and (is_match
           or len(list_filter(json_extract_string(evidence, '$[*].role'),
                              lambda r: r like 'side:%' or r like 'proxy:%' or r = 'both_sides')) > 0)
    group by article_id
),
asked as (
    select af.article_id, min(af.feed_id) as feed_id
    from article_feeds as af
    join fulltext_feeds as ff on ff.feed_id = af.feed_id
    where af.first_seen_at >= $since
    group by af.article_id
),
tried as (
    select article_id, status, fetched_at, next_attempt_at, etag, last_modified, attempts
    from article_texts
    where fetched_at >= $since
),
wanted as (
    select
        a.article_id,
        a.url,
        coalesce(asked.feed_id, a.feed_id) as request_feed_id,
        a.title,
        a.text,
        a.lang,
        f.side,
        coalesce(a.published_at, a.first_seen_at) as newest,
        a.updated_at,
        coalesce(t.is_match, false) as is_match
    from recent as a
    left join topical as t on t.article_id = a.article_id
    left join asked on asked.article_id = a.article_id
    left join feeds as f on f.feed_id = a.feed_id
    where t.article_id is not null or asked.article_id is not null
),
final as (
    select
        w.*,
        x.etag,
        x.last_modified,
        coalesce(x.attempts, 0) as attempts
    from wanted as w
    left join tried as x on x.article_id = w.article_id
    where x.article_id is null
       or (x.next_attempt_at is not null and x.next_attempt_at <= $now)
       or (x.status = 'ok' and w.updated_at > x.fetched_at)
)
select * from final
order by newest desc, article_id
limit $limit
