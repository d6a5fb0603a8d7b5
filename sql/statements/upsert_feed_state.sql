insert into feed_state
select feed_id, etag, last_modified, body_hash, last_attempt_at, last_success_at,
       consecutive_failures, last_error_class, last_error_message, next_due_at
from batch_feed_state
on conflict (feed_id) do update set
    etag = excluded.etag,
    last_modified = excluded.last_modified,
    body_hash = excluded.body_hash,
    last_attempt_at = excluded.last_attempt_at,
    last_success_at = excluded.last_success_at,
    consecutive_failures = excluded.consecutive_failures,
    last_error_class = excluded.last_error_class,
    last_error_message = excluded.last_error_message,
    next_due_at = excluded.next_due_at
