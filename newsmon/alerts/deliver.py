"""Alert delivery: lease -> send -> mark, for every due outbox row, at the end of a run.

A delivery pass has a wall-clock deadline, the alert budget, that holds during sends: the run
holds the writer lock while it delivers, so the pass ends by the budget whatever receivers do.
Every message also has its own deadline (`timeout_s`, or what is left of the budget) covering
connect, TLS, the SMTP dialogue and the whole response (bounded.py); a receiver that misses it
is cut, its message stays pending for a later run (with backoff), and its channel gets nothing
more this pass. Channels are sent to side by side, one message at a time each (order within a
channel is kept), so one stuck receiver costs the others nothing.

Each message goes to ONE destination with its own status. Sinks are isolated: the JSON-lines
file and the Atom feed are written on their own, and a channel or sink that fails is recorded
in the report and raises one operator alert (outbox.raise_sink_alerts), sent everywhere but
through that channel. Delivery is at-least-once: the only duplicate window is between a
receiver's "OK" (or a send abandoned at its deadline that still got through) and our `sent`
mark, and a duplicate carries the same idempotency key.
"""

from __future__ import annotations

import hashlib
import queue
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from newsmon import testing
from newsmon.alerts import bounded, channels, outbox, rules, sinks
from newsmon.alerts.rules import JSONL_SINK, AlertPlan, Destination
from newsmon.alerts.senders import SendResult, send_apprise, send_email, send_json

LEASE = timedelta(minutes=5)
SEND_TIMEOUT_S = 10.0  # one message, everything included
TRIES_PER_RUN = 4  # per message, within one run's budget
MIN_SEND_S = 0.05  # a send is not started with less time than this left
STUCK_BACKOFF_CAP = timedelta(minutes=30)  # a receiver that missed its deadline waits this at most


@dataclass(frozen=True, slots=True)
class Message:
    """What one send carries: one alert, or a digest of several, to one destination."""

    batch_id: str  # the idempotency key
    channel: str
    alert_ids: tuple[str, ...]
    payloads: tuple[dict, ...]
    created_at: datetime
    attempts: int = 0  # the most attempts of its rows before this pass


@dataclass
class DeliveryReport:
    """What a pass did, for the run's outcome. Alert counts are outbox rows (one per destination)."""

    sent: int = 0
    retried: int = 0  # due but still pending after the pass: a later run retries them
    dead: int = 0  # dead-lettered in this pass
    messages: int = 0  # sends attempted
    failures: dict[str, str] = field(default_factory=dict)  # channel or sink name -> one-line reason
    elapsed_s: float = 0.0
    out_of_budget: bool = False  # the budget ended the pass with messages still due

    @property
    def failed_sinks(self) -> tuple[str, ...]:
        """`name: reason` per failed channel or sink; names are redacted (scheme://host/…)."""
        return tuple(f"{name}: {reason}" for name, reason in self.failures.items())


