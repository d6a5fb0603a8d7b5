"""Alert delivery: lease -> send -> mark, for every due outbox row, after the run's commit.

Each message goes to ONE destination with its own status, so a failing destination is
retried alone and never blocks the others. JSON webhooks (json:// and jsons://) are POSTed
with httpx so the receiver gets an `Idempotency-Key` header and we see the status and
Retry-After; email (mailto://, mailtos://) goes through smtplib with a deterministic
Message-ID; any other Apprise URL (Slack, Discord, Telegram, ntfy, ...) gets its own Apprise
object with retry=0, because retries belong to the outbox. Delivery is at-least-once: the
only duplicate window is between a receiver's "OK" and our commit of `sent`, and a duplicate
carries the same key.
"""

from __future__ import annotations

import hashlib
import random
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import duckdb
import httpx

from newsmon import testing
from newsmon.alerts import outbox, rules, sinks
from newsmon.alerts.rules import JSONL_SINK, AlertPlan, Destination
from newsmon.fetch import DEFAULT_USER_AGENT, parse_retry_after

LEASE = timedelta(minutes=5)
SEND_TIMEOUT_S = 10.0
TRIES_PER_RUN = 4  # per message, within one run's budget
RETRY_AFTER_CAP_S = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: str  # sent, retry or dead
    retry_after_s: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """What one send carries: one alert, or a digest of several, to one destination."""

    batch_id: str  # the idempotency key
    channel: str
    alert_ids: tuple[str, ...]
    payloads: tuple[dict, ...]
    created_at: datetime


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    messages: int = 0


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
    """Deliver every due alert (this run's and any left pending by earlier runs), then refresh
    the Atom feed. Needs the writer lock; the caller holds it for the whole run."""
    rng = rng or random.Random()
    owner = uuid.uuid4().hex
    report = DeliveryReport()
    deadline = time.monotonic() + budget_s
    sender = _Sender(plan.destinations(), data_dir, timeout_s)
    outbox.release_leases(con, owner, clock())
    _deliver_due(con, sender, owner, deadline, rng, clock, report)
    if outbox.raise_dead_letter_alert(con, plan, clock()):
        _deliver_due(con, sender, owner, deadline, rng, clock, report)
    sinks.write_atom(data_dir / sinks.ATOM_NAME, outbox.read_feed_stories(con, sinks.ATOM_ENTRIES), clock())
    return report


def _deliver_due(con, sender: _Sender, owner: str, deadline: float, rng: random.Random,
                 clock: Callable[[], datetime], report: DeliveryReport) -> None:
    queues: dict[str, list[Message]] = {}
    for message in group_messages(outbox.read_due(con, clock())):
        queues.setdefault(message.channel, []).append(message)
    blocked: dict[str, float] = {}
    tries: dict[str, int] = {}
    while queues:
        ready = [c for c in queues if blocked.get(c, 0) <= time.monotonic()]
        if not ready:
            wait = min(blocked[c] for c in queues) - time.monotonic()
            time.sleep(max(0.0, min(wait, deadline - time.monotonic())))
            continue
        for channel in ready:
            message = queues[channel][0]
            now = clock()
            outbox.lease(con, message.alert_ids, message.batch_id, owner, now + LEASE)
            result = sender.send(message)
            if result.outcome == "sent" and message.channel != JSONL_SINK:
                testing.crash_point("after_send")  # a receiver has it, our outbox does not know yet
            report.messages += 1
            tries[message.batch_id] = tries.get(message.batch_id, 0) + 1
            now = clock()
            if result.outcome == "retry" and now - message.created_at > rules.MAX_PENDING_AGE:
                result = SendResult("dead", error=f"undelivered for {rules.MAX_PENDING_AGE}: {result.error}")
            if result.outcome in ("sent", "dead"):
                status = "sent" if result.outcome == "sent" else "dead_letter"
                outbox.mark(con, message.alert_ids, owner, status, now, error=result.error)
                setattr(report, result.outcome, getattr(report, result.outcome) + len(message.alert_ids))
                queues[channel].pop(0)
                if not queues[channel]:
                    del queues[channel]
                continue
            delay = result.retry_after_s if result.retry_after_s is not None \
                else rules.backoff_delay(tries[message.batch_id], rng)
            later = now + timedelta(seconds=result.retry_after_s or 0)
            outbox.mark(con, message.alert_ids, owner, "pending", now, next_attempt_at=later, error=result.error)
            if tries[message.batch_id] >= TRIES_PER_RUN or time.monotonic() + delay > deadline:
                report.retried += sum(len(m.alert_ids) for m in queues.pop(channel))  # the next run goes on
            else:
                blocked[channel] = time.monotonic() + delay  # order within a channel is kept


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
                min(r.created_at for r in rows))
        for batch_id, rows in groups.items()
    ]
    return sorted(messages, key=lambda m: (m.created_at, m.batch_id))


