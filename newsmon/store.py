"""Writes of a run's own rows: feeds, articles with their feeds and tags, fetch events, feed
state and the run row (stories and alerts have their own store-side modules: stories/index.py,
alerts/outbox.py).

The run loop (run/loop.py) writes one transaction per chunk (`write_chunk`: the chunk's articles,
then their stories and alert outbox rows), then one last transaction with the fetch events, feed
state (with the conditional-GET validators), feed-health alerts and the run row. A chunk is all
there or not at all, and an alert row exists exactly when its story does. Validators move only in
the last transaction, after everything they vouch for: a run killed half-way keeps the chunks it
committed, and the next run fetches every feed again, skips what is stored, and stores the rest.
A run's row says `running` until then (`begin_run`); the next run marks a dead one `interrupted`.
Rows go in as Arrow tables registered on the connection, never row by row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from newsmon.db import connect, registered, sql, transaction
from newsmon.migrate import apply_migrations, check_schema
from newsmon.records import Article, Evidence, Feed, FeedState, FetchResult, RunSummary, TopicHit
from newsmon.urls import redact_url, redact_urls_in

if TYPE_CHECKING:
    from newsmon.articles import Candidate, KnownArticles

_TS = pa.timestamp("us", tz="UTC")
# dataclasses.asdict deep-copies every value; the evidence of 100k articles made it a second of the store step.
_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))


def open_store(path: Path, wait_s: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the database read-write (waiting up to `wait_s` while another process holds it) and
    bring its schema up to date."""
    con = connect(path, wait_s=wait_s)
    try:
        apply_migrations(con)
    except Exception:
        con.close()
        raise
    return con


