-- Every topic row of the working set's articles (all topics, so a query copied for another topic
-- still sees all of its rows), as temp table `article_topics`. Runs after window_articles.
create temp table article_topics as
select t.*
from article_topics as t
semi join temp.articles as a on a.article_id = t.article_id
