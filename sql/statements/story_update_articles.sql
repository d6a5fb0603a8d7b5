update articles
set story_id = b.story_id
from story_batch_result as b
where articles.article_id = b.article_id
  and articles.story_id is distinct from b.story_id
