-- Health of every feed: last success, failures in a row, last error, fetches and errors over 7 days, articles and matches.
-- Parameters: none.
-- The 7-day window ends now (UTC). failing_since is the first failed attempt after the last
-- success, when the feed is currently failing. Worst first.
with recent_fetches as (
    select
        feed_id,
        count(*) as fetches_7d,
        count(*) filter (where error_class is not null) as errors_7d,
        count(*) filter (where http_status = 304) as not_modified_7d,
        sum(bytes) as bytes_7d
    from fetch_events
    where fetched_at >= now() - interval 7 day
    group by feed_id
),

failing_since as (
    select e.feed_id, min(e.fetched_at) as failing_since
    from fetch_events as e
    join feed_state as s on s.feed_id = e.feed_id
    where s.consecutive_failures > 0
        and e.error_class is not null
        and e.fetched_at > coalesce(s.last_success_at, timestamptz '1970-01-01 00:00:00+00')
    group by e.feed_id
),

articles_per_feed as (
    select
        af.feed_id,
        count(*) as articles,
        count(*) filter (where t.is_match) as matching_articles,
        max(af.first_seen_at) as last_new_article_at
    from article_feeds as af
    left join article_topics as t on t.article_id = af.article_id and t.topic = 'russia_dprk'
    group by af.feed_id
),

final as (
    select
        s.feed_id,
        s.name,
        s.active,
        s.last_success_at,
        s.consecutive_failures,
        f.failing_since,
        s.last_error_class,
        s.last_error_message,
        s.next_due_at,
        coalesce(r.fetches_7d, 0) as fetches_7d,
        coalesce(r.errors_7d, 0) as errors_7d,
        coalesce(r.not_modified_7d, 0) as not_modified_7d,
        coalesce(r.bytes_7d, 0) as bytes_7d,
        s.items_per_day,
        coalesce(a.articles, 0) as articles,
        coalesce(a.matching_articles, 0) as matching_articles,
        a.last_new_article_at
    from feed_status as s
    left join recent_fetches as r on r.feed_id = s.feed_id
    left join failing_since as f on f.feed_id = s.feed_id
    left join articles_per_feed as a on a.feed_id = s.feed_id
    order by s.active desc, s.consecutive_failures desc, coalesce(r.errors_7d, 0) desc, s.feed_id
)

select * from final
