-- Every feed that carried a working-set article, as temp table `article_feeds`. Runs after window_articles.
create temp table article_feeds as
select af.*
from article_feeds as af
semi join temp.articles as a on a.article_id = af.article_id
