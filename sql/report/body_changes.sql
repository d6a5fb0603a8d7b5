-- Articles whose page body changed their topic match, for pages read since $since
-- (v_article_texts.body_change): 'downgraded' (the feed text matched, the body does not: the
-- article no longer counts as a match, and an alert already sent for its story stays sent) and
-- 'upgraded' (only the body matches). The newest $limit of each kind, each row with its kind's
-- total, and whether a story alert was sent for its story. Reads the full articles table: a
-- downgraded article is in no matching story, so the report's working set does not hold it.
with changes as (
    select article_id, body_change, fetched_at, title, url, lang
    from v_article_texts
    where fetched_at >= $since
        and body_change in ('downgraded', 'upgraded')
),

ranked as (
    select
        c.*,
        coalesce(a.story_id, a.article_id) as story_id,
        a.feed_id,
        a.first_seen_at,
        count(*) over (partition by c.body_change) as total,
        row_number() over (partition by c.body_change order by c.fetched_at desc, c.article_id) as position
    from changes as c
    join articles as a on a.article_id = c.article_id
),

shown as (
    select *
    from ranked
    where position <= $limit
),

alerted as (
    select distinct o.subject_id as story_id
    from alert_outbox as o
    semi join shown as s on s.story_id = o.subject_id
    where o.kind = 'story' and o.status = 'sent'
),

final as (
    select
        s.body_change,
        s.total,
        s.article_id,
        s.story_id,
        s.title,
        s.url,
        s.lang,
        coalesce(f.name, s.feed_id) as outlet,
        s.first_seen_at,
        s.fetched_at,
        al.story_id is not null as alerted
    from shown as s
    left join feeds as f on f.feed_id = s.feed_id
    left join alerted as al on al.story_id = s.story_id
)

select * from final
order by body_change, fetched_at desc, article_id
