"""Primary sources watched closely: critical feeds (feeds.csv `critical=true`) and their fallbacks.

A critical feed that fails or comes back empty in a run has its fallback feeds (`fallbacks`, rows
with `role=fallback` that are never polled on their own) fetched in that same run, and raises an
operator alert at once, not after NEWSMON_FEED_FAILING_RUNS runs like an ordinary feed. KCNA Watch's
feed is intermittently empty, so the alert has hysteresis: raised once when the feed goes down, and
cleared only after RECOVERY_RUNS good fetches in a row, so a feed that flaps alerts once, not every
other run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import duckdb
import pyarrow as pa

from newsmon.alerts.outbox import set_conditions
from newsmon.alerts.rules import AlertPlan, OutboxAlert
from newsmon.db import registered, sql
from newsmon.feed_options import fetch_request_for
from newsmon.records import Feed, FeedState, FetchRequest, FetchResult

RECOVERY_RUNS = 3  # good fetches in a row before a critical feed's alert is cleared
CONDITION = "critical_feed"
_ITEM_MARKERS = (b"<item", b"<entry", b":item")  # RSS, Atom, RDF (rdf:item is rare; <item covers most)


def is_down(result: FetchResult) -> bool:
    """Failed, or answered with a feed that holds no item (a 304 is not down: unchanged)."""
    if not result.is_ok:
        return True
    if result.content is None:
        return False  # 304, or a body unchanged since the last parse
    body = result.body()
    return not any(marker in body for marker in _ITEM_MARKERS)


def fallback_requests(results: Sequence[FetchResult], feeds: Mapping[str, Feed],
                      states: Mapping[str, FeedState]) -> list[FetchRequest]:
    """Requests for the fallbacks of feeds that are down in this run (each fallback once)."""
    wanted: list[str] = []
    for result in results:
        feed = feeds.get(result.feed_id)
        if feed is not None and feed.fallbacks and is_down(result):
            wanted += [f for f in feed.fallbacks if f in feeds and f not in wanted]
    requests = []
    for feed_id in wanted:
        state = states.get(feed_id)
        requests.append(fetch_request_for(feeds[feed_id], state.etag, state.last_modified, state.body_hash)
                        if state else fetch_request_for(feeds[feed_id]))
    return requests


def critical_feed_alerts(con: duckdb.DuckDBPyConnection, plan: AlertPlan, feeds: Mapping[str, Feed],
                         results: Sequence[FetchResult], entries_by_feed: Mapping[str, int],
                         now: datetime) -> list[OutboxAlert]:
    """Operator alerts for critical feeds that went down or recovered (call after this run's fetch
    events are written, in the same transaction)."""
    critical = {r.feed_id: r for r in results if (f := feeds.get(r.feed_id)) is not None and f.critical}
    if not critical:
        return []
    ids = pa.table({"feed_id": pa.array(sorted(critical), pa.string())})
    with registered(con, critical_batch_ids=ids):
        rows = con.execute(sql("statements/critical_feed_recent_fetches"), {"runs": RECOVERY_RUNS}).fetchall()
    good: dict[str, list[bool]] = {}
    for feed_id, is_good, _ in sorted(rows, key=lambda r: (r[0], r[2])):
        good.setdefault(feed_id, []).append(bool(is_good))
    known = dict(con.execute(sql("statements/alert_conditions_select")).fetchall())
    conditions = {}
    for feed_id, result in critical.items():
        condition_id = f"{CONDITION}:{feed_id}"
        down = not result.is_ok or (result.content is not None and entries_by_feed.get(feed_id, 0) == 0)
        recovered = len(good.get(feed_id, [])) >= RECOVERY_RUNS and all(good[feed_id])
        active = down or (known.get(condition_id, False) and not recovered)
        reason = (f"fetch failed ({result.error_class})" if not result.is_ok else
                  "the feed held no item" if down else f"{RECOVERY_RUNS} good fetches in a row")
        fallbacks = feeds[feed_id].fallbacks
        detail = reason + (f"; fallbacks fetched: {' '.join(fallbacks)}" if down and fallbacks else "")
        conditions[condition_id] = (active, detail)
    labels = {f"{CONDITION}:{feed_id}": feeds[feed_id].name for feed_id in critical}
    return set_conditions(con, plan, conditions, now, labels)

