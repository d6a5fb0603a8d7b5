"""`newsmon retag`: apply the current topic rules to every stored article, without fetching.

Articles are read and re-tagged page by page, all in one transaction, so a failure
leaves the old tags in place and memory stays flat on large databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsmon import store
from newsmon.db import transaction, writer_lock
from newsmon.topics.match import load_topic_rules, match_topics

PAGE_SIZE = 5_000


def retag_database(db_path: Path, seeds_dir: Path) -> tuple[int, int]:
    """Returns (change in the number of matching tags, articles re-tagged)."""
    rules = load_topic_rules(seeds_dir)
    now = datetime.now(UTC)
    with writer_lock(db_path):
        con = store.open_store(db_path)
        try:
            before = store.count_matches(con)
            total, after = 0, ""
            with transaction(con):
                while page := store.read_articles_for_tagging(con, after, PAGE_SIZE):
                    tagged = [
                        (article_id, match_topics(title, text, rules, feed_side=side))
                        for article_id, title, text, side in page
                    ]
                    store.replace_topics(con, tagged, now)
                    total += len(page)
                    after = page[-1][0]
            return store.count_matches(con) - before, total
        finally:
            con.close()

