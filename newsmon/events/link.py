"""The DB side of event linking: give each new story with a topic match its event, once.

`link_events` runs in the chunk's transaction right after `assign_stories`. Only stories that match
a topic are linked, one representative article per story. Candidates are the stored stories whose
event time lies within EVENT_WINDOW of a new one: one read per run of adjacent days the batch
covers (event_time between two constants, so DuckDB skips the row groups outside by their
min/max), so a run costs in proportion to its new stories and the window's, never to the history;
a backfill of old items reads the old days it touches, not the days in between. A new story joins
the event of its best-scoring candidate (stored, or earlier in this batch by event time) when the
score reaches LINK_MIN_SCORE, else it starts an event whose id is its story_id. Ids never change: two events found to be one
later (events/body.py, when a page arrives) are recorded in event_merges, and the window's stories
are read with their event followed through those merges.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from newsmon.db import registered, sql
from newsmon.events.signals import (
    EVENT_MEAN_MIN,
    EVENT_WINDOW,
    LINK_MIN_SCORE,
    EventTerms,
    Signals,
    event_terms,
    event_time,
    pair_score,
    story_signals,
)
from newsmon.records import Article

# A story is compared with at most this many of the window's stories per id (those nearest in
# time), and with at most this many stories of an event: a run stays linear in its new stories
# however many stories of the window share an id (as the story index caps its buckets).
NEAREST_MEMBERS = 64
MERGE_DEPTH = 8  # merge steps followed, as the story_event_ids view (migration 006) follows them


@dataclass(frozen=True, slots=True)
class EventStory:
    """A story as event linking sees it: its representative article's signals and time."""

    story_id: str
    article_id: str
    lang: str
    time: datetime
    signals: Signals
    event_id: str = ""  # set once linked


def representatives(articles: Sequence[Article], stories: Mapping[str, str], terms: EventTerms) -> list[EventStory]:
    """One per story of `articles` with a topic match: its earliest matching article, in event-time order."""
    best: dict[str, Article] = {}
    for a in articles:
        story_id = stories.get(a.article_id)
        if story_id is None or not any(t.is_match for t in a.topics):
            continue
        held = best.get(story_id)
        if held is None or _placed(a) < _placed(held):
            best[story_id] = a
    out = []
    for story_id, a in best.items():
        evidence = {e.entity for t in a.topics for e in t.evidence if e.entity and e.where == "title"}
        time = event_time(a.published_at, a.first_seen_at)
        out.append(EventStory(story_id, a.article_id, a.lang, time, story_signals(a.title, a.text, evidence, terms, time)))
    return sorted(out, key=lambda s: (s.time, s.story_id))


def _placed(a: Article) -> tuple[datetime, str]:
    return event_time(a.published_at, a.first_seen_at), a.article_id


def link_events(con: duckdb.DuckDBPyConnection, articles: Sequence[Article], stories: Mapping[str, str],
                now: datetime, seeds_dir: Path | str, known: Mapping[str, str] | None = None) -> dict[str, str]:
    """Link this batch's matching stories that have no event yet (story_id -> event_id) and store
    the links. `known`: the batch's articles that were already stored (store_chunk's chunk.known)."""
    terms = event_terms(seeds_dir)
    batch = representatives(articles, stories, terms)
    # A story first stored in this batch has no event yet; only an older story that now has a
    # matching copy (rare) needs the look-up.
    known = known or {}
    started_here = {a.article_id for a in articles if a.article_id not in known}
    return link_stories(con, batch, now, terms, maybe_linked=[s.story_id for s in batch if s.story_id not in started_here])


def link_stories(con: duckdb.DuckDBPyConnection, batch: Sequence[EventStory], now: datetime, terms: EventTerms,
                 maybe_linked: Sequence[str] = ()) -> dict[str, str]:
    """Link `batch` (one representative per story, in event-time order) as new stories and store the
    links; those of `maybe_linked` that have an event already are left out (a story is linked once;
    the look-up reads event_stories' story_id column)."""
    if maybe_linked and batch:
        linked = linked_stories(con, maybe_linked)
        batch = [s for s in batch if s.story_id not in linked]
    if not batch:
        return {}
    stored = read_window(con, [s.time for s in batch])
    decided = decide(batch, stored, terms)
    write_links(con, decided, now)
    return {s.story_id: s.event_id for s, _ in decided}


def linked_stories(con: duckdb.DuckDBPyConnection, story_ids: Sequence[str]) -> set[str]:
    with registered(con, event_batch_stories=pa.table({"story_id": pa.array(list(story_ids), pa.string())})):
        return {story_id for (story_id,) in con.execute(sql("statements/event_linked_stories")).fetchall()}


