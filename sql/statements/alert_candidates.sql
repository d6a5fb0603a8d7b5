-- Matching articles among this run's new and edited ones (alert_batch_ids), with their story,
-- the publication time as the feed gave it (null when it gave none), a text snippet, and the
-- story's outlets and languages.
with batch as (
    select distinct article_id from alert_batch_ids
),
matched as (
    select
        a.story_id,
        a.article_id,
        t.topic,
        t.score,
        a.lang,
        t.subtopics,
        a.title,
        a.url,
        a.first_seen_at,
        coalesce(a.published_at, a.first_seen_at) as published_at,
        t.evidence,
        a.published_at as feed_published_at,
        left(a.text, 600) as snippet
    from batch as b
    join articles as a on a.article_id = b.article_id
    join article_topics as t on t.article_id = a.article_id
    where t.is_match and a.story_id is not null
),
outlets as (
    select
        a.story_id,
        list(distinct coalesce(f.name, af.feed_id) order by coalesce(f.name, af.feed_id)) as outlets,
        list(distinct a.lang order by a.lang) as langs
    from articles as a
    join article_feeds as af on af.article_id = a.article_id
    left join feeds as f on f.feed_id = af.feed_id
    where a.story_id in (select story_id from matched)
    group by a.story_id
),
final as (
    select
        m.story_id, m.article_id, m.topic, m.score, m.lang, m.subtopics, m.title, m.url, m.first_seen_at,
        m.published_at, m.evidence, coalesce(o.outlets, []) as outlets, m.feed_published_at, m.snippet,
        coalesce(o.langs, []) as langs
    from matched as m
    left join outlets as o on o.story_id = m.story_id
)
select * from final
