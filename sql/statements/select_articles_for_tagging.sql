-- One page of stored articles with their feed's declared side, in article_id order, and the text of
-- their page where one was read (article_texts status 'ok'; its language, else the article's), so a
-- re-tag keeps what the body says.
select
    a.article_id,
    a.title,
    a.text,
    f.side,
    x.text as page_text,
    coalesce(x.lang, a.lang) as page_lang
from articles as a
left join feeds as f on a.feed_id = f.feed_id
left join article_texts as x on x.article_id = a.article_id and x.status = 'ok' and x.text is not null
where a.article_id > $after
order by a.article_id
limit $page_size
