"""The DB side of story clustering: query and extend the persisted story index.

`assign_stories` runs inside the caller's run transaction, after the articles it assigns are written.
It only reads index rows that share a key with this batch and lie inside the time windows, through
joins against small registered Arrow tables, so a run costs in proportion to its new articles.
`prune_index` deletes index rows no window reaches any more, once a run: the index then holds about
one window of articles however long the store runs (articles.story_id is the permanent record).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newsmon.db import registered, sql
from newsmon.records import Article
from newsmon.stories.cluster import (
    EVENT_LINKING,
    EVENT_MIN_SHARED,
    EVENT_WINDOW,
    NUM_PERM,
    TEXT_WINDOW,
    TITLE_WINDOW,
    Fingerprint,
    StoryItem,
    fingerprint,
    normalise_entity,
    order_key,
    pair_scores,
)

# An entity carried by more than this share of the window's stories says nothing about one event.
GENERIC_SHARE = 0.35  # capitals and heads of state in a topic-focused feed set are above it; a visiting minister is not
GENERIC_MIN_STORIES = 3
BUCKET_MEMBERS = 16  # members of an LSH bucket or a title key that a new article is compared with
# Index rows are kept this long: the longest lookup window, and a day for a clock that steps back
# between runs (a run whose time is a little earlier than the last one's still finds its window).
INDEX_KEPT = max(TEXT_WINDOW, TITLE_WINDOW) + timedelta(days=1)


def story_items(articles: Sequence[Article], known: Mapping[str, str]) -> list[StoryItem]:
    """What story clustering needs of this run's new and edited articles. Entities for
    cross-language event linking are the entity ids of the topic evidence (assign_stories
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


def assign_stories(
    con: duckdb.DuckDBPyConnection,
    items: Sequence[StoryItem],
    now: datetime,
    *,
    link_events: bool = EVENT_LINKING,
) -> dict[str, str]:
    """Give every item a story_id (article_id -> story_id), index the new ones, set articles.story_id.
    A large run calls it once per chunk: earlier chunks are in the index by then, like earlier runs.

    Items are taken in order (earliest first). A new item joins the story of its best-scoring
    candidate, the first of equals: stored articles that share a bucket or title key with it (oldest
    first), then earlier items of this batch that do, under the same BUCKET_MEMBERS cap as the
    stored index. Which candidate is best does not depend on the stories being decided, so every
    pair of the batch is scored in one numpy step and only the story lookup runs item by item."""
    if not items:
        return {}
    ordered = sorted({item.article_id: item for item in items}.values(), key=order_key)
    prints = {item.article_id: item.fingerprint or fingerprint(item.title, item.text) for item in ordered}
    batch_items, batch_bands = _items_table(ordered, prints), _bands_table(ordered, prints)
    with registered(con, story_batch_items=batch_items):
        existing = dict(con.execute(sql("statements/story_existing")).fetchall())
    to_index = [i for i in ordered if i.article_id not in existing or i.is_update]
    new = np.array([i.article_id not in existing for i in ordered])
    matches = _best_matches(con, ordered, prints, batch_items, batch_bands, new, now) if new.any() else {}

    result: dict[str, str] = {}
    for position, item in enumerate(ordered):
        story_id = existing.get(item.article_id)
        if story_id is None:
            match = matches.get(position)
            if match is None:
                story_id = item.article_id  # the first article of a new story
            elif isinstance(match, str):
                story_id = match  # a stored article's story
            else:
                story_id = result[ordered[match].article_id]  # an earlier item's, decided above
        result[item.article_id] = story_id

    write_index(con, to_index, prints, result, now)
    if link_events:
        _link_events(con, ordered, result, now)
    return result


def _best_matches(
    con: duckdb.DuckDBPyConnection, ordered: list[StoryItem], prints: dict[str, Fingerprint],
    batch_items: pa.Table, batch_bands: pa.Table, new: np.ndarray, now: datetime,
) -> dict[int, str | int]:
    """For each new item (by position) that has a copy among its candidates, the best one: the
    story_id of a stored article, or the position of an earlier item of the batch."""
    stored = _stored_candidates(con, batch_items, batch_bands, new, now)
    with registered(con, story_batch_items=batch_items), registered(con, story_batch_bands=batch_bands):
        pairs = con.execute(sql("statements/story_batch_pairs"), {"bucket_members": BUCKET_MEMBERS}).fetchnumpy()
    # Candidates 0..m-1 are the stored ones (oldest first), m + p is the batch item at position p.
    m = stored.num_rows
    batch_new, batch_old = pairs["new_position"].astype(np.int64), pairs["old_position"].astype(np.int64)
    wanted = new[batch_new]
    stored_positions = stored["positions"].combine_chunks()
    left = np.concatenate([pc.list_flatten(stored_positions).to_numpy().astype(np.int64), batch_new[wanted]]) + m
    right = np.concatenate([pc.list_parent_indices(stored_positions).to_numpy().astype(np.int64),
                            batch_old[wanted] + m])
    if left.size == 0:
        return {}
    stored_signatures = stored["signature"].combine_chunks().flatten().to_numpy()
    signatures = np.concatenate([stored_signatures.reshape(-1, NUM_PERM).astype(np.uint32),
                                 np.stack([prints[i.article_id].signature for i in ordered])])
    counts = np.concatenate([stored["shingle_count"].to_numpy(zero_copy_only=False),
                             [prints[i.article_id].shingle_count for i in ordered]]).astype(np.int64)
    title_keys = stored["title_key"].to_pylist() + [prints[i.article_id].title_key for i in ordered]
    codes: dict[str, int] = {}
    title_codes = np.array([-1 if k is None else codes.setdefault(k, len(codes)) for k in title_keys], dtype=np.int64)

    scores = pair_scores(signatures, counts, title_codes, left, right)
    copies = scores > 0
    left, right, scores = left[copies], right[copies], scores[copies]
    order = np.lexsort((right, -scores, left))  # by item; then best score; then first candidate
    left, right = left[order], right[order]
    first = np.ones(left.size, dtype=bool)
    first[1:] = left[1:] != left[:-1]
    story_ids = stored["story_id"].to_pylist()
    return {int(item) - m: (story_ids[candidate] if candidate < m else int(candidate) - m)
            for item, candidate in zip(left[first], right[first])}


def _stored_candidates(
    con: duckdb.DuckDBPyConnection, batch_items: pa.Table, batch_bands: pa.Table, new: np.ndarray, now: datetime,
) -> pa.Table:
    """Stored articles sharing a bucket or title key with a new item (story_candidates.sql), each
    with the positions of the new items it is a candidate for."""
    lookup_items = batch_items.filter(pa.array(new))
    lookup_bands = batch_bands.filter(pa.array(new[batch_bands["position"].to_numpy()]))
    params = {"since": now - TEXT_WINDOW, "title_since": now - TITLE_WINDOW}
    with registered(con, story_batch_items=lookup_items), registered(con, story_batch_bands=lookup_bands):
        return con.sql(sql("statements/story_candidates"), params=params).to_arrow_table()


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
        with registered(con, story_batch_assigned=assigned), \
                registered(con, story_batch_bands=_bands_table(items, prints)):
            con.execute(sql("statements/story_insert_articles"))
            con.execute(sql("statements/story_insert_title_keys"),
                        {"title_since": now - TITLE_WINDOW, "bucket_members": BUCKET_MEMBERS})
            con.execute(sql("statements/story_insert_bands"), {"since": now - TEXT_WINDOW, "bucket_members": BUCKET_MEMBERS})
    stored = pa.table({"article_id": list(result), "story_id": list(result.values())})
    with registered(con, story_batch_result=stored):
        con.execute(sql("statements/story_update_articles"))


def prune_index(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Delete story index rows older than INDEX_KEPT. Every reader of the index looks inside a
    window (candidates, bucket and title-key caps) or falls back to articles.story_id (an edit of an
    old article finds its story there), so nothing it decides changes; what changes is that the
    index, 32 band rows and a 512-byte signature an article, stops growing with the store's age
    and with it the database file and its read-only copy."""
    params = {"before": now - INDEX_KEPT}
    for table in ("bands", "title_keys", "articles"):
        con.execute(sql(f"statements/story_prune_{table}"), params)


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
    with registered(con, story_batch_entities=entities):
        con.execute(sql("statements/story_insert_entities"))
        params = {"since": now - EVENT_WINDOW, "min_shared": EVENT_MIN_SHARED,
                  "generic_share": GENERIC_SHARE, "generic_min_stories": GENERIC_MIN_STORIES}
        links = con.execute(sql("statements/story_event_candidates"), params).fetchall()
    event_of: dict[str, str] = {}
    for new_story, _other, _shared, event_id in sorted(links, key=lambda r: (r[0], r[3])):
        event_of.setdefault(new_story, event_id)
    if event_of:
        events = pa.table({"story_id": list(event_of), "event_id": list(event_of.values())})
        with registered(con, story_batch_events=events):
            con.execute(sql("statements/story_insert_events"), {"linked_at": now})


def _items_table(items: Sequence[StoryItem], prints: dict[str, Fingerprint]) -> pa.Table:
    return pa.table({
        "article_id": pa.array([i.article_id for i in items], pa.string()),
        "position": pa.array(range(len(items)), pa.int32()),
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
