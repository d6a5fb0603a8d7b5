-- One row per article whose page was tried this run (batch_texts). A page answered 304 Not Modified
-- keeps the stored text and extraction, with the new fetch time.
insert into article_texts
select * from batch_texts
on conflict (article_id) do update set
    fetched_at = excluded.fetched_at,
    status = case when excluded.status = 'not_modified' then article_texts.status else excluded.status end,
    url = excluded.url,
    final_url = excluded.final_url,
    http_status = excluded.http_status,
    error_message = excluded.error_message,
    text = case when excluded.status = 'not_modified' then article_texts.text else excluded.text end,
    title = coalesce(excluded.title, article_texts.title),
    author = coalesce(excluded.author, article_texts.author),
    published_at = coalesce(excluded.published_at, article_texts.published_at),
    lang = coalesce(excluded.lang, article_texts.lang),
    extractor = coalesce(excluded.extractor, article_texts.extractor),
    etag = coalesce(excluded.etag, article_texts.etag),
    last_modified = coalesce(excluded.last_modified, article_texts.last_modified),
    bytes = excluded.bytes,
    duration_ms = excluded.duration_ms,
    attempts = excluded.attempts,
    next_attempt_at = excluded.next_attempt_at,
    teaser_match = coalesce(excluded.teaser_match, article_texts.teaser_match),
    body_match = coalesce(excluded.body_match, article_texts.body_match)
