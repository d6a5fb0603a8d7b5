-- After a re-tag: every story that matches a topic and has no event row (it matches now and did not
-- before, or was never linked), with its representative as a run picks it (events/link.py
-- representatives): its earliest matching article by event time, then article_id. Event time is
-- the publication time when it lies in [first seen - $max_backdate, first seen + $max_ahead], else
-- the first sighting (events/signals.py event_time); with what its signals are read from: headline,
-- feed text, language, the evidence of its topic tags (JSON lists) and its page text when one was
-- read (status ok). Kept as a temp table for the re-tag's transaction (DuckDB's, spilled to disk if
-- large), so the linking reads it page by page in event-time order (`position`) without reading
-- articles again.
create or replace temp table event_retag_pending as
with matching as (
    select distinct t.article_id
    from article_topics as t
    where t.is_match
),

placed as (
    select
        a.story_id,
        a.article_id,
        case
            when a.published_at between a.first_seen_at - $max_backdate and a.first_seen_at + $max_ahead
                then a.published_at
            else a.first_seen_at
        end as event_time
    from articles as a
    semi join matching as m on m.article_id = a.article_id
    where a.story_id is not null
),

unlinked as (
    select p.*
    from placed as p
    anti join event_stories as e on e.story_id = p.story_id
),

representatives as (
    select
        story_id,
        arg_min(article_id, (event_time, article_id)) as article_id,
        min(event_time) as event_time
    from unlinked
    group by story_id
),

evidence as (
    select t.article_id, list(t.evidence) as evidence
    from article_topics as t
    semi join representatives as r on r.article_id = t.article_id
    group by t.article_id
),

final as (
    select
        row_number() over (order by r.event_time, r.story_id) as position,
        r.story_id, r.article_id, r.event_time, a.title, a.text, a.lang,
        coalesce(e.evidence, []) as evidence,
        x.text as page_text
    from representatives as r
    join articles as a on a.article_id = r.article_id
    left join evidence as e on e.article_id = r.article_id
    left join article_texts as x on x.article_id = r.article_id and x.status = 'ok' and x.text is not null
)

select * from final
