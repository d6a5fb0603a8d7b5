"""Pure planning of one ingest run: which feeds to fetch and how to batch them, and how the
fetched documents are cut into chunks (the run loop, newsmon/run/loop.py, calls these)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from newsmon.articles import Candidate
from newsmon.feed_health import is_network_outage, next_feed_state
from newsmon.feed_options import fetch_request_for
from newsmon.records import Feed, FeedState, FetchRequest, FetchResult


def plan_fetch(
    feeds: Sequence[Feed], states: Mapping[str, FeedState], now: datetime, force: bool = False
) -> tuple[list[FetchRequest], list[str]]:
    """Requests for the active feeds that are due, with their stored validators; and the ids skipped."""
    requests, skipped = [], []
    for feed in feeds:
        if not feed.active:
            continue
        state = states.get(feed.feed_id)
        if state and not force and (_backing_off(state, now) or _polled_recently(feed, state, now)):
            skipped.append(feed.feed_id)
            continue
        requests.append(fetch_request_for(feed, state.etag, state.last_modified, state.body_hash) if state
                        else fetch_request_for(feed))
    return requests, skipped


def _backing_off(state: FeedState, now: datetime) -> bool:
    return bool(state.consecutive_failures and state.next_due_at and state.next_due_at > now)


def _polled_recently(feed: Feed, state: FeedState, now: datetime) -> bool:
    """A feed with its own interval (feeds.csv `interval_hours`) waits that long after a success."""
    return bool(feed.interval_hours and state.last_success_at
                and state.last_success_at + timedelta(hours=feed.interval_hours) > now)


def group_by_host(requests: Sequence[FetchRequest], groups: int) -> list[list[FetchRequest]]:
    """Split requests into at most `groups` batches, keeping each host in one batch
    (so per-host politeness limits hold inside the fetcher that serves that batch)."""
    by_host: dict[str, list[FetchRequest]] = {}
    for request in requests:
        by_host.setdefault((urlsplit(request.url).hostname or "").lower(), []).append(request)
    batches: list[list[FetchRequest]] = [[] for _ in range(max(1, min(groups, len(by_host))))]
    for host_requests in sorted(by_host.values(), key=len, reverse=True):
        min(batches, key=len).extend(host_requests)
    return [b for b in batches if b]


def drop_unchanged_bodies(results: Sequence[FetchResult], requests: Sequence[FetchRequest]) -> list[FetchResult]:
    """A 200 whose body hash equals the last parsed body is treated like a 304: nothing to parse.
    (Validators alone are unreliable: many servers ignore them or change ETags on every request.)"""
    previous = {r.feed_id: r.body_hash for r in requests}
    out = []
    for result in results:
        if result.is_ok and result.body_hash and result.body_hash == previous.get(result.feed_id):
            result = replace(result, content=None)
        out.append(result)
    return out


def next_states(
    results: Sequence[FetchResult], parse_errors: Mapping[str, str], states: Mapping[str, FeedState]
) -> list[FeedState]:
    outage = is_network_outage(results)
    return [
        next_feed_state(states.get(r.feed_id), r, parse_errors.get(r.feed_id), outage) for r in results
    ]


def chunk_by_bytes(results: Sequence[FetchResult], max_bytes: int) -> list[list[FetchResult]]:
    """The documents to parse, in consecutive chunks of at most `max_bytes` (one larger document
    makes a chunk of its own). A run processes one chunk at a time, so its memory stays bounded."""
    chunks: list[list[FetchResult]] = []
    size = max_bytes
    for result in results:
        if not result.is_ok or result.content is None:
            continue
        if size + result.body_size > max_bytes and (not chunks or chunks[-1]):
            chunks.append([])
            size = 0
        chunks[-1].append(result)
        size += result.body_size
    return chunks


def first_sightings(candidates: Sequence[Candidate], seen: set[str]) -> list[Candidate]:
    """Candidates not met in an earlier chunk of this run; records them in `seen`. (An article
    carried by feeds in two chunks is built once; the later feed only adds an article_feeds row.)"""
    fresh = [c for c in candidates if c.article_id not in seen]
    seen.update(c.article_id for c in fresh)
    return fresh


def article_feed_pairs(candidates: Sequence[Candidate]) -> list[tuple[str, str]]:
    return [(c.article_id, feed_id) for c in candidates for feed_id in c.feed_ids]


def never_parsed(requests: Sequence[FetchRequest]) -> int:
    """Feeds of a run with no body parsed before (a first run, added feeds): they bring all their
    entries. Feeds parsed before mostly answer 304 or an unchanged body."""
    return sum(1 for request in requests if request.body_hash is None)
