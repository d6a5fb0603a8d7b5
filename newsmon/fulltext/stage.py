"""The run's `fulltext` step: candidates -> robots.txt -> pages -> text, walls, tags -> one transaction.

Called by run/loop.py after the chunks are stored (a Prefect task in flows/ingest.py). It opens
the database itself, as every step does; the run holds the writer lock. Pages are extracted and
tagged on the run's executor when its workers are running (a run that built enough articles to
start them: its other cores would otherwise sit idle through this step), else in this process,
which is cheaper than starting workers for a few pages.

The transaction writes article_texts, the re-tagged articles' topics, their stories' events
(events/body.py: a story that matches only through its body is linked as a new story would be; a
story alone in its event may join another through its page's lede, recorded in event_merges) and
then the alerts, so an alert rule reading events sees them. All of it follows the pages read, so
the page budget bounds it.

Story clustering does not use the body, by decision. Measured with bench/eval_stories.py: the copy
rules (title key, MinHash on title + feed text) find 68 of the 72 same-story pairs with precision
1.000; the 4 they miss (edited copies of one wire report) all share an event by the event linker's
pair score (2.0 to 6.5, the threshold is 1.25), so the report, which groups by event, shows them
together already. What is left cannot be had safely: a page arrives after its article was given a
story, and joining two stored stories means renumbering one (articles.story_id, the story index,
event_stories, and the identity (rule, story, destination) of alerts already sent, which would
name a story that no longer exists) or a story-merge table that every reader of story_id would have to follow. And only
candidates' pages are fetched (at most the budget, a few per host), so both copies of a report
rarely have one.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from time import monotonic

import duckdb
import pyarrow as pa

from newsmon import store
from newsmon.alerts import outbox
from newsmon.db import registered, sql, transaction
from newsmon.events.body import BodyArticle, BodyLinks, link_bodies
from newsmon.fetch import FetchSettings, fetch_pages
from newsmon.fulltext.candidates import Candidate, select_candidates
from newsmon.fulltext.config import FulltextBudget
from newsmon.fulltext.extract import EXTRACTOR, PageText, extract_page
from newsmon.fulltext.robots import MAX_ROBOTS_BYTES, RobotsFile, RobotsRules, origin_of, robots_from_result, robots_request
from newsmon.fulltext.tagging import BodyTags, tag_body
from newsmon.fulltext.walls import detect_wall
from newsmon.netguard import Resolver
from newsmon.records import Feed, FetchResult, TopicHit
from newsmon.topics.match import TopicRules, load_topic_rules

LOG = logging.getLogger("newsmon.fulltext")
# Failures worth another try by a later run (with backoff), up to FulltextBudget.max_attempts.
TRANSIENT = frozenset({"timeout", "timeout_total", "http_5xx", "rate_limited", "network", "refused", "dns",
                       "truncated", "internal"})
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What became of one candidate's page (a row of article_texts)."""

    candidate: Candidate
    status: str  # ok, not_modified, paywall, consent, antibot, robots_disallowed, not_html, empty, or an error_class
    result: FetchResult | None = None
    page: PageText | None = None
    tags: BodyTags | None = None


@dataclass(frozen=True, slots=True)
class FulltextReport:
    candidates: int = 0
    statuses: tuple[tuple[str, int], ...] = ()  # (status, pages), most common first
    deferred: int = 0  # left for a later run: the time budget ran out before their turn
    new_matches: int = 0  # articles that match on their body and did not on their feed text
    downgraded: int = 0  # matched on their feed text, not on their body
    alerts: int = 0  # outbox rows written for stories that now match
    events_linked: int = 0  # stories that match through their body, linked to an event
    events_merged: int = 0  # events found one with another through a story's page (event_merges)
    seconds: float = 0.0
    fetch_seconds: float = 0.0
    extract_seconds: float = 0.0  # extraction, wall detection and tagging
    failure: str = ""  # why the stage stopped (the run goes on: feeds and their alerts are stored already)

    def line(self) -> str:
        if self.failure:
            return f"full text failed: {self.failure}"
        counts = ", ".join(f"{n} {status}" for status, n in self.statuses) or "none"
        return (f"full text: {self.candidates} candidates ({counts}; {self.deferred} deferred), {self.new_matches} new"
                f" matches from the body, {self.downgraded} downgraded, {self.alerts} alerts,"
                f" {self.events_linked} linked to events, {self.events_merged} events merged, in {self.seconds:.1f} s")


def page_settings(fetch: FetchSettings, budget: FulltextBudget) -> FetchSettings:
    """The feed fetcher's settings (User-Agent, private-network policy) with the page budget's limits."""
    return replace(fetch, total_timeout_s=budget.timeout_s, max_bytes=budget.max_bytes,
                   per_host_concurrency=budget.per_host_concurrency,
                   per_host_min_interval_s=budget.per_host_interval_s,
                   concurrency=max(budget.concurrency, budget.per_host_concurrency))


