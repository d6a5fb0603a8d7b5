-- What the report quotes under each story of $story_ids (a list of story ids): a passage of an
-- article's body around its strongest body evidence when a matching copy's page was read
-- (article_texts status 'ok') and matched, else the start of the feed text (the teaser) of the
-- story's first matching copy, the copy whose title the report shows (new_stories_since's order).
-- The strongest body evidence is the first body item naming a side (side:*, proxy:*, both_sides)
-- in the order the tagger wrote it: the same item newsmon.fulltext.tagging.strongest_body_evidence
-- gives alerts, so an alert and the report quote the same passage. Evidence carries no weight; every
-- body item of a topic comes from the one paragraph that scored best (fulltext/tagging.py), so the
-- first side named there is where the relation is. When several copies have a body passage, the
-- earliest copy's is quoted. body_only: every matching copy matched on its body only (an upgrade:
-- the feed text alone would not have made it a match).
-- teaser is cut to 600 characters: the report's working set keeps only that much of articles.text.
-- article_texts is read only from the earliest matching copy's first sighting on: the full-text
-- stage fetches the page of a stored article, so fetched_at (its latest attempt) is never earlier.
with ids as (
    select unnest($story_ids::varchar[]) as story_id
),

matching as (
    select
        coalesce(a.story_id, a.article_id) as story_id,
        a.article_id,
        a.lang,
        a.first_seen_at,
        coalesce(a.published_at, a.first_seen_at) as published_at,
        left(a.text, 600) as teaser,
        t.evidence
    from articles as a
    join article_topics as t on t.article_id = a.article_id
    semi join ids on ids.story_id = coalesce(a.story_id, a.article_id)
    where t.topic = 'russia_dprk' and t.is_match
),

bodies as (
    select
        m.article_id,
        list_filter(
            from_json(m.evidence, '[{"role": "VARCHAR", "where": "VARCHAR", "snippet": "VARCHAR"}]'),
            lambda e: e."where" = 'body' and coalesce(e.snippet, '') <> ''
                and (e.role like 'side:%' or e.role like 'proxy:%' or e.role = 'both_sides')
        )[1].snippet as snippet,
        x.body_match and not coalesce(x.teaser_match, false) as body_only
    from matching as m
    join article_texts as x on x.article_id = m.article_id
    where x.status = 'ok'
        -- a page is fetched after its article is stored: older pages are skipped (a dynamic range filter)
        and x.fetched_at >= (select min(first_seen_at) from matching)
),

copies as (
    select
        m.story_id,
        (m.first_seen_at, m.published_at, m.article_id) as copy_order,
        m.lang,
        m.teaser,
        b.snippet,
        coalesce(b.body_only, false) as body_only
    from matching as m
    left join bodies as b on b.article_id = m.article_id
),

per_story as (
    select
        story_id,
        arg_min({'text': snippet, 'lang': lang}, copy_order) filter (where snippet is not null) as body,
        arg_min({'text': teaser, 'lang': lang}, copy_order) as first_copy,
        bool_and(body_only) as body_only
    from copies
    group by story_id
),

final as (
    select
        story_id,
        coalesce(body.text, first_copy.text, '') as snippet,
        case when body.text is not null then 'body' else 'teaser' end as snippet_from,
        coalesce(body.lang, first_copy.lang) as snippet_lang,
        body_only
    from per_story
)

select * from final
order by story_id
