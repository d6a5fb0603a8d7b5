"""Polling policy, pure: when a feed is due again, and its next FeedState after one fetch.

Validators (ETag, Last-Modified, body hash) change only on a successful 200 and are
stored in the same transaction as the articles they describe, so they can never run
ahead of committed data. Failures back off (capped, jittered) but a feed is never
disabled, and a run where the network itself was down does not count against feeds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from newsmon.records import FeedState, FetchResult
from newsmon.urls import redact_urls_in

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
        last_error_message=(redact_urls_in(message) or "")[:500],
        next_due_at=next_due(now, failures, error_class, result.retry_after_s, BASE_INTERVAL_S, result.feed_id, result.http_status),
    )


FEED_BACKOFF_CAP_S = 24 * 3600.0
NETWORK_ERRORS = frozenset({"dns", "refused", "timeout", "timeout_total", "network", "tls"})
# Errors that will not go away by themselves soon: back off faster.
HARD_ERRORS = frozenset({"dns", "bad_url", "not_a_feed", "blocked", "private_network", "too_large",
                         "too_many_redirects", "insecure_redirect", "tls"})


def next_due(
    now: datetime, consecutive_failures: int, error_class: str | None, retry_after_s: float | None,
    base_interval_s: float, feed_id: str, http_status: int | None = None,
) -> datetime:
    """When to poll a feed next: base interval on success; capped exponential backoff on
    failure (hard errors grow faster); never earlier than Retry-After; never later than
    24 h (a feed is never given up). Jitter is a fixed fraction per feed_id, so it spreads
    feeds apart but is stable across runs and in tests."""
    jitter = 1.0 - 0.1 * (int(hashlib.sha256(feed_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF)
    cap = max(FEED_BACKOFF_CAP_S, base_interval_s)
    if error_class is None:
        delay = base_interval_s
    else:
        failures = min(max(consecutive_failures, 1), 30)
        is_hard = error_class in HARD_ERRORS or (
            error_class == "http_4xx" and http_status not in (408, 425, 429)
        )
        delay = base_interval_s * 2 ** (failures + 1 if is_hard else failures - 1)
    delay = min(delay, cap) * jitter
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, cap))
    return now + timedelta(seconds=max(0.0, delay))


def is_network_outage(results: Sequence[FetchResult], min_feeds: int = 3, share: float = 0.9) -> bool:
    """True when (nearly) every feed failed at the network level with no HTTP answer: our own
    connection is down, so per-feed failure counters should not grow (Miniflux #2150)."""
    if len(results) < min_feeds:
        return False
    failed = sum(1 for r in results if r.error_class in NETWORK_ERRORS and r.http_status is None)
    return failed >= share * len(results)
