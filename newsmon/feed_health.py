"""Pure feed-health bookkeeping: the next FeedState of a feed after one fetch.

Validators (ETag, Last-Modified, body hash) change only on a successful 200 and are
stored in the same transaction as the articles they describe, so they can never run
ahead of committed data. Failures back off (capped, jittered) but a feed is never
disabled, and a run where the network itself was down does not count against feeds.
"""

from __future__ import annotations

from newsmon.fetch import next_due
from newsmon.records import FeedState, FetchResult

# How soon a healthy feed is due again; scheduled runs are usually daily, so any
# healthy feed is due at the next run.
BASE_INTERVAL_S = 15 * 60


def next_feed_state(
    previous: FeedState | None, result: FetchResult, parse_error: str | None, outage: bool
) -> FeedState:
    """The feed's state after this fetch. `parse_error` is the parse stage's typed error, if any."""
    prev = previous or FeedState(result.feed_id)
    now = result.fetched_at
    error_class = result.error_class or parse_error
    if error_class is None:
        changed = result.http_status != 304
        return FeedState(
            feed_id=result.feed_id,
            etag=result.etag if changed else (result.etag or prev.etag),
            last_modified=result.last_modified if changed else (result.last_modified or prev.last_modified),
            body_hash=result.body_hash if changed else prev.body_hash,
            last_attempt_at=now,
            last_success_at=now,
            consecutive_failures=0,
            last_error_class=None,
            last_error_message=None,
            next_due_at=next_due(now, 0, None, result.retry_after_s, BASE_INTERVAL_S, result.feed_id, result.http_status),
        )
    failures = prev.consecutive_failures if outage else prev.consecutive_failures + 1
    message = result.error_message if result.error_class else f"parse: {parse_error}"
    return FeedState(
        feed_id=result.feed_id,
        etag=prev.etag,
        last_modified=prev.last_modified,
        body_hash=prev.body_hash,
        last_attempt_at=now,
        last_success_at=prev.last_success_at,
        consecutive_failures=failures,
        last_error_class=error_class,
        last_error_message=(message or "")[:500],
        next_due_at=next_due(now, failures, error_class, result.retry_after_s, BASE_INTERVAL_S, result.feed_id, result.http_status),
    )
