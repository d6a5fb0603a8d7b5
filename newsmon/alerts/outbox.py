"""The DB side of alerts: outbox rows, leases, status changes and operator conditions.

`write_story_alerts` runs inside the transaction that stores a chunk of articles, so an alert row
exists exactly when the story it announces is committed. Everything else runs after the
commit, under the run's writer lock, one small autocommitted statement at a time: a lease is
committed before its send, and the outcome is committed right after.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa

from newsmon.alerts.rules import (
    JSONL_SINK,
    AlertPlan,
    OutboxAlert,
    PriorAlerts,
    StoryCandidate,
    operator_alerts,
    operator_payload,
    select_story_alerts,
)
from newsmon.alerts.story_context import MAX_ALSO_OUTLETS, body_snippet
from newsmon.db import registered, sql, transaction

_TS = pa.timestamp("us", tz="UTC")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The alert step reads rows first seen within the first of these before the run (new articles, and
# stories and events begun in the last days), then within the next ones (an older edited article,
# story or event: a backfill of last month's items reads the month, not the year), then all.
READ_WINDOWS = (timedelta(days=8), timedelta(days=40), timedelta(days=400))
SINK_FAILING = "sink_failing"


@dataclass(frozen=True, slots=True)
class DueAlert:
    alert_id: str
    kind: str
    rule_id: str
    subject_id: str
    channel: str
    payload: dict
    attempts: int
    batch_id: str | None
    created_at: datetime


def write_story_alerts(
    con: duckdb.DuckDBPyConnection,
    plan: AlertPlan,
    article_ids: Sequence[str],
    now: datetime,
) -> int:
    """Outbox rows for the stories that these stored articles made match. Call in the transaction
    that stores the articles, after their stories are assigned. Returns rows inserted.

    A run's rows share created_at (`now`, the run's start), so this can be called once per chunk:
    on a database's first run, or when a destination's rows of this run pass `plan.flood_limit`,
    that destination's rows of the run become one summary message (the JSON-lines sink excepted).
    Rows of earlier chunks of the run count for once_per_event rules as any earlier alert does."""
    candidates = read_candidates(con, article_ids, now)
    prior = read_prior_alerts(con, plan, candidates, now)
    inserted = insert_outbox(con, select_story_alerts(plan, candidates, now, prior), now)
    if inserted:
        summarise_floods(con, plan, now)
    return inserted


def summarise_floods(con: duckdb.DuckDBPyConnection, plan: AlertPlan, now: datetime) -> None:
    for channel, alerts, first_run in con.execute(sql("statements/alert_run_counts"), {"now": now}).fetchall():
        first_run = first_run and plan.summarise_first_run
        if channel == JSONL_SINK or alerts < 2 or not (first_run or alerts > plan.flood_limit):
            continue
        con.execute(sql("statements/alert_summarise"),
                    {"now": now, "channel": channel, "reason": "first_run" if first_run else "flood"})


def write_feed_health_alerts(con: duckdb.DuckDBPyConnection, plan: AlertPlan, now: datetime) -> int:
    """Outbox rows for feed-health changes. Call in the transaction that records the run's fetches."""
    return insert_outbox(con, feed_health_alerts(con, plan, now, plan.failing_runs, plan.silent_days), now)


def read_candidates(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str],
                    now: datetime | None = None) -> list[StoryCandidate]:
    """The matching articles among `article_ids` with their story's context. Reads are bounded by
    time, starting `READ_WINDOWS` before `now` (a run's start; the batch's articles were stored or
    re-tagged then), and read again with the next, wider bound while an edited article, a story
    grown by chaining or an event's other story is older than the bound (alert_candidates.sql): the
    result is the same as an unbounded read, which is what `now=None` does."""
    distinct = len(set(article_ids))
    ids = pa.table({"article_id": pa.array(list(article_ids), pa.string())})
    with registered(con, alert_batch_ids=ids):
        for since in _bounds(now):
            rows = con.execute(sql("statements/alert_candidates"),
                               {"since": since, "also_outlets": MAX_ALSO_OUTLETS}).fetchall()
            if rows[0][0] == distinct and rows[0][1]:
                break
    out = []
    for r in (row[2:] for row in rows if row[2] is not None):
        sides, cues = _evidence_terms(r[10])
        # the page's body is quoted only while its text is stored (status ok) and the match has body evidence
        body = body_snippet(r[2], r[3], r[10]) if r[15] else None
        out.append(StoryCandidate(
            story_id=r[0], article_id=r[1], topic=r[2], score=r[3], lang=r[4], subtopics=tuple(r[5]), title=r[6],
            url=r[7], first_seen=r[8], published_at=r[9], evidence_terms=sides + cues, outlets=tuple(r[11]),
            feed_published_at=r[12], snippet=body or r[13] or "", languages=tuple(r[14]), side_terms=sides,
            cue_terms=cues, snippet_source="body" if body else "feed", event_id=r[16], also_languages=tuple(r[17]),
            also_outlets=tuple(r[18]), also_outlet_total=r[19]))
    return out


