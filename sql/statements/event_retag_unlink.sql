-- After a re-tag: the event rows of stories that no longer match any topic are deleted, so the
-- stories and events views, the report and the named queries stop showing them (an event whose every
-- story stopped matching disappears). The other rows keep their event_id, and event_merges is kept
-- whole: ids never change, and a merge stays true of the stories still linked through it.
-- Returns the number of rows deleted.
with matching as (
    select distinct a.story_id
    from articles as a
    semi join article_topics as t on t.article_id = a.article_id and t.is_match
    where a.story_id is not null
),

gone as (
    select e.story_id
    from event_stories as e
    anti join matching as m on m.story_id = e.story_id
)

delete from event_stories
where story_id in (select story_id from gone)
