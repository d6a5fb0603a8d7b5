"""Typed records passed between pipeline stages.

Each stage has its own frozen record type; library output (feedparser dicts, httpx
responses, DuckDB rows) is converted to these at the boundary and nowhere else.
All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime


class Record:
    """Base of the records: one pickles as its class and its field values.

    Records cross the process boundary to and from the build workers by the hundred thousand.
    Slotted frozen dataclasses otherwise pickle through dataclasses' generic __getstate__ and
    __setstate__, which look up the class's fields() for every object: loading a chunk of built
    articles took three times as long."""

    __slots__ = ()

    def __reduce__(self):
        return type(self), tuple(map(self.__getattribute__, self.__slots__))


@dataclass(frozen=True, slots=True)
class Feed(Record):
    """One row of the feed registry (seeds/feeds.csv)."""

    feed_id: str
    name: str
    url: str
    language: str | None = None  # declared language: a hint for detection, not the answer
    country: str | None = None  # ISO 3166-1 alpha-2 of the outlet, when known
    active: bool = True
    # When the outlet itself speaks for one side of a topic (KCNA, Rodong Sinmun -> "dprk";
    # TASS is a Russian outlet but reports on everything, so it is left empty), the feed's
    # context may stand in for that side in topic matching.
    side: str | None = None
    # Per-feed options (optional CSV columns; grammar and rules in newsmon/feeds.py).
    role: str = "primary"  # "fallback": not polled on its own, fetched when a feed naming it fails
    critical: bool = False  # a primary source watched closely: its failure or silence is an alert
    fallbacks: tuple[str, ...] = ()  # ids of role=fallback feeds fetched when this one fails or is empty
    user_agent: str | None = None  # a preset name ("browser") or a literal User-Agent; None = ours
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers, in order (tuples: hashable)
    interval_hours: float | None = None  # poll at most this often; None = the run's schedule
    fulltext: bool = False  # fetch the article pages for full text (the items carry teasers only)
    notes: str | None = None  # what the feed covers, and why it is configured so


@dataclass(frozen=True, slots=True)
class FetchRequest(Record):
    """What the fetcher needs for one feed: the URL, the validators from the last good fetch, and
    the feed's own request options (sent on every hop)."""

    feed_id: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None  # sha256 hex of the last parsed body
    user_agent: str | None = None  # the literal User-Agent to send instead of FetchSettings.user_agent
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers (never validators or encodings)


@dataclass(frozen=True, slots=True)
class FetchResult(Record):
    """The outcome of one fetch attempt. `error_class` is None on success (including 304)."""

    feed_id: str
    url: str
    fetched_at: datetime
    final_url: str | None = None  # after redirects; relative links resolve against it
    http_status: int | None = None
    content: bytes | None = None  # decoded (un-gzipped) body, capped in size; see body()
    content_type: str | None = None
    etag: str | None = None  # exactly as received
    last_modified: str | None = None  # exactly as received
    body_hash: str | None = None  # sha256 hex of content
    error_class: str | None = None  # e.g. dns, refused, timeout, http_4xx, too_large, not_a_feed
    error_message: str | None = None
    bytes: int = 0
    duration_ms: int = 0
    retry_after_s: float | None = None  # from a 429/503 Retry-After header, capped
    content_zlib: bool = False  # content is held zlib-compressed (compressed())

    @property
    def is_ok(self) -> bool:
        return self.error_class is None

    def compressed(self) -> FetchResult:
        """This result with its body held zlib-compressed. A run holds every fetched document until
        its chunk is parsed; feed XML shrinks ~4x (100k articles: ~60 MB of bodies)."""
        if self.content is None or self.content_zlib:
            return self
        return replace(self, content=zlib.compress(self.content, 1), content_zlib=True,
                       bytes=self.bytes or len(self.content))

    @property
    def body_size(self) -> int:
        """Length of the decoded body (0 without one)."""
        if self.content is None:
            return 0
        return self.bytes if self.content_zlib else len(self.content)

    def body(self) -> bytes | None:
        """The decoded body, as fetched."""
        if self.content_zlib and self.content is not None:
            return zlib.decompress(self.content)
        return self.content

    @property
    def is_not_modified(self) -> bool:
        return self.http_status == 304


