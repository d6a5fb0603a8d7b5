"""Event linking with the article's page: the full-text stage's part of events (issues #19, #20).

`link_bodies` runs in the full-text stage's transaction, after the body tags are written, for the
articles whose page was read this run and that match a topic. Two cases:

  a story with no event   it matches only through its body (the stage upgraded it): it is linked
                          as link_events links a new story (link.link_stories: same window, scores
                          and thresholds, one representative per story, its earliest matching
                          article), its signals those of its headline and feed lede plus its page's
  a story alone in its    the page may name what the headline lacked (the place, the act, the
  event                   day): with those signals it may join an existing event. Its own event id
                          stays; the two events become one by a row in event_merges, the younger
                          event pointing to the older (an event's id is its first story's), so
                          every event keeps one id to follow and no id is given twice

A story linked before keeps its event, but its stored ids gain what its page's lede names, so
later stories are compared with them (event_stories.entities; event_id never changes).

Only the page's lede adds signals (its first sentence, as the feed's lede is read: signals.lede):
the paragraphs after it recount earlier happenings (the treaty, last month's visit), the very
near misses that must stay apart (bench/eval_events.py --body background: the whole page merged
an announcement with the visit it announced; the lede merged none). A story with others in its
event does not leave it on its page's word: that event was decided with them, and moving it
would move a group; a story alone may join a group's event. The work follows the stage's pages:
one window read per run of adjacent days they cover, as link_events does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from newsmon.db import registered, sql
from newsmon.events.link import EventStory, decide, link_stories, read_merges, read_window
from newsmon.events.signals import EventTerms, Signals, event_terms, event_time, lede, story_signals, text_signals
from newsmon.records import TopicHit

# What part of a page adds event signals: its lede (the first sentence), the first paragraph, or
# everything (bench/eval_events.py --body compares them).
BODY_PARTS = ("lede", "paragraph", "body")
BODY_PART = "lede"
PARAGRAPH_CHARS = 600


@dataclass(frozen=True, slots=True)
class BodyArticle:
    """An article whose page was read this run: its page text and its tags after the body."""

    article_id: str
    body: str
    hits: tuple[TopicHit, ...]


@dataclass(frozen=True, slots=True)
class BodyLinks:
    linked: int = 0  # stories that had no event and now have one
    merged: int = 0  # events recorded as part of an older one


def link_bodies(con: duckdb.DuckDBPyConnection, articles: Sequence[BodyArticle], now: datetime,
                seeds_dir: Path | str, body_part: str = BODY_PART) -> BodyLinks:
    matching = {a.article_id: a for a in articles if a.body and any(h.is_match for h in a.hits)}
    if not matching:
        return BodyLinks()
    terms = event_terms(seeds_dir)
    with registered(con, event_body_batch=pa.table({"article_id": pa.array(sorted(matching), pa.string())})):
        rows = con.execute(sql("statements/event_body_stories")).fetchall()
    unlinked: dict[str, EventStory] = {}
    held_signals: dict[str, Signals] = {}  # linked stories: their stored signals with their pages'
    linked_before: dict[str, EventStory] = {}
    for (article_id, story_id, title, text, lang, published_at, first_seen_at,
         event_id, stored_time, entities, is_future) in rows:
        a = matching[article_id]
        time = event_time(published_at, first_seen_at)
        page = body_signals(a.body, terms, time, body_part)
        if event_id is None:
            title_ids = {e.entity for h in a.hits for e in h.evidence if e.entity and e.where == "title"}
            story = EventStory(story_id, article_id, lang, time,
                               joined(story_signals(title, text, title_ids, terms, time), page))
            held = unlinked.get(story_id)
            if held is None or (story.time, article_id) < (held.time, held.article_id):
                unlinked[story_id] = story
        else:
            stored = Signals(frozenset(entities), is_future)
            held_signals[story_id] = joined(held_signals.get(story_id, stored), page)
            linked_before[story_id] = EventStory(story_id, article_id, lang, stored_time, stored, event_id)
    update_signals(con, {k: v for k, v in held_signals.items() if v != linked_before[k].signals})
    linked = link_stories(con, sorted(unlinked.values(), key=_order), now, terms)
    # a story that started its own event may be alone in it; merge_alone reads whether others joined
    alone = [EventStory(s.story_id, s.article_id, s.lang, s.time, held_signals[s.story_id], s.event_id)
             for s in linked_before.values() if s.event_id == s.story_id]
    merged = merge_alone(con, sorted(alone, key=_order), now, terms) if alone else 0
    return BodyLinks(len(linked), merged)


def update_signals(con: duckdb.DuckDBPyConnection, signals: dict[str, Signals]) -> None:
    """A linked story's stored ids and announcement mark, with what its page's lede adds (later
    stories are compared with them); its event stays."""
    if not signals:
        return
    ids = sorted(signals)
    table = pa.table({"story_id": pa.array(ids, pa.string()),
                      "entities": pa.array([sorted(signals[i].entities) for i in ids], pa.list_(pa.string())),
                      "is_future": pa.array([signals[i].is_future for i in ids], pa.bool_())})
    with registered(con, event_batch_signals=table):
        con.execute(sql("statements/event_update_signals"))


def body_signals(body: str, terms: EventTerms, time: datetime, part: str = BODY_PART) -> Signals:
    if part == "lede":
        text = lede(body.lstrip())
    elif part == "paragraph":
        text = next((p for p in body.split("\n") if p.strip()), "")[:PARAGRAPH_CHARS]
    else:
        text = body
    return text_signals(text, terms, time)


def joined(a: Signals, b: Signals) -> Signals:
    return Signals(a.entities | b.entities, a.is_future or b.is_future)


def _order(s: EventStory) -> tuple[datetime, str]:
    return s.time, s.story_id


def merge_alone(con: duckdb.DuckDBPyConnection, stories: Sequence[EventStory], now: datetime,
                terms: EventTerms) -> int:
    """Stories (in event-time order) still alone in the event they started, with their page's
    signals: each that scores into another event (link.decide) makes the two one, recorded in
    event_merges. Returns the merges recorded."""
    window = read_window(con, [s.time for s in stories])
    members: dict[str, int] = {}
    for s in window:
        members[s.event_id] = members.get(s.event_id, 0) + 1
    touched = {a for pair in read_merges(con, [s.story_id for s in stories]) for a in pair}
    candidates = [s for s in stories
                  if members.get(s.story_id, 0) <= 1 and s.story_id not in touched
                  and not any(w.story_id == s.story_id and w.event_id != s.story_id for w in window)]
    if not candidates:
        return 0
    ids = {s.story_id for s in candidates}
    decided = decide(candidates, [w for w in window if w.story_id not in ids], terms)
    pairs = [(s.story_id, s.event_id) for s, _ in decided if s.event_id != s.story_id]
    if not pairs:
        return 0
    first = first_times(con, {e for pair in pairs for e in pair}, window)
    root: dict[str, str] = {}

    def find(event_id: str) -> str:
        while event_id in root:
            event_id = root[event_id]
        return event_id

    merges: list[tuple[str, str]] = []
    for a, b in pairs:
        a, b = find(a), find(b)
        if a == b:
            continue
        younger, older = sorted((a, b), key=lambda e: (first.get(e, now), e), reverse=True)
        root[younger] = older
        merges.append((younger, older))
    write_merges(con, merges, now)
    return len(merges)


def first_times(con: duckdb.DuckDBPyConnection, event_ids: set[str], window: Sequence[EventStory]) -> dict[str, datetime]:
    """The event time of each event's first story (its id is that story's): from the window where
    it lies there, else read."""
    known = {s.story_id: s.time for s in window if s.story_id in event_ids}
    missing = sorted(event_ids - set(known))
    if missing:
        with registered(con, event_batch_stories=pa.table({"story_id": pa.array(missing, pa.string())})):
            known.update(con.execute(sql("statements/event_story_times")).fetchall())
    return known


def write_merges(con: duckdb.DuckDBPyConnection, merges: Sequence[tuple[str, str]], now: datetime) -> None:
    if not merges:
        return
    table = pa.table({"event_id": pa.array([a for a, _ in merges], pa.string()),
                      "into_event_id": pa.array([b for _, b in merges], pa.string())})
    with registered(con, event_batch_merges=table):
        con.execute(sql("statements/event_insert_merges"), {"merged_at": now})
