"""The pure middle of a run: fetched documents -> entries -> new or changed articles.

Order matters for cost: identities (article_id and a hash of the raw entry) are computed
right after parsing, so entries already stored unchanged are dropped before the
expensive stages (HTML cleaning, language detection, topic matching) ever see them.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsmon.extract import html_to_text, title_to_text
from newsmon.language.detect import detect_language
from newsmon.parse import parse_feed
from newsmon.records import Article, Entry, Feed, FetchResult, ParsedFeed, Record
from newsmon.stories.cluster import fingerprint
from newsmon.topics.match import TopicRules, load_topic_rules, match_topics
from newsmon.urls import article_id as make_article_id

# Language detection reads a bounded prefix: its cost grows with length, its accuracy does not.
LANGUAGE_PREFIX_CHARS = 400


@dataclass(frozen=True, slots=True)
class Candidate(Record):
    """A parsed entry with its identity, before any expensive work."""

    article_id: str
    raw_hash: str  # changes when the outlet edits the entry
    entry: Entry
    feed_ids: tuple[str, ...]  # every feed in this run that carried it


def parse_results(results: Sequence[FetchResult], feeds: Mapping[str, Feed], max_entries: int) -> list[ParsedFeed]:
    """Parse every successfully fetched body (304s and failures have nothing to parse)."""
    parsed = []
    for result in results:
        if not result.is_ok or result.content is None:
            continue
        feed = feeds.get(result.feed_id)
        parsed.append(
            parse_feed(
                result.feed_id,
                result.body(),
                result.fetched_at,
                base_url=result.final_url or result.url,
                content_type=result.content_type,
                declared_language=feed.language if feed else None,
                max_entries=max_entries,
            )
        )
    return parsed


def entry_hash(entry: Entry) -> str:
    raw = "\x1f".join((entry.title_html, entry.summary_html, entry.content_html))
    return hashlib.blake2b(raw.encode("utf-8", "replace"), digest_size=8).hexdigest()


def identify_entries(parsed: Iterable[ParsedFeed]) -> list[Candidate]:
    """One candidate per distinct article in this run (an article carried by two feeds appears once)."""
    by_id: dict[str, Candidate] = {}
    for feed in parsed:
        for entry in feed.entries:
            key = make_article_id(entry.url, entry.guid, entry.feed_id, entry.title_html, entry.summary_html)
            seen = by_id.get(key)
            if seen is None:
                by_id[key] = Candidate(key, entry_hash(entry), entry, (entry.feed_id,))
            elif entry.feed_id not in seen.feed_ids:
                by_id[key] = Candidate(key, seen.raw_hash, seen.entry, seen.feed_ids + (entry.feed_id,))
    return list(by_id.values())


def select_changed(candidates: Sequence[Candidate], known: Mapping[str, str]) -> list[Candidate]:
    """Candidates that are new, or stored with a different raw hash (edited by the outlet)."""
    return [c for c in candidates if known.get(c.article_id) != c.raw_hash]


def build_article(candidate: Candidate, rules: TopicRules | None, feed_side: str | None, now: datetime) -> Article:
    """Clean, detect the language of, and tag one entry."""
    entry = candidate.entry
    title = title_to_text(entry.title_html)
    body = entry.content_html if len(entry.content_html) > len(entry.summary_html) else entry.summary_html
    text = html_to_text(body)
    if text == title:
        text = ""
    guess = detect_language(title, text[:LANGUAGE_PREFIX_CHARS], hint=entry.feed_language)
    topics = match_topics(title, text, rules, feed_side=feed_side) if rules is not None else ()
    return Article(
        article_id=candidate.article_id,
        feed_id=entry.feed_id,
        url=entry.url,
        guid=entry.guid,
        title=title,
        text=text,
        author=entry.author,
        published_at=entry.published_at,
        first_seen_at=now,
        lang=guess.lang,
        lang_prob=round(guess.prob, 4),
        content_hash=candidate.raw_hash,
        topics=topics,
        story_fingerprint=fingerprint(title, text),
    )


def build_articles(
    candidates: Sequence[Candidate], rules: TopicRules | None, feeds: Mapping[str, Feed], now: datetime
) -> list[Article]:
    return [
        build_article(c, rules, _feed_side(feeds, c.feed_ids), now)
        for c in candidates
    ]


def _feed_side(feeds: Mapping[str, Feed], feed_ids: Sequence[str]) -> str | None:
    for feed_id in feed_ids:
        feed = feeds.get(feed_id)
        if feed is not None and feed.side:
            return feed.side
    return None


def topic_rules(seeds_dir) -> TopicRules:
    """The topic rules of `seeds_dir`, compiled once per process and again when a seed file changes
    (a long-running `newsmon serve` picks up rule edits without a restart)."""
    files = [os.path.join(seeds_dir, name) for name in ("topics.csv", "topic_terms.csv")]
    return _compiled_rules(str(seeds_dir), tuple(os.stat(f).st_mtime_ns for f in files))


@functools.lru_cache(maxsize=4)
def _compiled_rules(seeds_dir: str, mtimes: tuple[int, ...]) -> TopicRules:
    return load_topic_rules(Path(seeds_dir))
