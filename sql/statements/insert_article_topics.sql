insert into article_topics (article_id, topic, score, is_match, subtopics, evidence, tagged_at)
select article_id, topic, score, is_match, subtopics, evidence::json, $now
from batch_topics
