"""`newsmon retag`: apply the current topic rules to every stored article, without fetching.

Articles are read and re-tagged page by page, all in one transaction, so a failure
leaves the old tags in place and memory stays flat on large databases. An article whose page was
read (article_texts status ok) is re-tagged as the full-text stage tags it (fulltext.tagging.tag_body:
title and feed text, then the body paragraph by paragraph), so body matches and their evidence
survive a re-tag, and its teaser_match / body_match follow the new rules.

Events follow the new tags in the same transaction (events/retag.py relink_events): a story that
stopped matching leaves its event, a story that matches and has no event is linked as a run links
it, so every matching story has one event row, and no event id changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from newsmon import store
from newsmon.db import registered, sql, transaction, writer_lock
from newsmon.events.retag import relink_events
from newsmon.fulltext.tagging import tag_body
from newsmon.records import TopicHit
from newsmon.topics.match import TopicRules, load_topic_rules, match_topics

PAGE_SIZE = 5_000


@dataclass(frozen=True, slots=True)
class Retagged:
    changed: int  # change in the number of matching tags
    articles: int  # articles re-tagged
    linked: int  # stories linked to an event (they match now and had none)
    unlinked: int  # stories that stopped matching, taken out of their event

    def line(self) -> str:
        return (f"re-tagged {self.articles} articles; {self.changed} changed their match; "
                f"{self.linked} {'story' if self.linked == 1 else 'stories'} linked to events, {self.unlinked} unlinked")


def retag_store(db_path: Path, seeds_dir: Path) -> Retagged:
    """Re-tag every stored article, then bring events in line with the new tags, in one transaction."""
    rules = load_topic_rules(seeds_dir)
    now = datetime.now(UTC)
    with writer_lock(db_path):
        con = store.open_store(db_path)
        try:
            before = store.count_matches(con)
            total, after = 0, ""
            with transaction(con):
                while page := store.read_articles_for_tagging(con, after, PAGE_SIZE):
                    tagged, text_matches = retag_page(page, rules)
                    store.replace_topics(con, tagged, now)
                    write_text_matches(con, text_matches)
                    total += len(page)
                    after = page[-1][0]
                events = relink_events(con, seeds_dir, now)
            return Retagged(store.count_matches(con) - before, total, events.linked, events.unlinked)
        finally:
            con.close()


def retag_page(page: Sequence[tuple], rules: TopicRules) -> tuple[list[tuple[str, Sequence[TopicHit]]],
                                                                   list[tuple[str, bool, bool]]]:
    """Pure: the new tags of a page of articles, and (article_id, teaser_match, body_match) of those
    with a page text."""
    tagged: list[tuple[str, Sequence[TopicHit]]] = []
    text_matches: list[tuple[str, bool, bool]] = []
    for article_id, title, text, side, page_text, page_lang in page:
        if page_text:
            body = tag_body(title, text, page_text, rules, feed_side=side, lang=page_lang)
            tagged.append((article_id, body.hits))
            text_matches.append((article_id, body.teaser_match, body.body_match))
        else:
            tagged.append((article_id, match_topics(title, text, rules, feed_side=side)))
    return tagged, text_matches


def write_text_matches(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[str, bool, bool]]) -> None:
    if not rows:
        return
    table = pa.table({"article_id": pa.array([r[0] for r in rows], pa.string()),
                      "teaser_match": pa.array([r[1] for r in rows], pa.bool_()),
                      "body_match": pa.array([r[2] for r in rows], pa.bool_())})
    with registered(con, batch_text_matches=table):
        con.execute(sql("statements/fulltext_update_matches"))
