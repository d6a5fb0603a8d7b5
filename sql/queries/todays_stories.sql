-- Today's matching Russia–DPRK stories (UTC) with every outlet that carried them, most outlets first.
-- Parameters: none.
-- "Today" is the current UTC date; a story is today's when any copy of it was first seen today,
-- so an older story picked up by a new outlet today is listed again, with its earlier outlets.
with matches as (
    select distinct article_id
    from article_topics
    where topic = 'russia_dprk' and is_match
),

copies as (
    select
        coalesce(a.story_id, a.article_id) as story_id,
        a.article_id,
        a.title,
        a.lang,
        a.url,
        coalesce(a.published_at, a.first_seen_at) as published_at,
        a.first_seen_at,
        coalesce(f.name, af.feed_id, a.feed_id) as outlet,
        m.article_id is not null as is_match
    from articles as a
    left join matches as m on m.article_id = a.article_id
    left join article_feeds as af on af.article_id = a.article_id
    left join feeds as f on f.feed_id = coalesce(af.feed_id, a.feed_id)
),

todays as (
    select story_id
    from copies
    group by story_id
    having bool_or(is_match)
        and max(cast(timezone('UTC', first_seen_at) as date)) = cast(timezone('UTC', now()) as date)
),

story_rows as (
    select
        c.story_id,
        min(c.published_at) as published_at,
        arg_min({'title': c.title, 'lang': c.lang, 'url': c.url}, (not c.is_match, c.first_seen_at, c.article_id)) as first_copy,
        count(distinct c.outlet) as outlet_count,
        list(distinct c.outlet order by c.outlet) as outlets,
        list(distinct c.lang order by c.lang) as languages,
        count(distinct c.article_id) as article_count
    from copies as c
    join todays as t on t.story_id = c.story_id
    group by c.story_id
),

final as (
    select
        story_id,
        published_at,
        first_copy.title as title,
        first_copy.lang as lang,
        first_copy.url as url,
        outlet_count,
        outlets,
        languages,
        article_count
    from story_rows
    order by outlet_count desc, article_count desc, published_at desc, story_id
)

select * from final
