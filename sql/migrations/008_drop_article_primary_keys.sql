-- articles and article_feeds lose their primary keys; uniqueness of article_id and of
-- (article_id, feed_id) is kept by the statements that write them (update_articles.sql,
-- insert_articles.sql, insert_article_feeds.sql: each inserts only what is not stored yet,
-- under the writer lock).
--
-- Why: nothing reads these tables through their index (every join is a hash join: the alert,
-- story and report reads are bounded by time instead), yet each key was a tree over every row
-- ever stored. Each run loaded it from the file to check its inserts and wrote it back at every
-- checkpoint, and it was a third of the file the read-only copy copies after every run. An
-- anti-join against the article_id column does the same check in a scan of one column.
--
-- DuckDB cannot drop a key in place: each table is rebuilt under its name, in its stored order
-- (rows are appended in time order, which the time-bounded reads rely on). Views name tables
-- and are bound when read, so they keep working. The old tables' blocks are reused by later writes.
create table articles_without_key (
    article_id     varchar not null,
    url            varchar,
    guid           varchar,
    title          varchar not null,
    text           varchar not null,
    author         varchar,
    published_at   timestamptz,
    first_seen_at  timestamptz not null,
    updated_at     timestamptz not null,
    feed_id        varchar not null,   -- the first feed that carried it
    lang           varchar not null,   -- ISO 639-1, or und when too short to tell
    lang_prob      double not null,
    content_hash   varchar not null,   -- changes when the outlet edits title or text
    run_id         varchar not null,   -- the run that first stored it
    story_id       varchar,            -- 003
    canonical_url  varchar,            -- 005
    identity_key   varchar             -- 005
);
insert into articles_without_key
select article_id, url, guid, title, text, author, published_at, first_seen_at, updated_at, feed_id, lang,
       lang_prob, content_hash, run_id, story_id, canonical_url, identity_key
from articles;
drop table articles;
alter table articles_without_key rename to articles;

create table article_feeds_without_key (
    article_id     varchar not null,
    feed_id        varchar not null,
    first_seen_at  timestamptz not null
);
insert into article_feeds_without_key
select article_id, feed_id, first_seen_at
from article_feeds;
drop table article_feeds;
alter table article_feeds_without_key rename to article_feeds;
