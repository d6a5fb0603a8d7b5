-- Matching articles among this run's new and edited ones (alert_batch_ids), with their story,
-- the publication time as the feed gave it (null when it gave none), a text snippet, and whether
-- the article's page text is stored (status ok: its body evidence may be quoted). The story's
-- outlets, languages and event are read by alert_story_context.sql.
--
-- Every read is bounded by $since, so the cost follows the batch, not the stored history: rows are
-- appended in time order and a time bound lets DuckDB skip older row groups by their min/max (a
-- join on article_id alone scans every row). An article's rows in the other tables are never older
-- than its first sighting (tagged_at >= first_seen_at, fetched_at >= first_seen_at), so bounding
-- them too leaves out no row of an article first seen since $since. An edited article keeps its old
-- first_seen_at: `found` counts the batch articles read, and the caller reads again with an earlier
-- $since until it is the whole batch (outbox.read_candidates).
with batch as (
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
final as (
    select n.found, m.*
    from (select count(*) as found from found) as n
    left join matched as m on true
)
select * from final
