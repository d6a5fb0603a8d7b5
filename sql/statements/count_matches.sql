select count(*) from article_topics where is_match
