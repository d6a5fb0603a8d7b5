"""The DB side of story clustering: query and extend the persisted story index.

`assign_stories` runs inside the caller's run transaction, after the articles it assigns are written.
It only reads index rows that share a key with this batch and lie inside the time windows, through
joins against small registered Arrow tables, so a run costs in proportion to its new articles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa

from newsmon.db import sql
from newsmon.stories import (
    EVENT_LINKING,
    EVENT_MIN_SHARED,
    EVENT_WINDOW,
    NUM_PERM,
    TEXT_WINDOW,
    TITLE_WINDOW,
    Fingerprint,
    StoryItem,
    copy_scores,
    fingerprint,
    normalise_entity,
    order_key,
)

# An entity carried by more than this share of the window's stories says nothing about one event.
GENERIC_SHARE = 0.35  # capitals and heads of state in a topic-focused feed set are above it; a visiting minister is not
GENERIC_MIN_STORIES = 3
BUCKET_MEMBERS = 16  # members of an LSH bucket or a title key that a new article is compared with


@dataclass(frozen=True, slots=True)
class _Indexed:
    """An earlier article as the index knows it."""

    article_id: str
    story_id: str
    fingerprint: Fingerprint


def assign_stories(
    con: duckdb.DuckDBPyConnection,
    items: Sequence[StoryItem],
    now: datetime,
    *,
    link_events: bool = EVENT_LINKING,
) -> dict[str, str]:
    """Give every item a story_id (article_id -> story_id), index the new ones, set articles.story_id.
    A large run calls it once per chunk: earlier chunks are in the index by then, like earlier runs."""
    if not items:
        return {}
    ordered = sorted({item.article_id: item for item in items}.values(), key=order_key)
    prints = {item.article_id: item.fingerprint or fingerprint(item.title, item.text) for item in ordered}
    with _registered(con, "story_batch_items", _items_table(ordered, prints)):
        existing = dict(con.execute(sql("statements/story_existing")).fetchall())
    to_index = [i for i in ordered if i.article_id not in existing or i.is_update]
    candidates = _read_candidates(con, [i for i in to_index if i.article_id not in existing], prints, now)

    result: dict[str, str] = {}
    batch_keys: dict[tuple[int, int], list[_Indexed]] = defaultdict(list)  # in-batch LSH buckets
    batch_titles: dict[str, list[_Indexed]] = defaultdict(list)
    for item in ordered:
        fp = prints[item.article_id]
        story_id = existing.get(item.article_id)
        if story_id is None:
            pool = candidates.get(item.article_id, []) + _batch_pool(fp, batch_keys, batch_titles)
            story_id = _best_story(fp, pool) or item.article_id
        result[item.article_id] = story_id
        indexed = _Indexed(item.article_id, story_id, fp)
        # A bucket keeps its first members only (the index is read the same way): a new copy needs
        # one member of its story to match, and comparing every item with all members of crowded
        # buckets makes a large batch quadratic.
        for band, bucket in enumerate(fp.bands):
            members = batch_keys[(band, bucket)]
            if len(members) < BUCKET_MEMBERS:
                members.append(indexed)
        if fp.title_key is not None and len(batch_titles[fp.title_key]) < BUCKET_MEMBERS:
            batch_titles[fp.title_key].append(indexed)

    write_index(con, to_index, prints, result, now)
    if link_events:
        _link_events(con, ordered, result, now)
    return result


def _best_story(fp: Fingerprint, pool: list[_Indexed]) -> str | None:
    """The story of the pool member `fp` most looks like a copy of (the first of equals), if any."""
    # A copy shares many LSH bands, so it is in the pool once per shared band: compare it once.
    others = list({indexed.article_id: indexed for indexed in pool}.values())
    if not others:
        return None
    scores = copy_scores(fp, [other.fingerprint for other in others])
    best = int(np.argmax(scores))
    return others[best].story_id if scores[best] > 0 else None


def _batch_pool(fp: Fingerprint, batch_keys: dict, batch_titles: dict) -> list[_Indexed]:
    pool = [x for band, bucket in enumerate(fp.bands) for x in batch_keys.get((band, bucket), ())]
    if fp.title_key is not None:
        pool.extend(batch_titles.get(fp.title_key, ()))
    return pool


def _read_candidates(
    con: duckdb.DuckDBPyConnection, items: list[StoryItem], prints: dict[str, Fingerprint], now: datetime
) -> dict[str, list[_Indexed]]:
    if not items:
        return {}
    params = {"since": now - TEXT_WINDOW, "title_since": now - TITLE_WINDOW}
    with _registered(con, "story_batch_items", _items_table(items, prints)), \
            _registered(con, "story_batch_bands", _bands_table(items, prints)):
        table = con.sql(sql("statements/story_candidates"), params=params).to_arrow_table()
    # Through Arrow: the signatures arrive as one matrix, not as a Python list of 128 ints per row,
    # and an earlier article that is a candidate for many batch articles is built once.
    signatures = table["signature"].combine_chunks().flatten().to_numpy().reshape(-1, NUM_PERM)
    columns = [table[name].to_pylist() for name in ("new_article_id", "article_id", "story_id", "title_key",
                                                      "shingle_count")]
    found: dict[str, list[_Indexed]] = defaultdict(list)
    indexed: dict[str, _Indexed] = {}
    for row, (new_id, article_id, story_id, key, count) in enumerate(zip(*columns)):
        if article_id not in indexed:
            indexed[article_id] = _Indexed(article_id, story_id, Fingerprint(key, count, signatures[row], ()))
        found[new_id].append(indexed[article_id])
    return found


def write_index(
    con: duckdb.DuckDBPyConnection, items: Sequence[StoryItem], prints: dict[str, Fingerprint],
    result: dict[str, str], now: datetime,
) -> None:
    """Append index rows for items (in assignment order) with decided story ids and set
    articles.story_id (bulk loads use it). A bucket or title key keeps only its first BUCKET_MEMBERS
    members inside the window, as assign_stories does in memory: a copy needs one member of its
    story to match, and templated posts would fill some buckets with thousands of look-alikes."""
    if items:
        assigned = assigned_table(items, prints, result)
        with _registered(con, "story_batch_assigned", assigned), \
                _registered(con, "story_batch_bands", _bands_table(items, prints)):
            con.execute(sql("statements/story_insert_articles"))
            con.execute(sql("statements/story_insert_title_keys"),
                        {"title_since": now - TITLE_WINDOW, "bucket_members": BUCKET_MEMBERS})
            con.execute(sql("statements/story_insert_bands"), {"since": now - TEXT_WINDOW, "bucket_members": BUCKET_MEMBERS})
    stored = pa.table({"article_id": list(result), "story_id": list(result.values())})
    with _registered(con, "story_batch_result", stored):
        con.execute(sql("statements/story_update_articles"))


def _link_events(
    con: duckdb.DuckDBPyConnection, items: list[StoryItem], result: dict[str, str], now: datetime
) -> None:
    """Link this batch's stories to stories in other languages that share specific entities."""
    rows = {(result[i.article_id], normalise_entity(e), i.lang, i.first_seen_at)
            for i in items for e in i.entities if normalise_entity(e)}
    if not rows:
        return
    story_id, entity, lang, seen_at = (list(col) for col in zip(*sorted(rows)))
    entities = pa.table({"story_id": story_id, "entity": entity, "lang": lang,
                         "seen_at": pa.array(seen_at, pa.timestamp("us", tz="UTC"))})
    with _registered(con, "story_batch_entities", entities):
        con.execute(sql("statements/story_insert_entities"))
        params = {"since": now - EVENT_WINDOW, "min_shared": EVENT_MIN_SHARED,
                  "generic_share": GENERIC_SHARE, "generic_min_stories": GENERIC_MIN_STORIES}
        links = con.execute(sql("statements/story_event_candidates"), params).fetchall()
    event_of: dict[str, str] = {}
    for new_story, _other, _shared, event_id in sorted(links, key=lambda r: (r[0], r[3])):
        event_of.setdefault(new_story, event_id)
    if event_of:
        events = pa.table({"story_id": list(event_of), "event_id": list(event_of.values())})
        with _registered(con, "story_batch_events", events):
            con.execute(sql("statements/story_insert_events"), {"linked_at": now})


