select feed_id, etag, last_modified, body_hash, last_attempt_at, last_success_at,
       consecutive_failures, last_error_class, last_error_message, next_due_at
from feed_state
