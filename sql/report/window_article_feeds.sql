-- Every feed that carried a working-set article, as temp table `article_feeds`. Runs after
-- window_articles. A feed's row is written by the run that saw the article in it, at or after the
-- article's first sighting, so only the rows since the set's earliest article are read (a dynamic
-- range filter).
create temp table article_feeds as
select af.*
from main.article_feeds as af
semi join temp.articles as a on a.article_id = af.article_id
where af.first_seen_at >= (select min(first_seen_at) from temp.articles)
