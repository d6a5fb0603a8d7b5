-- Articles whose page may add to them (newsmon/fulltext/candidates.py), newest first: topic matches
-- and near-candidates (an article_topics row with a side named: side:*, proxy:*, both_sides; a feed
-- declared for a side stands in only when the item names something), and every article carried by a
-- feed in fulltext_feeds (per-feed fulltext=true). Only articles first seen since $since, with a
-- link, and either never tried, or tried with a transient failure now due again, or fetched before
-- the outlet edited the article (fetched again with its validators: conditional GET).
with topical as (
    select article_id, bool_or(is_match) as is_match
    from article_topics
    where is_match
       or len(list_filter(json_extract_string(evidence, '$[*].role'),
                          lambda r: r like 'side:%' or r like 'proxy:%' or r = 'both_sides')) > 0
    group by article_id
),
asked as (
    select af.article_id, min(af.feed_id) as feed_id
    from article_feeds as af
    join fulltext_feeds as ff on ff.feed_id = af.feed_id
    group by af.article_id
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
    from articles as a
    left join topical as t on t.article_id = a.article_id
    left join asked on asked.article_id = a.article_id
    left join feeds as f on f.feed_id = a.feed_id
    where (t.article_id is not null or asked.article_id is not null)
      and a.url is not null
      and a.first_seen_at >= $since
),
final as (
    select
        w.*,
        x.etag,
        x.last_modified,
        coalesce(x.attempts, 0) as attempts
    from wanted as w
    left join article_texts as x on x.article_id = w.article_id
    where x.article_id is null
       or (x.next_attempt_at is not null and x.next_attempt_at <= $now)
       or (x.status = 'ok' and w.updated_at > x.fetched_at)
)
select * from final
order by newest desc, article_id
limit $limit
