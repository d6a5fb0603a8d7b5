-- The words that made Russia–DPRK matches since $since, by the number of stories they occur in.
-- Parameters: $since, a UTC date or timestamp (2026-11-01, 2026-11-01T06:00:00Z) compared with each
-- matching article's publication time (published_at, else first_seen_at).
-- term is the matched text, lower-cased (seed terms can be patterns; the match is what a reader
-- sees); roles lists what it stood for (side:russia, side:dprk, subtopic:military...). Evidence
-- from a feed's declared side is not text and is left out.
with bounds as (
    -- An offset in $since is honoured; without one it is UTC (a plain cast would use the session's zone).
    select case
        when regexp_matches($since, ':[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then cast($since as timestamptz)
        else timezone('UTC', cast($since as timestamp))
    end as since
),

matches as (
    select article_id, evidence
    from article_topics
    where topic = 'russia_dprk' and is_match
),

matching_articles as (
    select
        coalesce(a.story_id, a.article_id) as story_id,
        a.article_id,
        m.evidence
    from articles as a
    join matches as m on m.article_id = a.article_id
    where coalesce(a.published_at, a.first_seen_at) >= (select since from bounds)
),

evidence_items as (
    select m.story_id, m.article_id, lower(e.matched) as term, e.lang, e.role, e."where" as place
    from matching_articles as m,
    unnest(from_json(m.evidence, '[{"matched": "VARCHAR", "role": "VARCHAR", "lang": "VARCHAR", "where": "VARCHAR"}]')) as t(e)
    where e."where" <> 'feed'
),

final as (
    select
        term,
        lang,
        list(distinct role order by role) as roles,
        count(distinct story_id) as stories,
        count(distinct article_id) as articles,
        count(distinct article_id) filter (where place = 'title') as in_titles
    from evidence_items
    group by term, lang
    order by stories desc, articles desc, term, lang
)

select * from final