def deliver_alerts(
    con: duckdb.DuckDBPyConnection,
    plan: AlertPlan,
    data_dir: Path,
    *,
    budget_s: float = 60.0,
    timeout_s: float = SEND_TIMEOUT_S,
    rng: random.Random | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DeliveryReport:
    """Deliver every due alert (this run's and any left pending by earlier runs), refresh the Atom
    feed, and raise operator alerts for sinks that failed. Needs the writer lock. Never raises for a
    receiver or a sink; ends within `budget_s` (plus local bookkeeping)."""
    started = time.monotonic()
    run = _Pass(con, plan, data_dir, started + budget_s, timeout_s, rng or random.Random(), clock)
    outbox.release_leases(con, run.owner, clock())
    run.deliver_due()
    run.write_atom()
    if run.raise_operator_alerts():
        run.deliver_due()
    run.report.retried = len(run.left)
    run.report.elapsed_s = time.monotonic() - started
    return run.report


class _Pass:
    def __init__(self, con, plan: AlertPlan, data_dir: Path, deadline: float, timeout_s: float,
                 rng: random.Random, clock: Callable[[], datetime]) -> None:
        self.con, self.plan, self.data_dir, self.deadline = con, plan, data_dir, deadline
        self.timeout_s, self.rng, self.clock = timeout_s, rng, clock
        self.owner = uuid.uuid4().hex
        self.destinations = plan.destinations()
        self.jsonl = sinks.JsonlLog(data_dir / sinks.JSONL_NAME)
        self.report = DeliveryReport()
        self.failed: dict[str, str] = {}  # channel key -> reason, for operator alerts
        self.succeeded: set[str] = set()
        self.stopped: set[str] = set()  # channels that get nothing more this pass
        self.left: set[str] = set()  # due alerts still pending

    # --- the loop --------------------------------------------------------------------------------

    def deliver_due(self) -> None:
        queues: dict[str, list[Message]] = {}
        for message in group_messages(outbox.read_due(self.con, self.clock())):
            if message.channel in self.stopped:
                self.left.update(message.alert_ids)
            else:
                queues.setdefault(message.channel, []).append(message)
        lines = queues.pop(JSONL_SINK, [])
        if lines:  # a local file: all its due lines in one append, one lease and one mark
            ids = tuple(i for m in lines for i in m.alert_ids)
            batch = Message(lines[0].batch_id, JSONL_SINK, ids, tuple(p for m in lines for p in m.payloads),
                            lines[0].created_at)
            outbox.lease(self.con, ids, batch.batch_id, self.owner, self.clock() + LEASE)
            self._finish(batch, self._write_jsonl(batch), {})
        done: queue.Queue[bounded.Flight] = queue.Queue()
        flights: dict[str, bounded.Flight] = {}
        blocked: dict[str, float] = {}
        tries: dict[str, int] = {}
        while queues or flights:
            now = time.monotonic()
            if now >= self.deadline - MIN_SEND_S:
                self._out_of_budget(queues, flights)
                return
            for channel in [c for c in queues if c not in flights and blocked.get(c, 0) <= now]:
                flight = self._start(queues[channel][0], done)
                if flight is None:
                    self._stop(channel, queues)
                else:
                    flights[channel] = flight
            wake = min([self.deadline] + [f.deadline.at for f in flights.values()]
                       + [blocked[c] for c in queues if c not in flights and c in blocked])
            try:
                ended: bounded.Flight | None = done.get(timeout=max(0.0, wake - time.monotonic()))
            except queue.Empty:
                ended = None
            if ended is not None and flights.get(ended.key.channel) is ended:
                del flights[ended.key.channel]
                self._landed(ended, queues, blocked, tries)
            for channel, flight in list(flights.items()):
                if flight.deadline.at <= time.monotonic():
                    del flights[channel]
                    self._abandon(flight, queues)

    def _start(self, message: Message, done: queue.Queue) -> bounded.Flight | None:
        if bounded.still_running(message.channel):
            self._fail(message.channel, "an earlier send to it is still running")
            return None
        destination = self.destinations.get(message.channel)
        now = self.clock()
        outbox.lease(self.con, message.alert_ids, message.batch_id, self.owner, now + LEASE)
        seconds = min(self.timeout_s, self.deadline - time.monotonic())
        self.report.messages += 1
        flight = bounded.Flight(message, _sender(destination, message), seconds, done)
        flight.by_budget = seconds < self.timeout_s
        return flight.start()

    def _landed(self, flight: bounded.Flight, queues, blocked, tries) -> None:
        message: Message = flight.key
        destination = self.destinations.get(message.channel)
        if isinstance(flight.error, TimeoutError):  # its socket timed out just before we would cut it
            self._abandon(flight, queues)
            return
        if flight.error is not None:
            url = destination.url if destination else ""
            error = channels.scrub(f"{type(flight.error).__name__}: {flight.error}", url)
            result = SendResult("retry", error=error)
        else:
            result = flight.result
        if result.outcome == "sent":
            testing.crash_point("after_send")  # a receiver has it, our outbox does not know yet
        tries[message.batch_id] = tries.get(message.batch_id, 0) + 1
        if not self._finish(message, result, queues):
            return
        delay = result.retry_after_s if result.retry_after_s is not None \
            else rules.backoff_delay(tries[message.batch_id], self.rng)
        if tries[message.batch_id] >= TRIES_PER_RUN or time.monotonic() + delay > self.deadline:
            self._stop(message.channel, queues)
        else:
            blocked[message.channel] = time.monotonic() + delay  # order within a channel is kept

    def _finish(self, message: Message, result: SendResult, queues) -> bool:
        """Record a send's outcome; True when the message stays at the head of its queue to retry."""
        now = self.clock()
        if result.outcome == "retry" and now - message.created_at > rules.MAX_PENDING_AGE:
            result = SendResult("dead", error=f"undelivered for {rules.MAX_PENDING_AGE}: {result.error}")
        if result.outcome in ("sent", "dead"):
            status = "sent" if result.outcome == "sent" else "dead_letter"
            outbox.mark(self.con, message.alert_ids, self.owner, status, now, error=result.error)
            self.left.difference_update(message.alert_ids)
            setattr(self.report, result.outcome, getattr(self.report, result.outcome) + len(message.alert_ids))
            if result.outcome == "sent":
                self.succeeded.add(message.channel)
            else:
                self.report.failures[self._name(message.channel)] = f"dead-lettered: {result.error}"
            self._pop(message, queues)
            return False
        later = now + timedelta(seconds=result.retry_after_s or 0)
        outbox.mark(self.con, message.alert_ids, self.owner, "pending", now, next_attempt_at=later, error=result.error)
        self.left.update(message.alert_ids)
        self._fail(message.channel, result.error or "failed")
        if message.channel == JSONL_SINK:
            return False
        return True

    def _abandon(self, flight: bounded.Flight, queues) -> None:
        """A send past its deadline: cut, left pending with backoff, its channel stopped."""
        message: Message = flight.key
        if flight.by_budget:
            reason = "the alert budget ran out during the send"
            self.report.out_of_budget = True
        else:
            reason = f"no complete answer within {self.timeout_s:g} s"
        flight.abandon()
        bounded.note_abandoned(message.channel, flight)
        now = self.clock()
        wait = min(STUCK_BACKOFF_CAP.total_seconds(), 60.0 * 2 ** min(message.attempts, 10))
        later = now + timedelta(seconds=self.rng.uniform(wait / 2, wait))
        outbox.mark(self.con, message.alert_ids, self.owner, "pending", now, next_attempt_at=later,
                    error=f"timeout: {reason}")
        self.left.update(message.alert_ids)
        self._fail(message.channel, f"timeout: {reason}")
        self._stop(message.channel, queues)

    def _out_of_budget(self, queues, flights) -> None:
        for flight in list(flights.values()):
            flight.by_budget = True
            self._abandon(flight, queues)
        if queues:
            self.report.out_of_budget = True
        for channel in list(queues):
            self._stop(channel, queues)

    # --- bookkeeping ------------------------------------------------------------------------------

    def _pop(self, message: Message, queues) -> None:
        rest = queues.get(message.channel)
        if rest and rest[0] is message:
            rest.pop(0)
            if not rest:
                del queues[message.channel]

    def _stop(self, channel: str, queues) -> None:
        """Nothing more to this channel this pass; what it still had stays pending."""
        self.stopped.add(channel)
        for message in queues.pop(channel, []):
            self.left.update(message.alert_ids)

    def _fail(self, channel: str, reason: str) -> None:
        self.failed[channel] = reason
        self.report.failures[self._name(channel)] = reason

    def _name(self, channel: str) -> str:
        destination = self.destinations.get(channel)
        return destination.label if destination else sinks.ATOM_NAME if channel == sinks.ATOM_SINK else channel

    def _write_jsonl(self, message: Message) -> SendResult:
        try:
            self.jsonl.append(message.alert_ids, message.payloads)
        except OSError as exc:  # a directory in its place, a read-only or full disk
            self.stopped.add(JSONL_SINK)
            return SendResult("retry", error=f"{type(exc).__name__}: {exc.strerror or exc}")
        return SendResult("sent")

    def write_atom(self) -> None:
        try:
            sinks.write_atom(self.data_dir / sinks.ATOM_NAME,
                             outbox.read_feed_stories(self.con, sinks.ATOM_ENTRIES), self.clock())
        except OSError as exc:
            reason = f"{type(exc).__name__}: {exc.strerror or exc}"
            self.failed[sinks.ATOM_SINK] = reason
            self.report.failures[sinks.ATOM_NAME] = reason
        else:
            self.succeeded.add(sinks.ATOM_SINK)

    def raise_operator_alerts(self) -> int:
        """One operator alert per sink that started failing (or recovered), and for dead letters."""
        states = {key: (True, f"{self._name(key)}: {reason}") for key, reason in self.failed.items()}
        states |= {key: (False, f"{self._name(key)}: delivered again")
                   for key in self.succeeded - set(self.failed)}
        labels = {key: self._name(key) for key in states}
        raised = outbox.raise_sink_alerts(self.con, self.plan, states, labels, self.clock())
        return raised + outbox.raise_dead_letter_alert(self.con, self.plan, self.clock())


def _sender(destination: Destination | None, message: Message) -> Callable[[bounded.Deadline], SendResult]:
    """The send of `message`, to run in its flight's thread."""

    def send(deadline: bounded.Deadline) -> SendResult:
        if destination is None:
            return SendResult("dead", error="destination is no longer configured (channel removed from env/rules)")
        plugin = channels.instantiate(destination.url)
        if plugin is None:
            return SendResult("dead", error="not a usable Apprise URL")
        protocol = str(getattr(plugin, "protocol", ""))
        if protocol == "json":
            return send_json(plugin, message.payloads, message.batch_id, deadline)
        if protocol == "mailto":
            return send_email(plugin, message.payloads, message.batch_id, deadline)
        return send_apprise(plugin, message.payloads, message.batch_id, deadline)

    return send


def group_messages(due: list[outbox.DueAlert]) -> list[Message]:
    """Immediate alerts are their own message. Digest rows due together form one message whose
    key is fixed when first leased (batch_id), so a resend after a crash has the same key."""
    groups: dict[str, list[outbox.DueAlert]] = {}
    loose: dict[tuple[str, str], list[outbox.DueAlert]] = {}
    for row in due:
        if row.batch_id:
            groups.setdefault(row.batch_id, []).append(row)
        else:
            loose.setdefault((row.rule_id, row.channel), []).append(row)
    for rows in loose.values():
        ids = sorted(r.alert_id for r in rows)
        groups[hashlib.sha256("\x1f".join(ids).encode()).hexdigest()[:32]] = rows
    messages = [
        Message(batch_id, rows[0].channel, tuple(r.alert_id for r in rows), tuple(r.payload for r in rows),
                min(r.created_at for r in rows), max(r.attempts for r in rows))
        for batch_id, rows in groups.items()
    ]
    return sorted(messages, key=lambda m: (m.created_at, m.batch_id))
