-- Every topic row of the working set's articles (all topics, so a query copied for another topic
-- still sees all of its rows), as temp table `article_topics`. Runs after window_articles. A topic
-- row is written no earlier than its article's first sighting (tagged_at is the tagging run's
-- time), so only the rows since the set's earliest article are read (a dynamic range filter).
create temp table article_topics as
select t.*
from main.article_topics as t
semi join temp.articles as a on a.article_id = t.article_id
where t.tagged_at >= (select min(first_seen_at) from temp.articles)
