"""`newsmon feeds check`: fetch every feed of a registry once and say whether it works.

Nothing is stored: each feed is fetched with the run's own fetcher (same politeness, size caps and
address guard, the feed's own User-Agent and headers), parsed, and given one verdict:

  ok          a feed with items, the newest younger than `stale_after` (or items without dates)
  empty       a well-formed feed with no items
  stale       a feed whose newest item is older than `stale_after`
  blocked     401/403/407/451, or an anti-bot challenge page (try `user_agent=browser`, or another egress)
  not_a_feed  an HTML page or a document feedparser cannot read as a feed
  dead        404/410 and other client errors, DNS failure, bad URL, redirect loops or redirects to
              addresses that are refused
  failing     a failure that may pass: 5xx, 429, timeouts, refused or reset connections, TLS errors,
              truncated or oversized bodies

The declared language (registry) is shown beside the language detected from the item titles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsmon.extract import html_to_text, title_to_text
from newsmon.feed_health import NETWORK_ERRORS
from newsmon.feed_options import fetch_request_for
from newsmon.fetch import FetchSettings, fetch_feeds
from newsmon.language.detect import detect_language
from newsmon.netguard import Resolver
from newsmon.parse import parse_feed
from newsmon.records import Entry, Feed, FetchResult, ParsedFeed
from newsmon.urls import redact_url

VERDICTS = ("ok", "empty", "stale", "blocked", "not_a_feed", "dead", "failing")
DEFAULT_STALE_AFTER = timedelta(days=3)
BLOCKED_STATUSES = frozenset({401, 403, 407, 451})
DEAD_ERRORS = frozenset({"dns", "bad_url", "too_many_redirects", "private_network", "insecure_redirect"})
LANGUAGE_SAMPLE = 20  # items whose language is detected
SUMMARY_CHARS = 300  # of each item's summary, added to its title for detection


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """The outcome of checking one feed."""

    feed_id: str
    name: str
    url: str
    active: bool
    role: str
    verdict: str  # one of VERDICTS
    http_status: int | None
    error_class: str | None  # the fetch's or the parser's error class, None when it parsed
    items: int
    newest_age: timedelta | None  # now - the newest item's date; None without dated items
    declared_language: str | None
    detected_language: str | None  # majority over a sample of items; None when nothing could tell
    detected_share: float | None  # share of the sampled items in detected_language
    detail: str  # why: the error message, or what the verdict rests on
    duration_ms: int = 0


def check_feeds(
    feeds: Sequence[Feed], fetch_settings: FetchSettings, now: datetime, *,
    resolver: Resolver | None = None, stale_after: timedelta = DEFAULT_STALE_AFTER, max_entries: int = 500,
) -> list[FeedCheck]:
    """Fetch each feed once (no validators, so every feed answers in full), parse it and judge it.
    Results are in input order. `resolver` replaces DNS (tests); `now` dates the staleness check."""
    requests = [fetch_request_for(feed) for feed in feeds]
    results = fetch_feeds(requests, fetch_settings, resolver=resolver)
    return [check_one(feed, result, now, stale_after, max_entries)
            for feed, result in zip(feeds, results, strict=True)]


def check_one(feed: Feed, result: FetchResult, now: datetime, stale_after: timedelta = DEFAULT_STALE_AFTER,
              max_entries: int = 500) -> FeedCheck:
    """The verdict on one fetched feed (pure: parses the body it is given)."""
    parsed = None
    body = result.body()
    if result.is_ok and body is not None:
        parsed = parse_feed(feed.feed_id, body, result.fetched_at, base_url=result.final_url,
                            content_type=result.content_type, declared_language=feed.language,
                            max_entries=max_entries)
    entries = parsed.entries if parsed is not None else ()
    dates = [entry.published_at for entry in entries if entry.published_at is not None]
    newest_age = now - max(dates) if dates else None
    verdict, detail = judge(result, parsed, newest_age, stale_after)
    detected, share = detect_feed_language(entries)
    return FeedCheck(
        feed_id=feed.feed_id, name=feed.name, url=redact_url(feed.url), active=feed.active, role=feed.role,
        verdict=verdict, http_status=result.http_status,
        error_class=result.error_class or (parsed.error_class if parsed is not None else None),
        items=len(entries), newest_age=newest_age, declared_language=feed.language,
        detected_language=detected, detected_share=share, detail=detail, duration_ms=result.duration_ms,
    )


def judge(
    result: FetchResult, parsed: ParsedFeed | None, newest_age: timedelta | None, stale_after: timedelta
) -> tuple[str, str]:
    """(verdict, detail) for a fetch result and what its body parsed into."""
    error = result.error_class
    status = result.http_status
    if error is not None:
        message = result.error_message or error
        if error == "blocked" or (error == "http_4xx" and status in BLOCKED_STATUSES):
            return "blocked", message
        if error == "not_a_feed":
            return "not_a_feed", message
        if error in DEAD_ERRORS or error == "http_4xx":
            return "dead", message
        return "failing", message
    if parsed is None:  # a 304 cannot happen without validators; say so rather than guess
        return "failing", f"no body (HTTP {status})"
    if parsed.error_class == "blocked":
        return "blocked", parsed.error_message or "an anti-bot challenge page"
    if parsed.error_class is not None:
        return "not_a_feed", parsed.error_message or parsed.error_class
    if not parsed.entries:
        return "empty", "a feed with no items"
    if newest_age is None:
        return "ok", f"{len(parsed.entries)} items without dates"
    if newest_age > stale_after:
        return "stale", f"newest item {format_age(newest_age)} old (stale after {format_age(stale_after)})"
    return "ok", f"newest item {format_age(newest_age)} old"


def detect_feed_language(entries: Sequence[Entry]) -> tuple[str | None, float | None]:
    """The language most of the sampled items are written in, and its share of the items that could
    be told; (None, None) when none could. Detection runs without the declared language as a hint,
    so a wrong declaration shows."""
    guesses = Counter()
    for entry in entries[:LANGUAGE_SAMPLE]:
        title = title_to_text(entry.title_html)
        summary = html_to_text(entry.summary_html, max_chars=SUMMARY_CHARS)
        if not (title or summary):
            continue
        lang = detect_language(title, summary).lang
        if lang != "und":
            guesses[lang] += 1
    if not guesses:
        return None, None
    lang, count = guesses.most_common(1)[0]
    return lang, count / sum(guesses.values())


# --- the table -------------------------------------------------------------------------------------


def format_age(age: timedelta | None) -> str:
    if age is None:
        return "-"
    hours = age.total_seconds() / 3600
    if hours < 48:
        return f"{max(hours, 0):.1f}h"
    return f"{hours / 24:.0f}d"


def format_language(check: FeedCheck) -> str:
    """`ru`, `ru>en 90%` when the items are in another language than declared, `ru>?` when untold."""
    declared = check.declared_language or "?"
    if check.detected_language is None:
        return declared if check.items == 0 else f"{declared}>?"
    if check.detected_language == check.declared_language:
        return declared
    share = f" {check.detected_share:.0%}" if check.detected_share is not None else ""
    return f"{declared}>{check.detected_language}{share}"


def format_check_table(checks: Sequence[FeedCheck], detail_width: int = 70) -> str:
    """A plain-text table, one line per feed, and a closing line counting the verdicts."""
    header = ("feed_id", "verdict", "status", "items", "newest", "lang", "detail")
    rows = []
    for check in checks:
        feed_id = check.feed_id
        if not check.active:
            feed_id += " (fallback)" if check.role == "fallback" else " (off)"
        detail = " ".join(check.detail.split())
        if len(detail) > detail_width:
            detail = detail[: detail_width - 1] + "…"
        rows.append((feed_id, check.verdict, str(check.http_status or "-"), str(check.items),
                     format_age(check.newest_age), format_language(check), detail))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.rjust(width) if i == 3 else cell.ljust(width)  # items: a number, right-aligned
                 for i, (cell, width) in enumerate(zip(row, widths, strict=False))]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    counts = Counter(check.verdict for check in checks)
    lines.append(f"{len(checks)} feeds: " + ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts[v]))
    if is_connection_down(checks):
        lines.append("nearly every feed failed before any HTTP answer: check this machine's network or DNS "
                     "before believing these verdicts")
    return "\n".join(lines) + "\n"


def is_connection_down(checks: Sequence[FeedCheck], min_feeds: int = 3, share: float = 0.9) -> bool:
    """True when (nearly) every feed failed at the network level: the fault is ours, not the feeds'."""
    if len(checks) < min_feeds:
        return False
    failed = sum(1 for c in checks if c.error_class in NETWORK_ERRORS and c.http_status is None)
    return failed >= share * len(checks)
