-- Stories in another language within the event window sharing specific entities with a batch story.
-- An entity carried by a large share of the window's stories (Russia, Putin, ...) is not specific.
with recent as (
    select story_id, entity, lang
    from story_entities
    where seen_at >= $since
),
window_size as (
    select count(distinct story_id) as stories from recent
),
generic as (
    select r.entity
    from recent as r, window_size as w
    group by r.entity, w.stories
    having count(distinct r.story_id) > greatest($generic_min_stories, $generic_share * w.stories)
),
shared as (
    select b.story_id as new_story_id, r.story_id, count(distinct b.entity) as shared_entities
    from story_batch_entities as b
    join recent as r on r.entity = b.entity and r.lang <> b.lang and r.story_id <> b.story_id
    where b.entity not in (select entity from generic)
    group by b.story_id, r.story_id
),
final as (
    select s.new_story_id, s.story_id, s.shared_entities, coalesce(e.event_id, s.story_id) as event_id
    from shared as s
    left join (select story_id, min(event_id) as event_id from story_events group by story_id) as e
        on e.story_id = s.story_id
    where s.shared_entities >= $min_shared
)
select * from final
