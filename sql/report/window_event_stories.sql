-- The event rows of the report's working set, as temp table `event_stories`: every event_stories row
-- of a story whose event (merges followed, as migration 006's story_event_ids view follows them)
-- is the event of a window story (temp.report_window_stories). The story_event_ids view then reads
-- this in place of the full table (DuckDB resolves an unqualified name to a temp table first), and
-- gives every working-set story the event it has on the full table, since a story has one row and
-- its event's merges are all in event_merges (read whole: a merge is rare, so the table stays
-- small). Only the window stories' own events are resolved, never the whole history's.
-- Runs after window_stories.
create temp table event_stories as
with recursive own as (
    select e.*
    from main.event_stories as e
    semi join temp.report_window_stories as w on w.story_id = e.story_id
),

forward(event_id, resolved, depth) as (
    select distinct event_id, event_id, 0 from own
    union all
    select f.event_id, m.into_event_id, f.depth + 1
    from forward as f
    join main.event_merges as m on m.event_id = f.resolved
    where f.depth < 8
),

-- The events the window's stories belong to, and every event merged into one of them.
window_events(event_id, depth) as (
    select arg_max(resolved, depth), 0 from forward group by event_id
    union all
    select m.event_id, w.depth + 1
    from window_events as w
    join main.event_merges as m on m.into_event_id = w.event_id
    where w.depth < 8
),

final as (
    select e.*
    from main.event_stories as e
    semi join window_events as w on w.event_id = e.event_id
)

select * from final
