-- For each matched story (alert_batch_stories): its outlets and languages, its event, and the
-- languages and outlets of the event's other stories, each list in the order they first reported it.
-- Events are resolved as the story_event_ids view resolves them (an event_stories link followed
-- through event_merges, at most 8 steps), but only for these stories: the view resolves every story.
--
-- The copies are read for first_seen_at >= $since only, so the cost follows the batch's stories,
-- not the stored history (a join on story_id alone scans every row). A story's id is the article_id
-- of its first article and no copy is first seen before it (stories/cluster.order_key); a feed
-- carries an article at the earliest when it was first seen, and a story is linked to its event
-- after its first article is stored (linked_at >= first_seen_at). So once every wanted story's
-- first article is among the rows read (`complete`), the bound has left out no row. A story that
-- grows by chaining (each copy matches one seen within the last days) can be older than any window:
-- then `complete` is false and the caller reads again with an earlier $since
-- (outbox.read_candidates). The event members (event_stories by event) are read in full: a
-- member's link time has no bound the batch gives.
with recursive stories as (
    select distinct story_id from alert_batch_stories
),
merged_into(story_id, event_id, depth) as (
    select story_id, event_id, 0
    from event_stories
    where linked_at >= $since and story_id in (select story_id from stories)
    union all
    select u.story_id, m.into_event_id, u.depth + 1
    from merged_into as u
    join event_merges as m on m.event_id = u.event_id
    where u.depth < 8
),
story_events as (
    select story_id, arg_max(event_id, depth) as event_id
    from merged_into
    group by story_id
),
-- every event id that resolves to one of these events: the event itself and those merged into it
merged_from(event_id, member_event_id, depth) as (
    select distinct event_id, event_id, 0 from story_events
    union all
    select d.event_id, m.event_id, d.depth + 1
    from merged_from as d
    join event_merges as m on m.into_event_id = d.member_event_id
    where d.depth < 8
),
-- every story to read the copies of, for each matched story: itself and its event's other stories
wanted as (
    select story_id, story_id as for_story_id from stories
    union
    select e.story_id, s.story_id
    from story_events as s
    join merged_from as d on d.event_id = s.event_id
    join event_stories as e on e.event_id = d.member_event_id and e.story_id <> s.story_id
),
wanted_ids as (
    select distinct story_id from wanted
),
read as (
    select a.story_id, a.article_id, a.lang, a.published_at, a.first_seen_at
    from articles as a
    where a.first_seen_at >= $since and a.story_id in (select story_id from wanted_ids)
),
complete as (
    select count(distinct article_id) = (select count(*) from wanted_ids) as complete
    from read
    where article_id = story_id
),
copies as (
    select
        w.for_story_id,
        w.story_id = w.for_story_id as is_own,
        a.lang,
        coalesce(f.name, af.feed_id) as outlet,
        coalesce(a.published_at, a.first_seen_at) as reported_at
    from wanted as w
    join read as a on a.story_id = w.story_id
    join article_feeds as af on af.article_id = a.article_id and af.first_seen_at >= $since
    left join feeds as f on f.feed_id = af.feed_id
),
outlets as (
    select
        for_story_id as story_id,
        list(distinct outlet order by outlet) as outlets,
        list(distinct lang order by lang) as langs
    from copies
    where is_own
    group by for_story_id
),
other_langs as (
    select for_story_id, lang, min(reported_at) as first_at
    from copies
    where not is_own
    group by for_story_id, lang
),
other_outlets as (
    -- outlets that already carry this story are in its own outlet list
    select c.for_story_id, c.outlet, min(c.reported_at) as first_at
    from copies as c
    left join outlets as own on own.story_id = c.for_story_id
    where not c.is_own and not list_contains(coalesce(own.outlets, []), c.outlet)
    group by c.for_story_id, c.outlet
),
also_langs as (
    select for_story_id as story_id, list(lang order by first_at, lang) as langs
    from other_langs
    group by for_story_id
),
also_outlets as (
    select for_story_id as story_id, list(outlet order by first_at, outlet) as outlets
    from other_outlets
    group by for_story_id
),
final as (
    select
        c.complete, s.story_id, coalesce(o.outlets, []) as outlets, coalesce(o.langs, []) as langs, e.event_id,
        coalesce(al.langs, []) as also_langs, coalesce(ao.outlets, []) as also_outlets
    from complete as c
    cross join stories as s
    left join outlets as o on o.story_id = s.story_id
    left join story_events as e on e.story_id = s.story_id
    left join also_langs as al on al.story_id = s.story_id
    left join also_outlets as ao on ao.story_id = s.story_id
)
select * from final