def fetch_fulltext(config, feeds_by_id: Mapping[str, Feed], now: datetime, executor=None,
                   resolver: Resolver | None = None, rules: TopicRules | None = None) -> FulltextReport:
    """The step: `config` is the run's RunConfig (db_path, lock_wait_s, fetch, fulltext, seeds_dir,
    alert_plan); `now` the run's start (alert rows of a run share it); `executor` the run's
    (run/executor.py), or None to read pages here. It fails on its own: what it could not do is
    left for the next run, and the report says why."""
    try:
        return _fetch_fulltext(config, feeds_by_id, now, executor, resolver, rules)
    except Exception as exc:  # noqa: BLE001 - a failure here must not fail a run whose feeds are stored
        LOG.debug("fulltext failed", exc_info=True)
        return FulltextReport(failure=" ".join(f"{type(exc).__name__}: {exc}".split())[:300])


def _fetch_fulltext(config, feeds_by_id: Mapping[str, Feed], now: datetime, executor, resolver: Resolver | None,
                    rules: TopicRules | None) -> FulltextReport:
    budget: FulltextBudget = config.fulltext
    if not budget.enabled or budget.pages <= 0:
        return FulltextReport()
    started = monotonic()
    con = store.open_store(Path(config.db_path), config.lock_wait_s)
    try:
        candidates = select_candidates(con, feeds_by_id, now, budget)
        if not candidates:
            return FulltextReport(seconds=monotonic() - started)
        settings = page_settings(config.fetch, budget)
        robots, fetched_robots = read_robots(con, [c.url for c in candidates], settings, now, budget, started, resolver)
        allowed = [c for c in candidates if robots.allows(c.url)]
        remaining = max(0.0, budget.seconds - (monotonic() - started))
        t0 = monotonic()
        results = fetch_pages([c.request(feeds_by_id) for c in allowed], settings, resolver=resolver, budget_s=remaining)
        fetch_seconds = monotonic() - t0
        by_id = {c.article_id: r for c, r in zip(allowed, results)}
        pages = [(c, by_id.get(c.article_id)) for c in candidates]
        t0 = monotonic()
        if rules is None and executor is not None:
            outcomes = executor.read_pages(pages, config.seeds_dir)
        else:
            rules = rules or load_topic_rules(config.seeds_dir)
            outcomes = [read_page(c, result, rules) for c, result in pages]
        extract_seconds = monotonic() - t0
        stored = [o for o in outcomes if o.status != "deferred"]
        with transaction(con):
            alerts, links = write_outcomes(con, stored, now, budget, config.alert_plan, config.seeds_dir)
            save_robots(con, fetched_robots, now)
    finally:
        con.close()
    tagged = [o.tags for o in stored if o.tags is not None]
    return FulltextReport(
        candidates=len(candidates),
        statuses=tuple(Counter(o.status for o in stored).most_common()),
        deferred=len(outcomes) - len(stored),
        new_matches=sum(t.body_match and not t.teaser_match for t in tagged),
        downgraded=sum(t.teaser_match and not t.body_match for t in tagged),
        alerts=alerts, events_linked=links.linked, events_merged=links.merged, seconds=monotonic() - started,
        fetch_seconds=fetch_seconds, extract_seconds=extract_seconds,
    )


def read_robots(con: duckdb.DuckDBPyConnection, urls: Sequence[str], settings: FetchSettings, now: datetime,
                budget: FulltextBudget, started: float, resolver: Resolver | None) -> tuple[RobotsRules, list[RobotsFile]]:
    """The robots.txt of every origin of `urls`: stored ones still fresh, the rest fetched now."""
    stored = [RobotsFile(*row) for row in con.execute(sql("statements/fulltext_robots_select"), {"now": now}).fetchall()]
    rules = RobotsRules(stored)
    missing = rules.missing(o for o in map(origin_of, urls) if o)
    if not missing:
        return rules, []
    robots_settings = replace(settings, max_bytes=MAX_ROBOTS_BYTES)
    remaining = max(0.0, budget.seconds - (monotonic() - started))
    results = fetch_pages([robots_request(o) for o in missing], robots_settings, resolver=resolver, budget_s=remaining)
    fetched = [robots_from_result(o, r) for o, r in zip(missing, results) if r.error_class != "deferred"]
    rules.add({f.origin: f for f in fetched})
    return rules, fetched


def read_page(candidate: Candidate, result: FetchResult | None, rules: TopicRules) -> PageOutcome:
    """Pure: a fetched page -> its status, text and the article's new tags."""
    if result is None:
        return PageOutcome(candidate, "robots_disallowed")
    if not result.is_ok:
        status = {"blocked": "antibot"}.get(result.error_class or "", result.error_class or "internal")
        return PageOutcome(candidate, status, result)
    if result.is_not_modified:
        return PageOutcome(candidate, "not_modified", result)
    content_type = (result.content_type or "text/html").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        return PageOutcome(candidate, "not_html", result)
    raw = result.body() or b""
    page = extract_page(raw, result.final_url or candidate.url)
    wall = detect_wall(page.html, page.text, raw)
    if wall:
        return PageOutcome(candidate, wall, result, replace(page, text="", html=""))
    if not page.text:
        return PageOutcome(candidate, "empty", result, replace(page, html=""))
    tags = tag_body(candidate.title, candidate.teaser, page.text, rules, feed_side=candidate.side,
                    lang=page.lang or candidate.lang)
    return PageOutcome(candidate, "ok", result, replace(page, html=""), tags)


