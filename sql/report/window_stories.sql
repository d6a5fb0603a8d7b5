-- The stories with a matching copy published since $published_since or first stored since
-- $seen_since, as temp table `report_window_stories` (story_id): the seed of the report's working
-- set (report/window_articles.sql). Both reads are time ranges, so DuckDB skips the row groups
-- outside them by their min/max: the window's articles are a union of a read by first sighting and
-- one by publication (one OR across the two columns would read every row group), and a topic row is
-- written no earlier than its article's first sighting (tagged_at is the tagging run's time; a
-- re-tag replaces the row later still), so topic rows older than the window's earliest article are
-- skipped (the scalar subquery becomes a dynamic range filter on the scan). A backfilled article
-- published long before it was first seen is in the first read; one first seen long ago with a
-- publication time inside the window, in the second.
create temp table report_window_stories as
with window_articles as (
    select article_id, coalesce(story_id, article_id) as story_id, first_seen_at
    from main.articles
    where first_seen_at >= least($seen_since, $published_since)
        and (first_seen_at >= $seen_since or coalesce(published_at, first_seen_at) >= $published_since)
    union all
    -- first seen before the window but published inside it (a late or re-dated item): disjoint from
    -- the read above, so no rows need merging
    select article_id, coalesce(story_id, article_id) as story_id, first_seen_at
    from main.articles
    where published_at >= $published_since
        and first_seen_at < least($seen_since, $published_since)
),

matches as (
    select article_id
    from main.article_topics
    where is_match
        and tagged_at >= (select min(first_seen_at) from window_articles)
),

final as (
    select distinct w.story_id
    from window_articles as w
    semi join matches as m on m.article_id = w.article_id
)

select * from final
