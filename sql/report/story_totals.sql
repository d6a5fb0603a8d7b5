-- The summary tiles over every new story of the window (temp table report_stories: the
-- new_stories_since rows), so that only the stories the table shows are fetched into Python.
select
    count(*) as stories,
    coalesce(sum(article_count), 0) as articles,
    coalesce(len(list_distinct(flatten(list(languages)))), 0) as languages,
    coalesce(len(list_distinct(flatten(list(outlets)))), 0) as outlets
from temp.report_stories
