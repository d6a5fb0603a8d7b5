"""Merging and comparing registries: OPML imports into a CSV, and a user's edited list against the
shipped one (`newsmon feeds diff` / `newsmon feeds update`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from newsmon.feeds import CSV_COLUMNS, feed_to_row, unique_feed_id, url_key
from newsmon.records import Feed

# --- merge, diff and update ------------------------------------------------------------------------


def merge_feeds(existing: Sequence[Feed], imported: Sequence[Feed]) -> tuple[list[Feed], int]:
    """Existing feeds unchanged, then imported feeds whose URL is new. Returns (merged, added).

    An imported feed whose id is already taken by a different URL gets a suffixed id, so the
    existing registry (and the history stored under its ids) is never rewritten. The `fallbacks`
    of added feeds follow those renames; a reference that no longer names a fallback feed is dropped.
    """
    merged = list(existing)
    taken_ids = {feed.feed_id for feed in existing}
    known_urls = {url_key(feed.url): feed.feed_id for feed in existing}
    id_map: dict[str, str] = {}
    added: list[Feed] = []
    for feed in imported:
        key = url_key(feed.url)
        if key in known_urls:
            id_map.setdefault(feed.feed_id, known_urls[key])
            continue
        feed_id = unique_feed_id(feed.feed_id, taken_ids)
        id_map.setdefault(feed.feed_id, feed_id)
        added.append(replace(feed, feed_id=feed_id))
        taken_ids.add(feed_id)
        known_urls[key] = feed_id
    merged += added
    return _with_valid_fallbacks(merged, {feed.feed_id for feed in added}, id_map), len(added)


def _with_valid_fallbacks(feeds: list[Feed], rewrite: set[str], id_map: Mapping[str, str]) -> list[Feed]:
    roles = {feed.feed_id: feed.role for feed in feeds}
    out = []
    for feed in feeds:
        if feed.feed_id in rewrite and feed.fallbacks:
            mapped = dict.fromkeys(id_map.get(other, other) for other in feed.fallbacks)
            kept = tuple(o for o in mapped if o != feed.feed_id and roles.get(o) == "fallback")
            feed = replace(feed, fallbacks=kept)
        out.append(feed)
    return out


@dataclass(frozen=True, slots=True)
class FeedChange:
    """One difference between a local registry and the shipped one (diff_feeds)."""

    kind: str  # new (shipped only), changed (same feed, other values), local_only (not shipped)
    feed_id: str  # the local id (the shipped id for `new`)
    name: str
    changes: tuple[tuple[str, str, str], ...] = ()  # (column, local value, shipped value)


def _pair_feeds(local: Sequence[Feed], shipped: Sequence[Feed]) -> dict[str, Feed | None]:
    """shipped feed_id -> the local feed it is (same feed_id, else same URL), or None when new."""
    by_id = {feed.feed_id: feed for feed in local}
    by_url = {url_key(feed.url): feed for feed in local}
    paired: set[str] = set()
    pairs: dict[str, Feed | None] = {}
    for theirs in shipped:
        ours = by_id.get(theirs.feed_id) or by_url.get(url_key(theirs.url))
        if ours is not None and ours.feed_id in paired:
            ours = None
        if ours is not None:
            paired.add(ours.feed_id)
        pairs[theirs.feed_id] = ours
    return pairs


def diff_feeds(local: Sequence[Feed], shipped: Sequence[Feed]) -> list[FeedChange]:
    """What the shipped registry has that a local (edited) one has not, feed by feed.

    Feeds are paired by feed_id, else by URL. `notes` differences are reported like any column,
    since they say why a shipped feed changed (e.g. "dead: 404 ... replaced by ...")."""
    pairs = _pair_feeds(local, shipped)
    changes: list[FeedChange] = []
    for theirs in shipped:
        ours = pairs[theirs.feed_id]
        if ours is None:
            changes.append(FeedChange("new", theirs.feed_id, theirs.name))
            continue
        differing = tuple(
            (column, mine, shipped_value)
            for column, mine, shipped_value in zip(CSV_COLUMNS, feed_to_row(ours), feed_to_row(theirs),
                                                   strict=True)
            if column != "feed_id" and mine != shipped_value
            and not (column == "url" and url_key(mine) == url_key(shipped_value))
        )
        if differing:
            changes.append(FeedChange("changed", ours.feed_id, ours.name, differing))
    paired = {feed.feed_id for feed in pairs.values() if feed is not None}
    changes += [FeedChange("local_only", f.feed_id, f.name) for f in local if f.feed_id not in paired]
    return changes


def update_feeds(
    local: Sequence[Feed], shipped: Sequence[Feed], take: Collection[str] = ()
) -> tuple[list[Feed], int, int]:
    """A local registry brought up to date: every shipped feed it lacks is appended (local ids and
    URLs win, as in merge_feeds), and each changed feed whose local id is in `take` ("*" = all) is
    replaced by the shipped row under its local feed_id. Returns (feeds, added, replaced).
    Local-only feeds and changes not taken stay as they are."""
    pairs = _pair_feeds(local, shipped)
    changed = {c.feed_id for c in diff_feeds(local, shipped) if c.kind == "changed"}
    wanted = changed if "*" in take else changed & set(take)
    new = [feed for feed in shipped if pairs[feed.feed_id] is None]
    merged, added = merge_feeds(local, new)
    merged_by_url = {url_key(feed.url): feed.feed_id for feed in merged}
    id_map = {shipped_id: ours.feed_id for shipped_id, ours in pairs.items() if ours is not None}
    id_map.update({feed.feed_id: merged_by_url[url_key(feed.url)] for feed in new})
    taken = {ours.feed_id: theirs for theirs in shipped
             if (ours := pairs[theirs.feed_id]) is not None and ours.feed_id in wanted}
    out = [replace(taken[f.feed_id], feed_id=f.feed_id) if f.feed_id in taken else f for f in merged]
    return _with_valid_fallbacks(out, set(taken), id_map), added, len(taken)
