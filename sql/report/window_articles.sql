-- The report's working set, created as temp table `articles` so that the unchanged named queries
-- read it in place of the full table: every copy of every story with a matching copy published
-- since the window's start (temp.report_window_stories, report/window_stories.sql) plus the stories
-- linked to those in one event (temp.event_stories, report/window_event_stories.sql). A story, daily
-- count or event of the report window only ever involves these, and the set is closed (all copies of
-- each story), so the queries give the same rows as on the full table.
-- A story may run on for weeks, copy after copy, and a copy may have been stored before the story's
-- window article, so no fixed window bounds its copies: their earliest first sighting is read first,
-- from the narrow id and first_seen_at columns, and the read of whole rows then skips every row group
-- before it (the scalar subquery becomes a dynamic range filter on the scan).
-- Every column is copied, text cut to its first 600 characters: the report quotes no more of it
-- (the teaser of report/story_snippets.sql), and whole feed texts would multiply the set's size.
create temp table articles as
with stories as (
    select story_id from temp.report_window_stories
    union
    select story_id from temp.event_stories
),

copies_since as (
    select min(a.first_seen_at) as since
    from main.articles as a
    semi join stories as s on s.story_id = coalesce(a.story_id, a.article_id)
),

final as (
    select
        a.article_id, a.url, a.guid, a.title, a.author, a.published_at, a.first_seen_at, a.updated_at,
        a.feed_id, a.lang, a.lang_prob, a.content_hash, a.run_id, a.story_id,
        left(a.text, 600) as text
    from main.articles as a
    semi join stories as s on s.story_id = coalesce(a.story_id, a.article_id)
    where a.first_seen_at >= (select since from copies_since)
)

select * from final
