-- Matching Russia–DPRK stories first seen at or after $since, newest first, with their evidence.
-- Parameters: $since, a UTC date or timestamp (2026-11-01, 2026-11-01T06:00:00Z; an offset is honoured).
-- "First seen" is when newsmon first stored any copy, so a story published earlier but found
-- late is still new. title, lang and url are those of the story's first matching copy; outlets,
-- languages and article_count cover every copy. evidence_terms: up to 8 matched words, title first.
with bounds as (
    -- An offset in $since is honoured; without one it is UTC (a plain cast would use the session's zone).
    select case
        when regexp_matches($since, ':[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then cast($since as timestamptz)
        else timezone('UTC', cast($since as timestamp))
    end as since
),

matches as (
    select article_id, score, subtopics, evidence
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
        a.first_seen_at,
        m.score,
        m.subtopics,
        m.evidence
    from articles as a
    join matches as m on m.article_id = a.article_id
),

new_stories as (
    select
        story_id,
        min(first_seen_at) as first_seen,
        min(published_at) as published_at,
        arg_min({'title': title, 'lang': lang, 'url': url}, (first_seen_at, published_at, article_id)) as first_copy,
        max(score) as score,
        list_sort(list_distinct(flatten(list(subtopics)))) as subtopics
    from matching_articles
    group by story_id
    having min(first_seen_at) >= (select since from bounds)
),

evidence_items as (
    select m.story_id, lower(e.matched) as term, e."where" = 'title' as in_title
    from matching_articles as m
    join new_stories as n on n.story_id = m.story_id,
    unnest(from_json(m.evidence, '[{"matched": "VARCHAR", "where": "VARCHAR"}]')) as t(e)
    where e."where" <> 'feed'
),

evidence_terms as (
    select story_id, list(term order by in_title desc, hits desc, term)[1:8] as evidence_terms
    from (
        select story_id, term, bool_or(in_title) as in_title, count(*) as hits
        from evidence_items
        group by story_id, term
    )
    group by story_id
),

copies as (
    select
        a.story_id,
        list(distinct coalesce(f.name, af.feed_id, a.feed_id) order by coalesce(f.name, af.feed_id, a.feed_id)) as outlets,
        list(distinct a.lang order by a.lang) as languages,
        count(distinct a.article_id) as article_count
    from articles as a
    join new_stories as n on n.story_id = coalesce(a.story_id, a.article_id)
    left join article_feeds as af on af.article_id = a.article_id
    left join feeds as f on f.feed_id = coalesce(af.feed_id, a.feed_id)
    group by a.story_id
),

final as (
    select
        n.story_id,
        n.first_seen,
        n.published_at,
        n.first_copy.title as title,
        n.first_copy.lang as lang,
        n.first_copy.url as url,
        c.languages,
        c.outlets,
        c.article_count,
        n.subtopics,
        coalesce(t.evidence_terms, []) as evidence_terms,
        n.score
    from new_stories as n
    join copies as c on c.story_id = n.story_id
    left join evidence_terms as t on t.story_id = n.story_id
    order by n.first_seen desc, n.published_at desc, n.story_id
)

select * from final
