-- One page of the stories to link after a re-tag (temp.event_retag_pending, after `position`
-- $after), in event-time order: the representative's headline, feed text, language, event time, the
-- evidence of its topic tags (JSON lists) and its page text when one was read (status ok).
with page as (
    select position, story_id, article_id, event_time
    from temp.event_retag_pending
    where position > $after
    order by position
    limit $page_size
),

evidence as (
    select t.article_id, list(t.evidence) as evidence
    from article_topics as t
    semi join page as p on p.article_id = t.article_id
    group by t.article_id
),

final as (
    select
        p.position, p.story_id, p.article_id, p.event_time, a.title, a.text, a.lang,
        coalesce(e.evidence, []) as evidence,
        x.text as page_text
    from page as p
    join articles as a on a.article_id = p.article_id
    left join evidence as e on e.article_id = p.article_id
    left join article_texts as x on x.article_id = p.article_id and x.status = 'ok' and x.text is not null
)

select * from final
order by position
