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
-- each event's member stories (as resolved above)
event_members as (
    select distinct d.event_id, e.story_id
    from merged_from as d
    join members as e on e.event_id = d.member_event_id
),
-- every story to read the copies of: the matched stories and their events' other stories
wanted_ids as (
    select story_id from stories
    union
    select story_id from event_members
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
-- one row per story, language and outlet, with when the story was first reported there
story_copies as (
    select a.story_id, a.lang, coalesce(f.name, af.feed_id) as outlet,
           min(coalesce(a.published_at, a.first_seen_at)) as reported_at
    from read as a
    join article_feeds as af on af.article_id = a.article_id and af.first_seen_at >= $since
    left join feeds as f on f.feed_id = af.feed_id
    group by all
),
outlets as (
    select story_id, list(distinct outlet order by outlet) as outlets, list(distinct lang order by lang) as langs
    from story_copies
    where story_id in (select story_id from stories)
    group by story_id
),
-- "Also reported in" is computed per event, not per pair of stories: an event of a thousand
-- stories in hundreds of outlets must not multiply into a row per (story, other story, copy).
-- Languages: per event and language, the first two stories to report in it, so that a matched
-- story that was itself the first takes the time of the next one.
event_langs as (
    select event_id, lang, story_id, first_at,
           row_number() over (partition by event_id, lang order by first_at, story_id) as rank
    from (select m.event_id, c.lang, c.story_id, min(c.reported_at) as first_at
          from event_members as m
          join story_copies as c on c.story_id = m.story_id
          group by all)
    qualify rank <= 2
),
also_langs as (
    select story_id, list(lang order by first_at, lang) as langs
    from (select s.story_id, l.lang, arg_min(l.first_at, l.rank) as first_at
          from story_events as s
          join event_langs as l on l.event_id = s.event_id and l.story_id <> s.story_id
          group by s.story_id, l.lang)
    group by story_id
),
-- Outlets: those of the event that do not carry the matched story itself, in the order they
-- first reported the event (an outlet that does not carry the story has no copy of it, so the
-- event's first time there is the other stories' first time). Only the first $also_outlets are
-- listed, with how many there are in all: the message names no more.
event_outlets as (
    select m.event_id, c.outlet, min(c.reported_at) as first_at,
           row_number() over (partition by m.event_id order by min(c.reported_at), c.outlet) as rank,
           count(*) over (partition by m.event_id) as total
    from event_members as m
    join story_copies as c on c.story_id = m.story_id
    group by m.event_id, c.outlet
),
also_outlets as (
    select s.story_id,
           list(x.outlet order by x.rank) as outlets,
           any_value(x.total) - len(any_value(o.outlets)) as total
    from story_events as s
    join outlets as o on o.story_id = s.story_id
    join event_outlets as x on x.event_id = s.event_id
         and x.rank <= $also_outlets + len(o.outlets)
         and not list_contains(o.outlets, x.outlet)
    group by s.story_id
),
final as (
    select
        n.found, c.complete,
        m.story_id, m.article_id, m.topic, m.score, m.lang, m.subtopics, m.title, m.url, m.first_seen_at,
        m.published_at, m.evidence, coalesce(o.outlets, []) as outlets, m.feed_published_at, m.snippet,
        coalesce(o.langs, []) as langs, m.has_page_text, e.event_id,
        coalesce(al.langs, []) as also_langs, coalesce(ao.outlets, [])[:$also_outlets] as also_outlets,
        coalesce(ao.total, 0) as also_outlet_total
    from (select count(*) as found from found) as n
    cross join complete as c
    left join matched as m on true
    left join outlets as o on o.story_id = m.story_id
    left join story_events as e on e.story_id = m.story_id
    left join also_langs as al on al.story_id = m.story_id
    left join also_outlets as ao on ao.story_id = m.story_id
)
select * from final
