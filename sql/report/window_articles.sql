-- The report's working set, created as temp table `articles` so that the unchanged named queries
-- read it in place of the full table: every copy of every story with a matching copy published
-- since $published_since or first stored since $seen_since, plus the stories linked to those in
-- one event (temp.report_window_stories and temp.event_stories, made just before). A story,
-- daily count or event of the report window only ever involves these, and the set is closed (all
-- copies of each story), so the queries give the same rows as on the full table.
-- Every read is bounded by a time range, so its cost follows the window, not the history:
-- - the window's articles are two range reads (first seen; published), a union rather than one OR,
--   which would stop DuckDB skipping row groups by their min/max;
-- - a topic row is written no earlier than its article's first sighting (tagged_at is the tagging
--   run's time), so topic rows older than the window's earliest article are skipped;
-- - a story may run on for weeks, copy after copy, so no window bounds its copies: their earliest
--   first sighting is read first from three narrow columns (ids and first_seen_at), and the wide
--   read of whole rows then skips every row group before it.
-- The bounds are scalar subqueries, which DuckDB turns into dynamic range filters on the scans.
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
