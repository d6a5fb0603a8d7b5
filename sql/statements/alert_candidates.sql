-- Matching articles among this run's new and edited ones (alert_batch_ids), with their story,
-- the publication time as the feed gave it (null when it gave none), a text snippet, the story's
-- outlets and languages, whether the article's page text is stored (status ok: its body evidence
-- may be quoted), and the story's event with the languages and outlets of the event's other
-- stories, each list in the order they first reported it.
-- Events are resolved as the story_event_ids view resolves them (an event_stories link followed
-- through event_merges, at most 8 steps), but only for these stories: the view resolves every story.
--
-- Every read of articles, article_feeds, article_topics, article_texts and event_stories is bounded
-- by $since, so the cost follows the batch, not the stored history: rows are
-- appended in time order and a time bound lets DuckDB skip older row groups by their min/max (a join
-- on article_id or story_id alone scans every row). The bound leaves out no row the result needs
-- once both checks hold, and the caller reads again with an earlier $since until they do
-- (outbox.read_candidates):
-- * `found`: every batch article is first seen since $since (an edited one keeps its old
--   first_seen_at). An article's rows in the other tables are never older than its first sighting:
--   its topics are written when it is stored or re-tagged (tagged_at >= first_seen_at), a feed
--   carries it at the earliest when it was first seen, its page is tried after it was stored.
-- * `complete`: the first article of every story whose copies are read is first seen since $since,
--   and the first story of every event whose members are read was linked since $since. A story's id
--   is the article_id of its first article and no copy is first seen before it
--   (stories/cluster.order_key); a story is linked to its event after its first article is stored
--   (linked_at >= first_seen_at); an event's id is its first story's story_id, and every other
--   story joins it later (linked_at no earlier than that story's). A story that grows by chaining
--   (each copy matches one seen within the last days) can be older than any window; so can an
--   event's other stories.
with recursive batch as (
    select distinct article_id from alert_batch_ids
),
found as (
    select a.article_id, a.story_id, a.lang, a.title, a.url, a.first_seen_at, a.published_at, a.text
    from articles as a
    where a.first_seen_at >= $since and a.article_id in (select article_id from batch)
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
        left(a.text, 600) as snippet,
        coalesce(x.status = 'ok', false) as has_page_text
    from found as a
    join article_topics as t on t.article_id = a.article_id and t.tagged_at >= $since
    left join article_texts as x on x.article_id = a.article_id and x.fetched_at >= $since
    where t.is_match and a.story_id is not null
),
stories as (
    select distinct story_id from matched
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
members as (
    select story_id, event_id
    from event_stories
    where linked_at >= $since and event_id in (select member_event_id from merged_from)
),
-- every story to read the copies of, for each matched story: itself and its event's other stories
wanted as (
    select story_id, story_id as for_story_id from stories
    union
    select e.story_id, s.story_id
    from story_events as s
    join merged_from as d on d.event_id = s.event_id
    join members as e on e.event_id = d.member_event_id and e.story_id <> s.story_id
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
    select count(distinct article_id) = (select count(*) from wanted_ids)
           and (select count(distinct member_event_id) from merged_from)
               = (select count(*) from members where story_id = event_id) as complete
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
        n.found, c.complete,
        m.story_id, m.article_id, m.topic, m.score, m.lang, m.subtopics, m.title, m.url, m.first_seen_at,
        m.published_at, m.evidence, coalesce(o.outlets, []) as outlets, m.feed_published_at, m.snippet,
        coalesce(o.langs, []) as langs, m.has_page_text, e.event_id,
        coalesce(al.langs, []) as also_langs, coalesce(ao.outlets, []) as also_outlets
    from (select count(*) as found from found) as n
    cross join complete as c
    left join matched as m on true
    left join outlets as o on o.story_id = m.story_id
    left join story_events as e on e.story_id = m.story_id
    left join also_langs as al on al.story_id = m.story_id
    left join also_outlets as ao on ao.story_id = m.story_id
)
select * from final
