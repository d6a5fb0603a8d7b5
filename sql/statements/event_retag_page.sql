-- One page of the stories to link after a re-tag (temp.event_retag_pending, after `position`
-- $after), in event-time order: at most $page_size stories within $span of the page's first, so the
-- page's window read covers a bounded stretch of days however sparse the stories are.
with first as (
    select event_time
    from temp.event_retag_pending
    where position = $after + 1
),

final as (
    select p.position, p.story_id, p.article_id, p.event_time, p.title, p.text, p.lang, p.evidence, p.page_text
    from temp.event_retag_pending as p, first as f
    where p.position > $after and p.event_time <= f.event_time + $span
    order by p.position
    limit $page_size
)

select * from final