class _Sender:
    def __init__(self, destinations: dict[str, Destination], data_dir: Path, timeout_s: float) -> None:
        self.destinations, self.timeout_s = destinations, timeout_s
        self.jsonl = sinks.JsonlLog(data_dir / sinks.JSONL_NAME)

    def send(self, message: Message) -> SendResult:
        if message.channel == JSONL_SINK:
            self.jsonl.append(message.alert_ids, message.payloads)
            return SendResult("sent")
        destination = self.destinations.get(message.channel)
        if destination is None:
            return SendResult("dead", error="destination is no longer configured (channel removed from env/rules)")
        scheme = urlsplit(destination.url).scheme.lower()
        try:
            if scheme in ("json", "jsons"):
                return send_json(destination.url, message, self.timeout_s)
            if scheme in ("mailto", "mailtos"):
                return send_email(destination.url, message, self.timeout_s)
            return send_apprise(destination.url, message)
        except Exception as exc:  # one destination's bug or outage must not stop the others
            return SendResult("retry", error=f"{type(exc).__name__}: {exc}"[:500])


def send_json(url: str, message: Message, timeout_s: float) -> SendResult:
    """POST the alert JSON; Apprise's json URL form: json://[user:pass@]host[:port]/path?+Header=value."""
    parts = urlsplit(url)
    headers = {"User-Agent": DEFAULT_USER_AGENT, "Idempotency-Key": message.batch_id, "webhook-id": message.batch_id}
    headers |= {k[1:]: v for k, v in parse_qsl(parts.query) if k.startswith("+")}
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    target = urlunsplit(("https" if parts.scheme.lower() == "jsons" else "http", netloc, parts.path or "/", "", ""))
    body = rules.render_json(message.payloads, message.batch_id)
    try:
        response = httpx.post(target, json=body, headers=headers, auth=auth, timeout=timeout_s)
    except httpx.HTTPError as exc:
        return SendResult("retry", error=f"{type(exc).__name__}: {exc}"[:500])
    outcome = rules.classify_status(response.status_code)
    retry_after = None
    if response.status_code in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC), RETRY_AFTER_CAP_S)
    return SendResult(outcome, retry_after, None if outcome == "sent" else f"HTTP {response.status_code}")


def build_email(url: str, message: Message) -> tuple[EmailMessage, dict]:
    """mailto://[user:pass@]host[:port]?to=a@x,b@y&from=me@x[&smtp=server][&mode=ssl|starttls]"""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    host = query.get("smtp") or parts.hostname
    to = [a.strip() for a in query.get("to", "").split(",") if a.strip()]
    if not to and parts.username:
        to = [f"{unquote(parts.username)}@{parts.hostname}"]
    email = EmailMessage(policy=default_policy)  # refuses CR/LF in header values
    email["Subject"] = rules.render_subject(message.payloads)
    email["From"] = query.get("from") or f"newsmon@{parts.hostname}"
    email["To"] = ", ".join(to)
    email["Message-ID"] = f"<{message.batch_id}@newsmon.alerts.rules>"  # the same on every resend
    email["Date"] = format_datetime(datetime.now(UTC))
    email.set_content(rules.render_text(message.payloads))
    secure = parts.scheme.lower() == "mailtos"
    mode = query.get("mode", "ssl" if parts.port == 465 else "starttls") if secure else "plain"
    server = {"host": host, "port": parts.port or {"ssl": 465, "starttls": 587}.get(mode, 25), "mode": mode,
              "user": unquote(parts.username) if parts.username and parts.password else None,
              "password": unquote(parts.password or "")}
    return email, server


def send_email(url: str, message: Message, timeout_s: float) -> SendResult:
    email, server = build_email(url, message)
    if not email["To"]:
        return SendResult("dead", error="mailto URL has no recipient (?to=...)")
    try:
        smtp_class = smtplib.SMTP_SSL if server["mode"] == "ssl" else smtplib.SMTP
        with smtp_class(server["host"], server["port"], timeout=timeout_s) as smtp:
            if server["mode"] == "starttls":
                smtp.starttls()
            if server["user"]:
                smtp.login(server["user"], server["password"])
            smtp.send_message(email)
    except smtplib.SMTPAuthenticationError as exc:
        return SendResult("dead", error=f"SMTP auth: {exc.smtp_code}")
    except smtplib.SMTPResponseException as exc:
        return SendResult("dead" if 500 <= exc.smtp_code < 600 else "retry", error=f"SMTP {exc.smtp_code}")
    except smtplib.SMTPRecipientsRefused as exc:
        return SendResult("dead", error=f"SMTP recipients refused: {list(exc.recipients)}")
    except (OSError, smtplib.SMTPException) as exc:
        return SendResult("retry", error=f"{type(exc).__name__}: {exc}"[:500])
    return SendResult("sent")


def send_apprise(url: str, message: Message) -> SendResult:
    import apprise  # ~2 s of plugin loading: only when such a destination exists

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("retry", "optional")]
    url = urlunsplit(parts._replace(query=urlencode(query + [("retry", "0")])))
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return SendResult("dead", error=f"not a usable Apprise URL: {rules.redact_url(url)}")
    # TEXT: Apprise escapes Slack's & < > itself; mentions were neutralised when rendering
    ok = notifier.notify(title=rules.render_subject(message.payloads), body=rules.render_text(message.payloads),
                         body_format=apprise.NotifyFormat.TEXT)
    return SendResult("sent") if ok else SendResult("retry", error="Apprise reported failure (no status available)")