def _items_table(items: Sequence[StoryItem], prints: dict[str, Fingerprint]) -> pa.Table:
    return pa.table({
        "article_id": [i.article_id for i in items],
        "title_key": pa.array([prints[i.article_id].title_key for i in items], pa.string()),
    })


def _bands_table(items: Sequence[StoryItem], prints: dict[str, Fingerprint]) -> pa.Table:
    """One row per (article, band), with the article's position in `items`: built column-wise, it
    is 32 rows an article."""
    banded = [(position, i.article_id, prints[i.article_id].bands)
              for position, i in enumerate(items) if prints[i.article_id].bands]
    if not banded:
        return pa.table({"article_id": pa.array([], pa.string()), "position": pa.array([], pa.int32()),
                         "band": pa.array([], pa.uint8()), "bucket": pa.array([], pa.uint64())})
    buckets = np.array([bands for _, _, bands in banded], dtype=np.uint64)  # (articles, BANDS)
    count, width = buckets.shape
    rows = np.repeat(np.arange(count), width)
    return pa.table({"article_id": pa.array([article_id for _, article_id, _ in banded], pa.string()).take(rows),
                     "position": pa.array(np.array([p for p, _, _ in banded], dtype=np.int32)[rows]),
                     "band": pa.array(np.tile(np.arange(width, dtype=np.uint8), count)),
                     "bucket": pa.array(buckets.reshape(-1))})


def assigned_table(items: Sequence[StoryItem], prints: dict[str, Fingerprint], result: dict[str, str]) -> pa.Table:
    """Rows for story_articles, the signature as a fixed-size list."""
    signatures = np.stack([prints[i.article_id].signature for i in items]).reshape(-1)
    return pa.table({
        "article_id": [i.article_id for i in items],
        "position": pa.array(range(len(items)), pa.int32()),
        "story_id": [result[i.article_id] for i in items],
        "lang": [i.lang for i in items],
        "seen_at": pa.array([i.first_seen_at for i in items], pa.timestamp("us", tz="UTC")),
        "title_key": pa.array([prints[i.article_id].title_key for i in items], pa.string()),
        "shingle_count": pa.array([prints[i.article_id].shingle_count for i in items], pa.int32()),
        "signature": pa.FixedSizeListArray.from_arrays(pa.array(signatures, pa.uint32()), 128),
    })


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)