def read_pages(pages: list[tuple[Candidate, FetchResult | None]], seeds_dir: str) -> list[PageOutcome]:
    """read_page for each pair, with the topic rules of seeds_dir (compiled once per process)."""
    from newsmon.articles import topic_rules

    rules = topic_rules(seeds_dir)
    return [read_page(candidate, result, rules) for candidate, result in pages]


def write_outcomes(con: duckdb.DuckDBPyConnection, outcomes: Sequence[PageOutcome], now: datetime,
                   budget: FulltextBudget, plan, seeds_dir: Path | str) -> tuple[int, BodyLinks]:
    """article_texts rows, the re-tagged articles' topics, their stories' events (events/body.py:
    a story that now matches is linked, a story alone in its event may join another), and the
    alerts of stories that now match. Call in a transaction. Returns the outbox rows written and
    the event links."""
    if not outcomes:
        return 0, BodyLinks()
    with registered(con, batch_texts=texts_table(outcomes, now, budget)):
        con.execute(sql("statements/fulltext_upsert_texts"))
    tags: list[tuple[str, Sequence[TopicHit]]] = [(o.candidate.article_id, o.tags.hits) for o in outcomes if o.tags]
    if not tags:
        return 0, BodyLinks()
    store.replace_topics(con, tags, now)
    links = link_bodies(con, [BodyArticle(o.candidate.article_id, o.page.text, o.tags.hits)
                              for o in outcomes if o.tags and o.page], now, seeds_dir)
    matching = [article_id for article_id, hits in tags if any(h.is_match for h in hits)]
    return (outbox.write_story_alerts(con, plan, matching, now) if matching else 0), links


def save_robots(con: duckdb.DuckDBPyConnection, files: Sequence[RobotsFile], now: datetime) -> None:
    if not files:
        return
    table = pa.table({"origin": pa.array([f.origin for f in files], pa.string()),
                      "fetched_at": pa.array([now] * len(files), _TS),
                      "status": pa.array([f.status for f in files], pa.string()),
                      "body": pa.array([f.body for f in files], pa.string())})
    with registered(con, batch_robots=table):
        con.execute(sql("statements/fulltext_robots_upsert"))


def next_attempt(outcome: PageOutcome, now: datetime, budget: FulltextBudget) -> datetime | None:
    """When a transient failure is tried again (1, 2, 4... hours, or the server's Retry-After), or None."""
    attempts = outcome.candidate.attempts + 1
    if outcome.status not in TRANSIENT or attempts >= budget.max_attempts:
        return None
    wait = timedelta(hours=2 ** (attempts - 1))
    if outcome.result is not None and outcome.result.retry_after_s:
        wait = max(wait, timedelta(seconds=outcome.result.retry_after_s))
    return now + wait


def texts_table(outcomes: Sequence[PageOutcome], now: datetime, budget: FulltextBudget) -> pa.Table:
    def column(kind, values):
        return pa.array(list(values), kind)

    results = [o.result for o in outcomes]
    pages = [o.page for o in outcomes]
    return pa.table({
        "article_id": column(pa.string(), (o.candidate.article_id for o in outcomes)),
        "fetched_at": column(_TS, (r.fetched_at if r else now for r in results)),
        "status": column(pa.string(), (o.status for o in outcomes)),
        "url": column(pa.string(), (o.candidate.url for o in outcomes)),
        "final_url": column(pa.string(), (r.final_url if r else None for r in results)),
        "http_status": column(pa.int32(), (r.http_status if r else None for r in results)),
        "error_message": column(pa.string(), ((r.error_message or "")[:500] or None if r else None for r in results)),
        "text": column(pa.string(), (p.text if p and o.status == "ok" else None for o, p in zip(outcomes, pages))),
        "title": column(pa.string(), (p.title if p else None for p in pages)),
        "author": column(pa.string(), (p.author if p else None for p in pages)),
        "published_at": column(_TS, (p.published_at if p else None for p in pages)),
        "lang": column(pa.string(), (p.lang if p else None for p in pages)),
        "extractor": column(pa.string(), (EXTRACTOR if p else None for p in pages)),
        "etag": column(pa.string(), (r.etag if r else None for r in results)),
        "last_modified": column(pa.string(), (r.last_modified if r else None for r in results)),
        "bytes": column(pa.int64(), (r.body_size if r else 0 for r in results)),
        "duration_ms": column(pa.int32(), (r.duration_ms if r else 0 for r in results)),
        "attempts": column(pa.int32(), (o.candidate.attempts + 1 for o in outcomes)),
        "next_attempt_at": column(_TS, (next_attempt(o, now, budget) for o in outcomes)),
        "teaser_match": column(pa.bool_(), (o.tags.teaser_match if o.tags else None for o in outcomes)),
        "body_match": column(pa.bool_(), (o.tags.body_match if o.tags else None for o in outcomes)),
    })
