-- Alert outbox: rows are written in the same transaction as the stories they announce and
-- delivered after the commit (lease -> send -> mark). alert_id = hash(rule_id, subject_id, channel)
-- is both the primary key (one alert per story, rule and destination, ever) and the idempotency key
-- receivers see. channel is a destination key ($ENV_VAR#url-hash, url#url-hash or sink:jsonl): the
-- URL itself may carry a secret and is never stored. All timestamps are UTC.
create table alert_outbox (
    alert_id         varchar primary key,
    kind             varchar not null,      -- story or operator
    rule_id          varchar not null,      -- operator for operator alerts
    subject_id       varchar not null,      -- story_id, or condition@episode for operator alerts
    channel          varchar not null,
    destination      varchar not null,      -- redacted: scheme://host/…
    payload          json not null,         -- what is rendered; frozen so retries send the same content
    status           varchar not null,      -- pending, sending, sent, dead_letter
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null,  -- digest rows wait for their hour; Retry-After is honoured
    lease_until      timestamptz,
    lease_owner      varchar,
    batch_id         varchar,               -- the idempotency key of the message that carried it
    last_error       varchar,
    created_at       timestamptz not null,
    sent_at          timestamptz
);

-- Operator conditions (dead letters, failing or silent feeds): one alert when a condition starts
-- and one when it ends, however many runs it lasts.
create table alert_conditions (
    condition_id  varchar primary key,      -- e.g. dead_letter, feed_failing:tass_ru
    is_active     boolean not null,
    changed_at    timestamptz not null,
    detail        varchar
);
