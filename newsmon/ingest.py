"""Pure bookkeeping around one ingest run: what to fetch, and what the run amounted to.

The flow (flows/ingest.py) calls these between its I/O tasks; the CLI and the
benchmarks use the same functions, so there is one definition of a run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from newsmon.feed_health import next_feed_state
from newsmon.fetch import is_network_outage
from newsmon.pipeline import Candidate
from newsmon.records import Article, Feed, FeedState, FetchRequest, FetchResult, ParsedFeed, RunSummary
from newsmon.stories import StoryItem


def plan_fetch(
    feeds: Sequence[Feed], states: Mapping[str, FeedState], now: datetime, force: bool = False
) -> tuple[list[FetchRequest], list[str]]:
    """Requests for the active feeds that are due, with their stored validators; and the ids skipped."""
    requests, skipped = [], []
    for feed in feeds:
        if not feed.active:
            continue
        state = states.get(feed.feed_id)
        if state and not force and state.next_due_at and state.next_due_at > now and state.consecutive_failures:
            skipped.append(feed.feed_id)
            continue
        requests.append(FetchRequest(
            feed_id=feed.feed_id,
            url=feed.url,
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
            body_hash=state.body_hash if state else None,
        ))
    return requests, skipped


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


@dataclass
class RunTally:
    """What one run's chunks amounted to, added up as each chunk is stored."""

    entries_by_feed: dict[str, int] = field(default_factory=dict)  # every parsed feed, even with 0 entries
    parse_errors: dict[str, str] = field(default_factory=dict)
    new_by_feed: Counter = field(default_factory=Counter)
    new_by_lang: Counter = field(default_factory=Counter)
    updated: int = 0
    matches_new: int = 0

    def add_parsed(self, parsed: Sequence[ParsedFeed]) -> None:
        for feed in parsed:
            self.entries_by_feed[feed.feed_id] = len(feed.entries)
            if feed.error_class:
                self.parse_errors[feed.feed_id] = feed.error_class

    def add_stored(self, articles: Sequence[Article], known: Mapping[str, str]) -> None:
        for article in articles:
            if article.article_id in known:
                self.updated += 1
                continue
            self.new_by_feed[article.feed_id] += 1
            self.new_by_lang[article.lang] += 1
            self.matches_new += any(t.is_match for t in article.topics)


def summarise(
    run_id: str,
    started_at: datetime,
    finished_at: datetime,
    results: Sequence[FetchResult],
    skipped: Sequence[str],
    tally: RunTally,
) -> RunSummary:
    failed = [(r.feed_id, r.error_class or tally.parse_errors[r.feed_id]) for r in results
              if r.error_class or r.feed_id in tally.parse_errors]
    articles_new = sum(tally.new_by_lang.values())
    return RunSummary(
        run_id=run_id,
        started_at=started_at,
        finished_at=finished_at,
        status="completed",
        feeds_total=len(results) + len(skipped),
        feeds_ok=len(results) - len(failed),
        feeds_failed=len(failed),
        # a 304 or an unchanged body is not parsed
        feeds_not_modified=sum(1 for r in results if r.is_ok and r.feed_id not in tally.entries_by_feed),
        feeds_skipped=len(skipped),
        entries_seen=sum(tally.entries_by_feed.values()),
        articles_new=articles_new,
        articles_updated=tally.updated,
        new_by_lang=tuple(sorted(tally.new_by_lang.items(), key=lambda kv: (-kv[1], kv[0]))),
        matches_new=tally.matches_new,
        errors=tuple(sorted(failed)),
        message=("every feed failed at the network level: a local outage, so no feed's failure count"
                 " was increased" if is_network_outage(results) else ""),
    )


def stored_anything(summary: RunSummary) -> bool:
    return bool(summary.articles_new or summary.articles_updated)


def story_items(articles: Sequence[Article], known: Mapping[str, str]) -> list[StoryItem]:
    """What story clustering needs of this run's new and edited articles. Entities for
    cross-language event linking are the entity ids of the topic evidence (story_index
    normalises them)."""
    return [
        StoryItem(
            article_id=a.article_id,
            feed_id=a.feed_id,
            title=a.title,
            text=a.text,
            lang=a.lang,
            published_at=a.published_at,
            first_seen_at=a.first_seen_at,
            entities=tuple(sorted({e.entity for t in a.topics for e in t.evidence if e.entity})),
            is_update=a.article_id in known,
            fingerprint=a.story_fingerprint,
        )
        for a in articles
    ]


def article_feed_pairs(candidates: Sequence[Candidate]) -> list[tuple[str, str]]:
    return [(c.article_id, feed_id) for c in candidates for feed_id in c.feed_ids]


def format_summary(summary: RunSummary) -> str:
    """The one-paragraph summary printed by `newsmon run` and published as an artifact."""
    langs = ", ".join(f"{lang} {n}" for lang, n in summary.new_by_lang) or "none"
    lines = [
        f"run {summary.run_id}: {summary.status} in {(summary.finished_at - summary.started_at).total_seconds():.1f} s",
        f"feeds: {summary.feeds_ok} ok ({summary.feeds_not_modified} unchanged), {summary.feeds_failed} failed,"
        f" {summary.feeds_skipped} backing off",
        f"entries seen: {summary.entries_seen}; new articles: {summary.articles_new} ({langs});"
        f" updated: {summary.articles_updated}; new topic matches: {summary.matches_new}",
    ]
    if summary.message:
        lines.append(summary.message)
    if summary.errors:
        shown = ", ".join(f"{feed} ({err})" for feed, err in summary.errors[:10])
        more = f" and {len(summary.errors) - 10} more" if len(summary.errors) > 10 else ""
        lines.append(f"failed feeds: {shown}{more}")
    return "\n".join(lines)


def format_summary_markdown(summary: RunSummary) -> str:
    """The run summary as a Prefect markdown artifact."""
    rows = "\n".join(f"| {lang} | {n} |" for lang, n in summary.new_by_lang) or "| - | 0 |"
    errors = "\n".join(f"- `{feed}`: {err}" for feed, err in summary.errors) or "- none"
    return (
        f"# newsmon ingest run `{summary.run_id}`\n\n"
        f"- status: **{summary.status}**\n"
        f"- feeds: {summary.feeds_ok} ok ({summary.feeds_not_modified} unchanged), "
        f"{summary.feeds_failed} failed, {summary.feeds_skipped} backing off\n"
        f"- entries seen: {summary.entries_seen}; new articles: **{summary.articles_new}**; "
        f"updated: {summary.articles_updated}; new topic matches: **{summary.matches_new}**\n\n"
        f"## New articles by language\n\n| lang | new |\n|---|---|\n{rows}\n\n"
        f"## Failed feeds\n\n{errors}\n"
    )