@dataclass(frozen=True, slots=True)
class Entry(Record):
    """One feed item as parsed, before cleaning. HTML fields are raw (untrusted)."""

    feed_id: str
    url: str | None  # canonical http(s) URL (urls.canonical_url: for identity only) or None
    guid: str | None
    title_html: str
    summary_html: str
    content_html: str
    author: str | None
    published_at: datetime | None  # UTC; never in the future (clamped to fetch time)
    feed_language: str | None  # the feed's declared language (channel <language> or registry)
    link: str | None = None  # the http(s) link as the outlet published it (made absolute): what is stored and sent


@dataclass(frozen=True, slots=True)
class ParsedFeed(Record):
    """A parsed feed document: its entries, or a typed reason why there are none."""

    feed_id: str
    title: str | None
    language: str | None
    entries: tuple[Entry, ...]
    error_class: str | None = None  # not_a_feed, blocked, parse_timeout, parse_error
    error_message: str | None = None


@dataclass(frozen=True, slots=True)
class LanguageGuess(Record):
    """`lang` is an ISO 639-1 code (zh for Chinese), or "und" when the text is too short to tell."""

    lang: str
    prob: float


@dataclass(frozen=True, slots=True)
class Evidence(Record):
    """One matched term: which rule role it supports and where it was found."""

    term: str  # the term as written in seeds
    matched: str  # the text that matched
    role: str  # e.g. side:russia, side:dprk, subtopic:military
    lang: str  # language of the term row
    where: str  # title, text, feed (the feed's declared side), or body (the article page's text)
    entity: str = ""  # language-independent id of a named person/place/organisation (e.g. lavrov), if any
    offset: int = -1  # body evidence: character offset in article_texts.text (-1 elsewhere)
    snippet: str = ""  # body evidence: the text around it


@dataclass(frozen=True, slots=True)
class TopicHit(Record):
    topic: str
    score: float
    is_match: bool
    subtopics: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Article(Record):
    """A cleaned, language-tagged article ready to store."""

    article_id: str  # stable hash of the canonical URL (or GUID, or title+text); a stored one is kept
    feed_id: str
    url: str | None  # as the outlet published it
    guid: str | None
    title: str
    text: str
    author: str | None
    published_at: datetime | None
    first_seen_at: datetime
    lang: str
    lang_prob: float
    content_hash: str  # hash of title + text: an edited article gets a new one
    topics: tuple[TopicHit, ...] = field(default=())
    # The story-clustering fingerprint (stories.Fingerprint), computed with the other CPU-bound
    # work in the build workers rather than serially inside the store transaction.
    story_fingerprint: object = field(default=None, compare=False, repr=False)
    canonical_url: str | None = None  # the identity form of url (urls.canonical_url)
    identity_key: str | None = None  # feed + link shape + normalised title and content (articles.identity_key)


@dataclass(frozen=True, slots=True)
class FeedState(Record):
    """Validators and health of one feed, as stored in feed_state."""

    feed_id: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    last_error_class: str | None = None
    last_error_message: str | None = None
    next_due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RunSummary(Record):
    run_id: str
    started_at: datetime
    finished_at: datetime
    # completed, degraded (stored, but something it says in `warnings` went wrong), failed (nothing
    # useful stored: `message` says why), locked (the database was held), interrupted (Ctrl-C,
    # SIGTERM). The runs table also says `running` while a run is under way.
    status: str
    feeds_total: int = 0
    feeds_ok: int = 0
    feeds_failed: int = 0
    feeds_not_modified: int = 0
    feeds_skipped: int = 0  # not due yet (backing off after failures)
    entries_seen: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    new_by_lang: tuple[tuple[str, int], ...] = ()
    matches_new: int = 0
    errors: tuple[tuple[str, str], ...] = ()  # (feed_id, error_class) of failed feeds
    message: str = ""
    warnings: tuple[str, ...] = ()  # what degraded the run, one line each