def open_reader(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the database read-only for one reader (report, export, alerts); a schema newer than
    this code is refused with one line rather than misread."""
    con = connect(path, read_only=True)
    try:
        check_schema(con)
    except Exception:
        con.close()
        raise
    return con


def upsert_feeds(con: duckdb.DuckDBPyConnection, feeds: Sequence[Feed], now: datetime) -> None:
    table = pa.Table.from_pylist(
        [asdict(f) for f in feeds],
        schema=pa.schema([("feed_id", pa.string()), ("name", pa.string()), ("url", pa.string()),
                          ("language", pa.string()), ("country", pa.string()), ("active", pa.bool_()),
                          ("side", pa.string())]),
    )
    with registered(con, batch_feeds=table):
        con.execute(sql("statements/upsert_feeds"), {"now": now})


def read_feed_states(con: duckdb.DuckDBPyConnection) -> dict[str, FeedState]:
    rows = con.execute(sql("statements/select_feed_state")).fetchall()
    return {row[0]: FeedState(*row) for row in rows}


# How far back an item whose GUID or cache-buster changes on every fetch is recognised: feeds keep an
# item for days, a slow outlet's feed for weeks.
IDENTITY_WINDOW = timedelta(days=30)


def read_known_articles(con: duckdb.DuckDBPyConnection, candidates: Iterable[Candidate | str],
                        now: datetime | None = None) -> KnownArticles:
    """article_id -> stored content hash, for the given candidates only (two queries, whatever the
    table's size: cost grows with the batch). Given Candidates rather than ids, the ones not stored
    under their article_id are looked up by identity key (articles.match_stored) among the articles
    first seen in IDENTITY_WINDOW; those recognised appear under the stored article_id, and
    `aliases` maps their own article_id to it (articles.adopt_stored_ids)."""
    # Imported here: newsmon.articles brings the language and topic stages, which readers of store do not need.
    from newsmon.articles import KnownArticles, StoredMatch, match_stored

    items = list(candidates)
    ids = pa.table({"article_id": pa.array([c if isinstance(c, str) else c.article_id for c in items], pa.string())})
    with registered(con, batch_ids=ids):
        known = KnownArticles(con.execute(sql("statements/select_known_articles")).fetchall())
    unknown = [c for c in items if not isinstance(c, str) and c.article_id not in known and c.identity_key]
    if not unknown:
        return known
    keys = pa.table({
        "candidate_id": pa.array([c.article_id for c in unknown], pa.string()),
        "feed_id": pa.array([c.entry.feed_id for c in unknown], pa.string()),
        "identity_key": pa.array([c.identity_key for c in unknown], pa.string()),
        "raw_hash": pa.array([c.raw_hash for c in unknown], pa.string()),
    })
    since = (now or datetime.now(UTC)) - IDENTITY_WINDOW
    with registered(con, batch_keys=keys):
        rows = con.execute(sql("statements/select_articles_by_identity"), {"since": since}).fetchall()
    batch = [c for c in items if not isinstance(c, str)]
    aliases = match_stored(batch, [StoredMatch(*row) for row in rows])
    hashes = {row[1]: row[2] for row in rows}
    known.aliases = aliases
    known.update({stored: hashes[stored] for stored in aliases.values()})
    return known


def begin_run(con: duckdb.DuckDBPyConnection, run_id: str, started_at: datetime) -> None:
    """Record a run as `running` (committed at once); an earlier run still `running` died, since
    the caller holds the writer lock, and is marked `interrupted`."""
    con.execute(sql("statements/mark_interrupted_runs"))
    con.execute(sql("statements/insert_run_started"), {"run_id": run_id, "started_at": started_at})


def end_unfinished_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, finished_at: datetime,
                       message: str) -> None:
    """Mark a run that stopped half-way (`interrupted`, `failed`) while its row still says `running`."""
    con.execute(sql("statements/end_unfinished_run"),
                {"run_id": run_id, "status": status, "finished_at": finished_at, "message": message})


# DuckDB keeps every block it has read or written in memory until it nears its limit (80% of RAM):
# a 100k-article run would end with ~130 MB of cached table blocks. Between chunks the cache is
# cut back to this (a later chunk reads what it needs again, mostly from the OS page cache).
CACHE_BUDGET_BYTES = 32 * 2**20
# While a chunk is written, DuckDB may hold what it held after the previous chunk (indexes, a cut-back
# cache) plus this. Its scans of the story index then drop the blocks they have passed instead of
# keeping all they read (at 100k articles in the 7-day window: ~80 MB more, every chunk).
CHUNK_HEADROOM_BYTES = 64 * 2**20


def release_cache(con: duckdb.DuckDBPyConnection, budget_bytes: int = CACHE_BUDGET_BYTES) -> None:
    """Evict DuckDB's cached blocks beyond `budget_bytes` (call between transactions). What cannot
    be evicted (indexes, uncommitted data) stays."""
    if _held_bytes(con) > budget_bytes:
        with _memory_limit(con, budget_bytes):
            pass


def write_chunk(con: duckdb.DuckDBPyConnection, write: Callable[[], None], capped: bool = False,
                headroom_bytes: int = CHUNK_HEADROOM_BYTES) -> None:
    """Call `write` (a chunk's writes) in a transaction of its own; `capped`: with DuckDB's memory
    capped (see CHUNK_HEADROOM_BYTES). Not for a run's first chunk, which loads the indexes it
    touches. A chunk that does not fit the cap is rolled back and written again without it."""
    if capped:
        try:
            with _memory_limit(con, _held_bytes(con) + headroom_bytes), transaction(con):
                write()
            return
        except duckdb.OutOfMemoryException:
            pass
    with transaction(con):
        write()


def _held_bytes(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(sql("statements/cache_bytes")).fetchall()[0][0]


@contextmanager
def _memory_limit(con: duckdb.DuckDBPyConnection, limit_bytes: int) -> Iterator[None]:
    """DuckDB's memory limit lowered to `limit_bytes` inside the block (it first evicts cached blocks
    to fit, as far as it can), and back to the default after."""
    try:
        con.execute(sql("statements/cache_limit_lower"), {"limit": f"{limit_bytes}B"}).fetchall()
    except duckdb.Error:
        pass  # what could not be evicted stays
    try:
        yield
    finally:
        con.execute(sql("statements/cache_limit_reset")).fetchall()


def write_articles(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    now: datetime,
    articles: Sequence[Article],
    article_feeds: Sequence[tuple[str, str]],
) -> None:
    """Write one chunk's articles (new and edited), which feeds carried them, and their tags.
    Call in the chunk's transaction, under the writer lock: the statements keep article_id unique in
    articles and (article_id, feed_id) in article_feeds by inserting only what is not stored (the
    tables have no keys, migration 008), which holds while no other writer inserts between them."""
    tables = {
        "batch_articles": _articles_table(articles),
        "batch_ids": pa.table({"article_id": pa.array([a.article_id for a in articles], pa.string())}),
        "batch_topics": _topics_table([(a.article_id, a.topics) for a in articles]),
        "batch_article_feeds": pa.table({
            "article_id": pa.array([a for a, _ in article_feeds], pa.string()),
            "feed_id": pa.array([f for _, f in article_feeds], pa.string()),
            "first_seen_at": pa.array([now] * len(article_feeds), _TS),
        }),
    }
    with registered(con, **tables):
        con.execute(sql("statements/update_articles"))  # edited ones, before the new ones are in
        con.execute(sql("statements/insert_articles"), {"run_id": run_id})
        con.execute(sql("statements/insert_article_feeds"))
        con.execute(sql("statements/delete_article_topics"))
        con.execute(sql("statements/insert_article_topics"), {"now": now})


def write_fetch_results(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    results: Sequence[FetchResult],
    entries_by_feed: Mapping[str, int],
    new_by_feed: Mapping[str, int],
    states: Sequence[FeedState],
) -> None:
    """A run's fetch events and the feeds' next states (with the conditional-GET validators)."""
    tables = {
        "batch_fetch_events": _fetch_events_table(results, entries_by_feed, new_by_feed),
        "batch_feed_state": pa.Table.from_pylist([asdict(s) for s in states], schema=_FEED_STATE_SCHEMA),
    }
    with registered(con, **tables):
        con.execute(sql("statements/insert_fetch_events"), {"run_id": run_id})
        con.execute(sql("statements/upsert_feed_state"))


def insert_run(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> None:
    con.execute(sql("statements/insert_run"), {
        "run_id": summary.run_id,
        "started_at": summary.started_at,
        "finished_at": summary.finished_at,
        "status": summary.status,
        "feeds_total": summary.feeds_total,
        "feeds_ok": summary.feeds_ok,
        "feeds_failed": summary.feeds_failed,
        "feeds_not_modified": summary.feeds_not_modified,
        "entries_seen": summary.entries_seen,
        "articles_new": summary.articles_new,
        "articles_updated": summary.articles_updated,
        "summary": json.dumps({
            "new_by_lang": dict(summary.new_by_lang),
            "matches_new": summary.matches_new,
            "feeds_skipped": summary.feeds_skipped,
            "errors": [list(e) for e in summary.errors],
        }, ensure_ascii=False),
    })


def _articles_table(articles: Sequence[Article]) -> pa.Table:
    columns = {
        "article_id": (pa.string(), [a.article_id for a in articles]),
        "url": (pa.string(), [a.url for a in articles]),
        "guid": (pa.string(), [a.guid for a in articles]),
        "title": (pa.string(), [a.title for a in articles]),
        "text": (pa.string(), [a.text for a in articles]),
        "author": (pa.string(), [a.author for a in articles]),
        "published_at": (_TS, [a.published_at for a in articles]),
        "first_seen_at": (_TS, [a.first_seen_at for a in articles]),
        "feed_id": (pa.string(), [a.feed_id for a in articles]),
        "lang": (pa.string(), [a.lang for a in articles]),
        "lang_prob": (pa.float64(), [a.lang_prob for a in articles]),
        "content_hash": (pa.string(), [a.content_hash for a in articles]),
        "canonical_url": (pa.string(), [a.canonical_url for a in articles]),
        "identity_key": (pa.string(), [a.identity_key for a in articles]),
    }
    return pa.table({name: pa.array(values, kind) for name, (kind, values) in columns.items()})


def _topics_table(tags: Sequence[tuple[str, Sequence[TopicHit]]]) -> pa.Table:
    rows = [
        {
            "article_id": article_id,
            "topic": hit.topic,
            "score": float(hit.score),
            "is_match": bool(hit.is_match),
            "subtopics": list(hit.subtopics),
            "evidence": json.dumps([{name: getattr(e, name) for name in _EVIDENCE_FIELDS} for e in hit.evidence],
                                   ensure_ascii=False),
        }
        for article_id, hits in tags
        for hit in hits
    ]
    schema = pa.schema([("article_id", pa.string()), ("topic", pa.string()), ("score", pa.float64()),
                        ("is_match", pa.bool_()), ("subtopics", pa.list_(pa.string())), ("evidence", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


def _fetch_events_table(results: Sequence[FetchResult], entries: Mapping[str, int], new: Mapping[str, int]) -> pa.Table:
    rows = [
        {
            # credentials in a feed URL (userinfo, key=/token=) never reach the database
            "feed_id": r.feed_id, "fetched_at": r.fetched_at, "url": redact_url(r.url),
            "final_url": redact_url(r.final_url),
            "http_status": r.http_status, "error_class": r.error_class,
            "error_message": (r.error_message or None) and redact_urls_in(r.error_message)[:500],
            "bytes": r.bytes, "duration_ms": r.duration_ms,
            "entries": entries.get(r.feed_id, 0), "new_articles": new.get(r.feed_id, 0),
        }
        for r in results
    ]
    schema = pa.schema([("feed_id", pa.string()), ("fetched_at", _TS), ("url", pa.string()),
                        ("final_url", pa.string()), ("http_status", pa.int32()), ("error_class", pa.string()),
                        ("error_message", pa.string()), ("bytes", pa.int64()), ("duration_ms", pa.int32()),
                        ("entries", pa.int32()), ("new_articles", pa.int32())])
    return pa.Table.from_pylist(rows, schema=schema)


_FEED_STATE_SCHEMA = pa.schema([
    ("feed_id", pa.string()), ("etag", pa.string()), ("last_modified", pa.string()), ("body_hash", pa.string()),
    ("last_attempt_at", _TS), ("last_success_at", _TS), ("consecutive_failures", pa.int32()),
    ("last_error_class", pa.string()), ("last_error_message", pa.string()), ("next_due_at", _TS),
])


def read_articles_for_tagging(con: duckdb.DuckDBPyConnection, after: str, page_size: int) -> list[tuple]:
    """(article_id, title, text, feed side, page text, page language) of the next page of articles
    after `after`; page text is None unless the article's page was read (article_texts status ok)."""
    return con.execute(sql("statements/select_articles_for_tagging"),
                       {"after": after, "page_size": page_size}).fetchall()


def replace_topics(
    con: duckdb.DuckDBPyConnection, tags: Sequence[tuple[str, Sequence[TopicHit]]], now: datetime
) -> None:
    """Replace the tags of the given articles: (article_id, hits) pairs."""
    tables = {
        "batch_ids": pa.table({"article_id": pa.array([a for a, _ in tags], pa.string())}),
        "batch_topics": _topics_table(tags),
    }
    with registered(con, **tables):
        con.execute(sql("statements/delete_article_topics"))
        con.execute(sql("statements/insert_article_topics"), {"now": now})


def count_matches(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(sql("statements/count_matches")).fetchone()[0]
