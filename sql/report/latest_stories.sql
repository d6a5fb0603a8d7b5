-- The newest $limit of the window's new stories (temp table report_stories), in new_stories_since's
-- order, each with its event (story_event_ids; a story never linked is its own event) and the
-- languages of every story of that event, so the report can group a happening's rows.
with latest as (
    select *
    from temp.report_stories
    order by first_seen desc, published_at desc, story_id
    limit $limit
),

linked as (
    select l.story_id, coalesce(e.event_id, l.story_id) as event_id
    from latest as l
    left join story_event_ids as e on e.story_id = l.story_id
),

event_languages as (
    select e.event_id, list(distinct a.lang order by a.lang) as event_languages
    from (select distinct event_id from linked) as k
    join story_event_ids as e on e.event_id = k.event_id
    join articles as a on a.story_id = e.story_id
    group by e.event_id
),

final as (
    select l.*, k.event_id, coalesce(el.event_languages, l.languages) as event_languages
    from latest as l
    join linked as k on k.story_id = l.story_id
    left join event_languages as el on el.event_id = k.event_id
)

select * from final
order by first_seen desc, published_at desc, story_id
