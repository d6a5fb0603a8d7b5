-- One page of stored articles with their feed's declared side, in article_id order.
select a.article_id, a.title, a.text, f.side
from articles as a
left join feeds as f on a.feed_id = f.feed_id
where a.article_id > $after
order by a.article_id
limit $page_size
