-- Full text of article pages (issue #20). The feed's text stays in articles.text; the page's text
-- is kept here, one row per article whose page was tried (newsmon/fulltext). status says what came
-- back: ok (text holds the extracted article), or why there is no text: paywall, consent, antibot,
-- robots_disallowed, not_html, empty, or the fetcher's error_class (timeout, http_4xx, too_large,
-- private_network...). text is null unless status = 'ok': a wall page is never stored as text.
-- teaser_match / body_match: whether the article matched a topic on its feed text, and on its
-- page's body (null until a body was read); teaser_match and not body_match is a downgrade (an alert
-- already sent stays sent). Transient failures are tried again after next_attempt_at, at most a
-- few times; edited articles are fetched again with the validators (etag, last_modified).
create table article_texts (
    article_id       varchar primary key,
    fetched_at       timestamptz not null,
    status           varchar not null,
    url              varchar not null,      -- the page asked for
    final_url        varchar,               -- after redirects
    http_status      integer,
    error_message    varchar,
    text             varchar,               -- paragraphs separated by a newline
    title            varchar,               -- as the page gives them
    author           varchar,
    published_at     timestamptz,
    lang             varchar,               -- ISO 639-1, from the page's markup or the text
    extractor        varchar,               -- e.g. trafilatura 2.3.1
    etag             varchar,
    last_modified    varchar,
    bytes            bigint not null default 0,
    duration_ms      integer not null default 0,
    attempts         integer not null default 1,
    next_attempt_at  timestamptz,           -- null: not tried again (done, or a permanent failure)
    teaser_match     boolean,
    body_match       boolean
);

-- robots.txt per origin (scheme://host:port), kept for a day so a host is asked once a day at most.
-- status: ok (body holds the file), missing (4xx: everything allowed), unreachable (5xx, network:
-- nothing allowed until it is fetched again).
create table robots_txt (
    origin      varchar primary key,
    fetched_at  timestamptz not null,
    status      varchar not null,
    body        varchar
);

-- What users query: an article with its feed text and its page's text side by side.
create view v_article_texts as
select
    a.article_id,
    a.title,
    a.url,
    a.published_at,
    a.lang,
    a.text as feed_text,
    x.text as page_text,
    x.status,
    x.fetched_at,
    x.author,
    x.published_at as page_published_at,
    x.lang as page_lang,
    x.extractor,
    case
        when x.body_match is null then null
        when x.body_match and not coalesce(x.teaser_match, false) then 'upgraded'
        when x.teaser_match and not x.body_match then 'downgraded'
        else 'unchanged'
    end as body_change
from articles as a
join article_texts as x on x.article_id = a.article_id;