def _bounds(start: datetime | None) -> list[datetime]:
    """The time bounds to read from, narrowest first; the last one leaves out nothing."""
    if start is None:
        return [_EPOCH]
    return [start - window for window in READ_WINDOWS] + [_EPOCH]


def read_prior_alerts(con: duckdb.DuckDBPyConnection, plan: AlertPlan,
                      candidates: Sequence[StoryCandidate], now: datetime | None = None) -> PriorAlerts:
    """The outbox rows of the candidates' events, when a rule needs them (once_per_event). The
    events' stories are read from `READ_WINDOWS` before `now`, wider while an event is older
    (alert_event_prior.sql); `now=None` reads them all."""
    events = sorted({c.event_id for c in candidates if c.event_id is not None})
    if not events or not any(rule.once_per_event for rule, _ in plan.rules):
        return PriorAlerts()
    with registered(con, alert_batch_events=pa.table({"event_id": pa.array(events, pa.string())})):
        for since in _bounds(now):
            rows = con.execute(sql("statements/alert_event_prior"), {"since": since}).fetchall()
            if rows[0][0]:
                break
    rows = [r[1:] for r in rows[1:]]
    return PriorAlerts(events=frozenset((rule, channel, event) for rule, channel, event, _, status in rows
                                        if status != "dead_letter"),
                       stories=frozenset((rule, channel, story) for rule, channel, _, story, _ in rows))


