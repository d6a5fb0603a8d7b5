"""The pure middle of a run: fetched documents -> entries -> new or changed articles.

Order matters for cost: identities (article_id and a hash of the raw entry) are computed
right after parsing, so entries already stored unchanged are dropped before the
expensive stages (HTML cleaning, language detection, topic matching) ever see them.

Some feeds give an item a new identity on every fetch: no link and a fresh GUID, or a link
with a cache-buster the canonical form does not know. Each candidate therefore also carries
an `identity_key` (its feed, the shape of its link, its normalised title and content). A
candidate whose article_id is not stored is looked up by that key (store.read_known_articles)
and, when it is recognised (`match_stored`), takes the stored article_id: the article is
updated, never added again. Existing article_ids never change.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from newsmon.extract import html_to_text, title_to_text
from newsmon.language.detect import detect_language
from newsmon.parse import parse_feed
from newsmon.records import Article, Entry, Feed, FetchResult, ParsedFeed, Record
from newsmon.stories.cluster import fingerprint
from newsmon.topics.match import TopicRules, load_topic_rules, match_topics
from newsmon.urls import article_id as make_article_id
from newsmon.urls import canonical_url, stable_hash, url_shape

# Language detection reads a bounded prefix: its cost grows with length, its accuracy does not.
LANGUAGE_PREFIX_CHARS = 400
# The identity key reads this much of an entry's HTML: enough to tell two items apart, bounded in cost.
IDENTITY_CONTENT_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Candidate(Record):
    """A parsed entry with its identity, before any expensive work."""

    article_id: str
    raw_hash: str  # changes when the outlet edits the entry
    entry: Entry
    feed_ids: tuple[str, ...]  # every feed in this run that carried it
    identity_key: str = ""  # the fallback identity (identity_key()) when article_id is not stored


@dataclass(frozen=True, slots=True)
class StoredMatch(Record):
    """A stored article that an unrecognised candidate may be (read by store.read_known_articles)."""

    candidate_id: str  # the article_id the candidate computed
    article_id: str
    content_hash: str
    url: str | None
    canonical_url: str | None
    published_at: datetime | None
    first_seen_at: datetime


class KnownArticles(dict):
    """article_id -> stored content hash of the candidates already stored, plus `aliases`: the
    article_id a candidate computed -> the stored article_id it was recognised as."""

    def __init__(self, hashes=(), aliases: Mapping[str, str] | None = None) -> None:
        super().__init__(hashes)
        self.aliases: dict[str, str] = dict(aliases or {})


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


_TAG = re.compile(r"<[^>]*>")


def _normalised(markup: str) -> str:
    """Text for comparison only: tags dropped, entities decoded, NFKC, case folded, spaces collapsed."""
    text = unicodedata.normalize("NFKC", html.unescape(_TAG.sub(" ", markup))).casefold()
    return " ".join(text.split())


def identity_key(entry: Entry) -> str:
    """The fallback identity of an entry: its feed, the shape of its link (urls.url_shape: without
    values generated per request; empty without a link), its normalised title and a hash of its
    normalised content. Two fetches of one item whose GUID or cache-buster changed share it."""
    body = entry.content_html if len(entry.content_html) > len(entry.summary_html) else entry.summary_html
    content = hashlib.blake2b(_normalised(body[:IDENTITY_CONTENT_CHARS]).encode("utf-8"), digest_size=8).hexdigest()
    return stable_hash("identity", entry.feed_id, url_shape(entry.url) or "", _normalised(entry.title_html), content)


def identify_entries(parsed: Iterable[ParsedFeed]) -> list[Candidate]:
    """One candidate per distinct article in this run (an article carried by two feeds appears once)."""
    by_id: dict[str, Candidate] = {}
    for feed in parsed:
        for entry in feed.entries:
            key = make_article_id(entry.url, entry.guid, entry.feed_id, entry.title_html, entry.summary_html)
            seen = by_id.get(key)
            if seen is None:
                by_id[key] = Candidate(key, entry_hash(entry), entry, (entry.feed_id,), identity_key(entry))
            elif entry.feed_id not in seen.feed_ids:
                by_id[key] = replace(seen, feed_ids=seen.feed_ids + (entry.feed_id,))
    return list(by_id.values())


def match_stored(candidates: Sequence[Candidate], matches: Iterable[StoredMatch]) -> dict[str, str]:
    """The candidates recognised as stored articles: candidate article_id -> stored article_id.

    `candidates` is the batch that was looked up (all of it: what it holds decides), `matches` the
    stored articles sharing a candidate's identity key (or, stored before keys existed, its feed and
    raw hash). A stored article is taken only when
      - it is not itself in the batch (then both are live items: a daily briefing, a live blog),
      - no other candidate of the batch has the same key (two live items that look alike),
      - its link has the same shape (urls.url_shape) and its publication time is the same (or unknown),
    the oldest such article first, each stored article for one candidate at most."""
    batch_ids = {c.article_id for c in candidates}
    key_counts = Counter(c.identity_key for c in candidates)
    by_candidate: dict[str, list[StoredMatch]] = {}
    for match in matches:
        by_candidate.setdefault(match.candidate_id, []).append(match)
    aliases: dict[str, str] = {}
    taken: set[str] = set()
    for candidate in candidates:
        options = by_candidate.get(candidate.article_id)
        if not options or key_counts[candidate.identity_key] > 1:
            continue
        shape = url_shape(candidate.entry.url)
        published = candidate.entry.published_at
        fitting = sorted(
            (m for m in options
             if m.article_id not in batch_ids and m.article_id not in taken
             and _stored_shape(m) == shape
             and (published is None or m.published_at is None or m.published_at == published)),
            key=lambda m: (m.first_seen_at, m.article_id),
        )
        if fitting:
            aliases[candidate.article_id] = fitting[0].article_id
            taken.add(fitting[0].article_id)
    return aliases


def _stored_shape(match: StoredMatch) -> str | None:
    if match.canonical_url:
        return url_shape(match.canonical_url)
    return url_shape(canonical_url(match.url)) if match.url else None  # stored before migration 005


def adopt_stored_ids(candidates: Sequence[Candidate], known: Mapping[str, str]) -> list[Candidate]:
    """The candidates, those recognised as stored articles (KnownArticles.aliases) under the stored
    article_id."""
    aliases = getattr(known, "aliases", None)
    if not aliases:
        return list(candidates)
    return [replace(c, article_id=aliases[c.article_id]) if c.article_id in aliases else c for c in candidates]


def select_changed(candidates: Sequence[Candidate], known: Mapping[str, str]) -> list[Candidate]:
    """Candidates that are new, or stored with a different raw hash (edited by the outlet); those
    recognised as stored articles come under the stored article_id."""
    return [c for c in adopt_stored_ids(candidates, known) if known.get(c.article_id) != c.raw_hash]


def build_article(candidate: Candidate, rules: TopicRules | None, feed_side: str | None, now: datetime) -> Article:
    """Clean, detect the language of, and tag one entry."""
    entry = candidate.entry
    title = title_to_text(entry.title_html)
    body = entry.content_html if len(entry.content_html) > len(entry.summary_html) else entry.summary_html
    text = html_to_text(body)
    if text == title:
        text = ""
    guess = detect_language(title, text[:LANGUAGE_PREFIX_CHARS], hint=entry.feed_language)
    # The detected language gates cue and relation words (newsmon/topics/match.py), as in `newsmon tag`.
    topics = match_topics(title, text, rules, feed_side=feed_side, lang=guess.lang) if rules is not None else ()
    return Article(
        article_id=candidate.article_id,
        feed_id=entry.feed_id,
        url=entry.link or entry.url,
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
        canonical_url=entry.url,
        identity_key=candidate.identity_key or None,
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
