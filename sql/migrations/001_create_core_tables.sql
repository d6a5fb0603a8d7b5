-- Core tables of newsmon. Users query these directly: the schema is part of the product.
-- All timestamps are TIMESTAMPTZ in UTC.

create table feeds (
    feed_id      varchar primary key,
    name         varchar not null,
    url          varchar not null,
    language     varchar,            -- declared language (a hint for detection)
    country      varchar,
    active       boolean not null default true,
    side         varchar,            -- the topic side this outlet speaks for (e.g. dprk for KCNA), or null
    updated_at   timestamptz not null
);

create table runs (
    run_id            varchar primary key,
    started_at        timestamptz not null,
    finished_at       timestamptz,
    status            varchar not null,  -- completed, failed, locked
    feeds_total       integer,
    feeds_ok          integer,
    feeds_failed      integer,
    feeds_not_modified integer,
    entries_seen      integer,
    articles_new      integer,
    articles_updated  integer,
    summary           json
);

-- One row per fetch attempt. error_class is null on success (including 304 Not Modified).
create table fetch_events (
    run_id        varchar not null,
    feed_id       varchar not null,
    fetched_at    timestamptz not null,
    url           varchar not null,
    final_url     varchar,
    http_status   integer,
    error_class   varchar,
    error_message varchar,
    bytes         bigint not null default 0,
    duration_ms   integer not null default 0,
    entries       integer not null default 0,
    new_articles  integer not null default 0
);

-- One row per unique article (canonical URL, else GUID, else feed + title + text).
create table articles (
    article_id     varchar primary key,
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
    run_id         varchar not null    -- the run that first stored it
);

-- Every feed that carried an article (the same URL can appear in several feeds).
create table article_feeds (
    article_id     varchar not null,
    feed_id        varchar not null,
    first_seen_at  timestamptz not null,
    primary key (article_id, feed_id)
);

-- Topic tags. evidence is a JSON list of {term, matched, role, lang, where}.
create table article_topics (
    article_id  varchar not null,
    topic       varchar not null,
    score       double not null,
    is_match    boolean not null,
    subtopics   varchar[] not null,
    evidence    json not null,
    tagged_at   timestamptz not null,
    primary key (article_id, topic)
);

-- Conditional-GET validators and health of each feed; validators move only after a commit.
create table feed_state (
    feed_id               varchar primary key,
    etag                  varchar,
    last_modified         varchar,
    body_hash             varchar,
    last_attempt_at       timestamptz,
    last_success_at       timestamptz,
    consecutive_failures  integer not null default 0,
    last_error_class      varchar,
    last_error_message    varchar,
    next_due_at           timestamptz
);
