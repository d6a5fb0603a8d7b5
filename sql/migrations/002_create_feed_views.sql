-- Views for analysts and operators over the core tables.

-- Health of every feed: last success, consecutive failures, last error, next due, items per day.
create view feed_status as
with recent as (
    select feed_id, sum(new_articles) as new_articles_7d
    from fetch_events
    where fetched_at >= now() - interval 7 day
    group by feed_id
),
final as (
    select
        f.feed_id,
        f.name,
        f.url,
        f.active,
        s.last_success_at,
        s.last_attempt_at,
        coalesce(s.consecutive_failures, 0) as consecutive_failures,
        s.last_error_class,
        s.last_error_message,
        s.next_due_at,
        round(coalesce(r.new_articles_7d, 0) / 7.0, 2) as items_per_day
    from feeds as f
    left join feed_state as s on f.feed_id = s.feed_id
    left join recent as r on f.feed_id = r.feed_id
)
select * from final;

-- Every article tagged as matching a topic, with its feed: the usual starting point.
create view v_matches as
select
    t.topic,
    t.score,
    t.subtopics,
    t.evidence,
    a.article_id,
    a.title,
    a.lang,
    a.url,
    coalesce(a.published_at, a.first_seen_at) as published_at,
    a.first_seen_at,
    f.name as feed_name,
    a.feed_id
from article_topics as t
join articles as a on a.article_id = t.article_id
left join feeds as f on f.feed_id = a.feed_id
where t.is_match;