def _evidence_terms(evidence_json: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Distinct matched words, title evidence first, grouped by role prefix: the sides (side:*,
    proxy:*) and the subtopic cues (subtopic:*). Other roles (filler cue words) are left out."""
    items = json.loads(evidence_json or "[]")
    items.sort(key=lambda e: e.get("where") != "title")
    sides: dict[str, None] = {}
    cues: dict[str, None] = {}
    for e in items:
        role = e.get("role") or ""
        group = sides if role.startswith(("side:", "proxy:")) else cues if role.startswith("subtopic:") else None
        if group is not None:
            group.setdefault(e.get("matched") or e.get("term") or "", None)
    return tuple(t for t in sides if t), tuple(t for t in cues if t)


def insert_outbox(con: duckdb.DuckDBPyConnection, rows: Sequence[OutboxAlert], now: datetime) -> int:
    if not rows:
        return 0
    rows = _shift_sent_periods(con, rows)
    table = pa.table({
        "alert_id": pa.array([r.alert_id for r in rows], pa.string()),
        "kind": pa.array([r.kind for r in rows], pa.string()),
        "rule_id": pa.array([r.rule_id for r in rows], pa.string()),
        "subject_id": pa.array([r.subject_id for r in rows], pa.string()),
        "channel": pa.array([r.channel for r in rows], pa.string()),
        "destination": pa.array([r.label for r in rows], pa.string()),
        "payload": pa.array([json.dumps(r.payload, ensure_ascii=False) for r in rows], pa.string()),
        "not_before": pa.array([r.not_before for r in rows], _TS),
        # an immediate alert is its own message; digest rows get a batch when they are leased
        "batch_id": pa.array([r.batch_id for r in rows], pa.string()),
    })
    before = con.execute("select count(*) from alert_outbox").fetchall()[0][0]
    con.register("alert_batch_rows", table)
    try:
        con.execute(sql("statements/alert_insert_outbox"), {"now": now})
    finally:
        con.unregister("alert_batch_rows")
    return con.execute("select count(*) from alert_outbox").fetchall()[0][0] - before


def _shift_sent_periods(con: duckdb.DuckDBPyConnection, rows: Sequence[OutboxAlert]) -> list[OutboxAlert]:
    """A digest row whose period's message already went out (a second run within the grace hour)
    waits for the next period: one digest message per period and destination."""
    if not any(r.next_period for r in rows):
        return list(rows)
    sent = {(rule, channel): at for rule, channel, at in con.execute(sql("statements/alert_digest_sent")).fetchall()}
    out = []
    for r in rows:
        last = sent.get((r.rule_id, r.channel))
        if r.next_period and last is not None and last >= r.not_before:
            r = replace(r, not_before=r.next_period)
        out.append(r)
    return out


# --- operator conditions -------------------------------------------------------------------------


def feed_health_alerts(
    con: duckdb.DuckDBPyConnection, plan: AlertPlan, now: datetime, failing_runs: int, silent_days: int
) -> list[OutboxAlert]:
    conditions: dict[str, tuple[bool, str]] = {}
    for feed_id, failures, error_class, last_new_at in con.execute(sql("statements/alert_feed_health")).fetchall():
        conditions[f"feed_failing:{feed_id}"] = (
            failures >= failing_runs, f"{failures} consecutive failed fetches (last error: {error_class or '-'})")
        silent = last_new_at is not None and now - last_new_at >= timedelta(days=silent_days)
        since = last_new_at.isoformat()[:16] if last_new_at else "-"
        conditions[f"feed_silent:{feed_id}"] = (silent, f"no new article since {since} UTC")
    return set_conditions(con, plan, conditions, now)


def set_conditions(
    con: duckdb.DuckDBPyConnection, plan: AlertPlan, conditions: dict[str, tuple[bool, str]], now: datetime,
    labels: dict[str, str] | None = None,
) -> list[OutboxAlert]:
    """Record each condition's state; return operator alerts for those that changed. A condition
    never seen before alerts only when it starts active (no 'recovered' for healthy feeds).
    `labels` names the subject of a condition in its message (default: the id after the colon)."""
    known = dict(con.execute(sql("statements/alert_conditions_select")).fetchall())
    out = []
    for condition_id, (active, detail) in sorted(conditions.items()):
        if known.get(condition_id, False) == active:
            continue
        con.execute(sql("statements/alert_conditions_upsert"),
                    {"condition_id": condition_id, "is_active": active, "now": now, "detail": detail})
        kind, _, subject = condition_id.partition(":")
        payload = operator_payload(kind, (labels or {}).get(condition_id, subject),
                                   "raised" if active else "recovered", detail)
        out += operator_alerts(plan, condition_id, f"{'raised' if active else 'recovered'}@{now.isoformat()}",
                               payload, now, failed=subject if kind == SINK_FAILING else None)
    return out


def raise_sink_alerts(con: duckdb.DuckDBPyConnection, plan: AlertPlan, states: dict[str, tuple[bool, str]],
                      labels: dict[str, str], now: datetime) -> int:
    """One operator alert when a channel or file sink (by key) starts failing, one when it works
    again; `states` maps key -> (failing, detail). Never sent through the failing channel alone."""
    conditions = {f"{SINK_FAILING}:{key}": state for key, state in states.items()}
    with transaction(con):
        rows = set_conditions(con, plan, conditions, now,
                              {f"{SINK_FAILING}:{key}": label for key, label in labels.items()})
        return insert_outbox(con, rows, now)


def raise_dead_letter_alert(con: duckdb.DuckDBPyConnection, plan: AlertPlan, now: datetime) -> int:
    """One operator alert when the dead-letter set becomes non-empty, one when it is emptied."""
    dead = con.execute(sql("statements/alert_dead_count")).fetchall()[0][0]
    detail = f"{dead} story alerts in dead letter: see `newsmon alerts --dead`"
    with transaction(con):
        rows = set_conditions(con, plan, {"dead_letter:outbox": (dead > 0, detail)}, now)
        return insert_outbox(con, rows, now)


# --- delivery bookkeeping ------------------------------------------------------------------------


def release_leases(con: duckdb.DuckDBPyConnection, owner: str, now: datetime) -> None:
    con.execute(sql("statements/alert_release_leases"), {"owner": owner, "now": now})


def read_due(con: duckdb.DuckDBPyConnection, now: datetime) -> list[DueAlert]:
    rows = con.execute(sql("statements/alert_select_due"), {"now": now}).fetchall()
    return [DueAlert(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8]) for r in rows]


def lease(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str], batch_id: str, owner: str,
          until: datetime) -> None:
    con.execute(sql("statements/alert_lease"), {"alert_ids": list(alert_ids), "batch_id": batch_id,
                                                 "owner": owner, "lease_until": until})


def mark(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str], owner: str, status: str, now: datetime,
         next_attempt_at: datetime | None = None, error: str | None = None) -> None:
    con.execute(sql("statements/alert_mark"), {
        "alert_ids": list(alert_ids), "owner": owner, "status": status, "now": now,
        "next_attempt_at": next_attempt_at or now, "error": (error or None) and error[:500]})


def list_alerts(con: duckdb.DuckDBPyConnection, status: str | None = None, limit: int = 50) -> list[tuple]:
    return con.execute(sql("statements/alert_list"), {"status": status, "limit": limit}).fetchall()


def count_alerts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute(sql("statements/alert_counts")).fetchall())


def read_feed_stories(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple[str, datetime, dict]]:
    rows = con.execute(sql("statements/alert_feed_stories"), {"limit": limit}).fetchall()
    return [(story_id, alerted_at, json.loads(payload)) for story_id, alerted_at, payload in rows]
