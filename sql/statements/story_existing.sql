-- Batch articles that already belong to a story (from the index, or set on articles directly).
with indexed as (
    select s.article_id, any_value(s.story_id) as story_id
    from story_batch_items as b
    join story_articles as s on s.article_id = b.article_id
    group by s.article_id
),
stored as (
    select a.article_id, a.story_id
    from story_batch_items as b
    join articles as a on a.article_id = b.article_id
    where a.story_id is not null
),
final as (
    select article_id, story_id from indexed
    union
    select article_id, story_id from stored where article_id not in (select article_id from indexed)
)
select * from final
