-- The newest $limit of the window's new stories (temp table report_stories), in new_stories_since's order.
select *
from temp.report_stories
order by first_seen desc, published_at desc, story_id
limit $limit
