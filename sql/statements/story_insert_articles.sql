insert into story_articles (article_id, story_id, lang, seen_at, title_key, shingle_count, signature)
select article_id, story_id, lang, seen_at, title_key, shingle_count, signature::uinteger[128]
from story_batch_assigned
