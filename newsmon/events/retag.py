"""Events after `newsmon retag`: the topic rules changed, so which stories match changed too.

`relink_events` runs in the re-tag's transaction, after every article has its new tags. Afterwards
every story with a topic match has exactly one event_stories row, as after a run:

  a story that stopped   its event_stories row is deleted (event_retag_unlink). The stories and
  matching               events views, the report and the named queries read event_stories, so the
                         story leaves its event and an event whose every story stopped matching
                         leaves the events view. Keeping the row with a mark would have meant a
                         filter in every reader (views, the report's working set, alert reads);
                         a row that exists means "linked", as it always has. What the story was
                         linked to is not kept: linking it again (the rules changed back) is a
                         new decision on the stories matching then. Alerts already sent are
                         history: alert_outbox is not touched
  a story that matches   it is linked as link_events links a new story (link.link_stories: the
  and has no event row   same signals, window, scores and thresholds, one representative per
                         story: its earliest matching article), stories in event-time order, page
                         by page (at most PAGE_SIZE stories within PAGE_SPAN of each other), each
                         page reading only the stored stories of its window's days, so memory
                         follows a page's stretch of days, not the history;
                         the stories linked by earlier pages are stored by then, as earlier runs'
                         are. A representative whose page was read adds its page's lede to its
                         signals, as the full-text stage adds it to a linked story's (body.py)

Ids never change: the rows of stories still matching keep their event_id (an event whose first
story stopped matching keeps that story's id), event_merges is kept whole (a merge stays true of the
stories still linked through it), and a new event's id is its first story's story_id as in a run.
A story whose id still names an event (it started that event, stopped matching while later stories
stayed, and matches again) thus returns to that event if it starts one: an id is never given to a
second event. A story still matching keeps its row, signals and representative as linked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from newsmon import testing
from newsmon.db import sql
from newsmon.events.body import body_signals, joined
from newsmon.events.link import EventStory, link_stories
from newsmon.events.signals import MAX_AHEAD, MAX_BACKDATE, EventTerms, event_terms, story_signals

PAGE_SIZE = 2_000  # stories linked per page: one window read per run of adjacent days the page covers
# A page's stories lie within this of each other, so its window read covers at most this and two
# windows of stored stories (a wider span reads overlapping windows fewer times, a narrower holds less).
PAGE_SPAN = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Relinked:
    linked: int = 0  # stories that match and had no event row: now linked
    unlinked: int = 0  # stories that stopped matching: their event row deleted


def relink_events(con: duckdb.DuckDBPyConnection, seeds_dir: Path | str, now: datetime,
                  page_size: int = PAGE_SIZE) -> Relinked:
    """Unlink the stories that no longer match, then link those that match and have no event.
    Runs inside the caller's transaction (a failure leaves the old rows)."""
    terms = event_terms(seeds_dir)
    (unlinked,) = con.execute(sql("statements/event_retag_unlink")).fetchone()
    con.execute(sql("statements/event_retag_pending"), {"max_backdate": MAX_BACKDATE, "max_ahead": MAX_AHEAD})
    linked, after = 0, 0
    params = {"page_size": page_size, "span": PAGE_SPAN}
    while rows := con.execute(sql("statements/event_retag_page"), {**params, "after": after}).fetchall():
        linked += len(link_stories(con, [pending_story(row, terms) for row in rows], now, terms))
        after = rows[-1][0]
        testing.crash_point("retag_events_page")
    con.execute(sql("statements/event_retag_done"))  # on failure the rollback drops it with the rest
    return Relinked(linked, unlinked)


def pending_story(row: tuple, terms: EventTerms) -> EventStory:
    """A story to link, from an event_retag_page row: its signals as a run computes them (headline
    and feed lede with the title's evidence ids, link.representatives), with its page's lede."""
    _position, story_id, article_id, time, title, text, lang, evidence, page_text = row
    title_ids = {e.get("entity") for hit in evidence for e in json.loads(hit)
                 if e.get("entity") and e.get("where") == "title"}
    time = time.astimezone(UTC)
    signals = story_signals(title or "", text or "", title_ids, terms, time)
    if page_text:
        signals = joined(signals, body_signals(page_text, terms, time))
    return EventStory(story_id, article_id, lang, time, signals)