def day_ranges(times: Sequence[datetime], window: timedelta = EVENT_WINDOW) -> list[tuple[datetime, datetime]]:
    """The time ranges a batch needs: each story's window, overlapping ones joined."""
    spans = sorted((t - window, t + window) for t in times)
    out: list[tuple[datetime, datetime]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def read_window(con: duckdb.DuckDBPyConnection, times: Sequence[datetime]) -> list[EventStory]:
    """Stored stories within the event window of any of `times`, each with its event followed
    through recorded merges (event_merges)."""
    out = []
    for lo, hi in day_ranges(times):
        for story_id, event_id, lang, time, entities, is_future in con.execute(
                sql("statements/event_candidates"), {"since": lo, "until": hi}).fetchall():
            out.append(EventStory(story_id, "", lang, time, Signals(frozenset(entities), is_future), event_id))
    merged = resolve_merges(con, {s.event_id for s in out})
    return [replace(s, event_id=merged.get(s.event_id, s.event_id)) for s in out]


def read_merges(con: duckdb.DuckDBPyConnection, event_ids: Iterable[str]) -> list[tuple[str, str]]:
    """The recorded merges (event_id, into_event_id) from or into any of `event_ids`."""
    ids = pa.table({"event_id": pa.array(sorted(set(event_ids)), pa.string())})
    if not ids.num_rows:
        return []
    with registered(con, event_batch_ids=ids):
        return con.execute(sql("statements/event_merges_touching")).fetchall()


def resolve_merges(con: duckdb.DuckDBPyConnection, event_ids: Iterable[str]) -> dict[str, str]:
    """event_id -> the event it is part of now, for those of `event_ids` that were merged (followed
    step by step, as the story_event_ids view does, at most MERGE_DEPTH steps)."""
    into: dict[str, str] = {}
    frontier = set(event_ids)
    for _ in range(MERGE_DEPTH):
        step = {a: b for a, b in read_merges(con, frontier) if a in frontier} if frontier else {}
        into.update(step)
        frontier = set(step.values()) - set(into)
    out = {}
    for event_id in event_ids:
        at, steps = event_id, 0
        while at in into and steps < MERGE_DEPTH:
            at, steps = into[at], steps + 1
        if at != event_id:
            out[event_id] = at
    return out


def decide(batch: Sequence[EventStory], stored: Sequence[EventStory],
           terms: EventTerms) -> list[tuple[EventStory, float | None]]:
    """Each batch story (in event-time order) with its event and the score that linked it (None: a
    new event). Candidates are found through a shared id, so a story is compared only with the
    window's stories that have something in common with it."""
    by_entity: dict[str, TimeOrdered] = defaultdict(TimeOrdered)
    by_event: dict[str, TimeOrdered] = defaultdict(TimeOrdered)

    def index(s: EventStory) -> None:
        by_event[s.event_id].add(s)
        for e in s.signals.entities:
            by_entity[e].add(s)

    for s in stored:
        index(s)
    out: list[tuple[EventStory, float | None]] = []
    for story in batch:
        best: dict[str, float] = {}  # event_id -> best pair score reaching LINK_MIN_SCORE
        seen: set[str] = set()
        for e in story.signals.entities:
            for other in by_entity[e].nearest(story.time) if e in by_entity else ():
                if other.story_id in seen:
                    continue
                seen.add(other.story_id)
                score = pair_score(story.signals, other.signals, _hours(story, other), terms)
                if score >= max(LINK_MIN_SCORE, best.get(other.event_id, LINK_MIN_SCORE)):
                    best[other.event_id] = score
        # the best score wins, among equals the oldest event; the event as a whole must agree
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], by_event[kv[0]].first_time(), kv[0]))
        chosen = next((event_id for event_id, _ in ranked
                       if _mean_score(story, by_event[event_id].nearest(story.time), terms) >= EVENT_MEAN_MIN), None)
        linked = EventStory(story.story_id, story.article_id, story.lang, story.time, story.signals,
                            chosen or story.story_id)
        out.append((linked, best[chosen] if chosen else None))
        index(linked)
    return out


class TimeOrdered:
    """Stories kept in event-time order, giving the NEAREST_MEMBERS nearest to a moment."""

    def __init__(self) -> None:
        self.keys: list[tuple[datetime, str]] = []
        self.stories: list[EventStory] = []

    def add(self, story: EventStory) -> None:
        at = bisect.bisect(self.keys, (story.time, story.story_id))
        self.keys.insert(at, (story.time, story.story_id))
        self.stories.insert(at, story)

    def first_time(self) -> datetime:
        return self.keys[0][0]

    def nearest(self, moment: datetime) -> list[EventStory]:
        at = bisect.bisect(self.keys, (moment, ""))
        half = NEAREST_MEMBERS // 2
        lo = max(0, min(at - half, len(self.stories) - NEAREST_MEMBERS))
        return self.stories[lo:lo + NEAREST_MEMBERS]


def _hours(a: EventStory, b: EventStory) -> float:
    return abs((a.time - b.time).total_seconds()) / 3600


def _mean_score(story: EventStory, members: Sequence[EventStory], terms: EventTerms) -> float:
    """The story's mean score against the event's stories inside its window."""
    window = EVENT_WINDOW.total_seconds() / 3600
    scores = [pair_score(story.signals, m.signals, _hours(story, m), terms) for m in members if _hours(story, m) <= window]
    return sum(scores) / len(scores) if scores else 0.0


def write_links(con: duckdb.DuckDBPyConnection, decided: Sequence[tuple[EventStory, float | None]], now: datetime) -> None:
    rows = sorted(decided, key=lambda d: (d[0].time, d[0].story_id))  # event_time order keeps row groups narrow
    table = pa.table({
        "story_id": [s.story_id for s, _ in rows],
        "event_id": [s.event_id for s, _ in rows],
        "article_id": [s.article_id for s, _ in rows],
        "lang": [s.lang for s, _ in rows],
        "event_time": pa.array([s.time for s, _ in rows], pa.timestamp("us", tz="UTC")),
        "entities": pa.array([sorted(s.signals.entities) for s, _ in rows], pa.list_(pa.string())),
        "is_future": [s.signals.is_future for s, _ in rows],
        "score": pa.array([score for _, score in rows], pa.float64()),
    })
    with registered(con, event_batch_links=table):
        con.execute(sql("statements/event_insert_stories"), {"linked_at": now})
