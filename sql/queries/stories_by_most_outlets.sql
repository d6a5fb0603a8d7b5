-- Matching Russia–DPRK stories published since $since, most widely carried first.
-- Parameters: $since, a UTC date or timestamp (2026-11-01, 2026-11-01T06:00:00Z) compared with the
-- story's first publication (published_at, else first_seen_at).
-- outlet_count counts every feed that carried any copy (wire copies, syndication, reposts).
with bounds as (
    -- An offset in $since is honoured; without one it is UTC (a plain cast would use the session's zone).
    select case
        when regexp_matches($since, ':[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then cast($since as timestamptz)
        else timezone('UTC', cast($since as timestamp))
    end as since
),

matches as (
    select article_id
    from article_topics
    where topic = 'russia_dprk' and is_match
),

matching_articles as (
    select
        coalesce(a.story_id, a.article_id) as story_id,
        a.article_id,
        a.title,
        a.lang,
        a.url,
        coalesce(a.published_at, a.first_seen_at) as published_at,
        a.first_seen_at
    from articles as a
    join matches as m on m.article_id = a.article_id
),

recent_stories as (
    select
        story_id,
        min(published_at) as published_at,
        arg_min({'title': title, 'lang': lang, 'url': url}, (first_seen_at, published_at, article_id)) as first_copy
    from matching_articles
    group by story_id
    having min(published_at) >= (select since from bounds)
),

copies as (
    select
        coalesce(a.story_id, a.article_id) as story_id,
        list(distinct coalesce(f.name, af.feed_id, a.feed_id) order by coalesce(f.name, af.feed_id, a.feed_id)) as outlets,
        list(distinct a.lang order by a.lang) as languages,
        count(distinct a.article_id) as article_count
    from articles as a
    join recent_stories as r on r.story_id = coalesce(a.story_id, a.article_id)
    left join article_feeds as af on af.article_id = a.article_id
    left join feeds as f on f.feed_id = coalesce(af.feed_id, a.feed_id)
    group by 1
),

final as (
    select
        r.story_id,
        r.published_at,
        len(c.outlets) as outlet_count,
        r.first_copy.title as title,
        r.first_copy.lang as lang,
        r.first_copy.url as url,
        c.outlets,
        c.languages,
        c.article_count
    from recent_stories as r
    join copies as c on c.story_id = r.story_id
    order by outlet_count desc, c.article_count desc, r.published_at desc, r.story_id
)

select * from final
