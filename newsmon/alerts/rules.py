"""Pure alert logic: rules, which stories alert, idempotency keys, retry policy, safe text.

No I/O beyond reading the rules CSV: alert_store.py writes the outbox, notify.py sends.
Feed text is untrusted, so everything that reaches a channel goes through `clean_text` and
`safe_link` here, and the per-channel escaping (Slack/Discord mentions, email headers) is
done where the message is rendered.

A rule with `once_per_event` (issue #19) sends one alert per event (story_event_ids) and
destination: a story whose event already has an alert of that rule to that destination (pending,
retrying or sent: not two messages for one event) gets none. The identity of an alert stays
(rule, story, destination); the option only decides which stories get one. It applies to every
destination of the rule, the JSON-lines log (and so alerts.atom) included, and a story without an
event is its own event.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsmon.alerts import channels
from newsmon.alerts.story_context import also_reported
from newsmon.settings import SettingsError
from newsmon.untrusted import clean_text, safe_link

RULE_COLUMNS = ("rule_id", "topic", "min_score", "languages", "subtopics", "channels", "mode", "digest_hour",
                "timezone", "once_per_event")
FLAG_VALUES = {"": False, "no": False, "false": False, "0": False, "yes": True, "true": True, "1": True}
RULE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
ENV_CHANNEL = re.compile(r"^\$([A-Z_][A-Z0-9_]*)$")
JSONL_SINK = "sink:jsonl"  # the always-on JSON-lines log is an outbox channel like any other
OPERATOR_RULE = "operator"
MAX_EVIDENCE_TERMS = 8
MAX_TITLE_CHARS = 300
MAX_SNIPPET_CHARS = 280
# First runs over a fresh database see weeks of feed history; only news alerts.
MAX_STORY_AGE = timedelta(days=3)

# Delivery policy. Transient failures back off within a run (full jitter) and are retried by
# every later run; a row that has failed for this long is dead-lettered.
ALERT_RETRY_BASE_S = 1.0
ALERT_RETRY_CAP_S = 30.0
MAX_PENDING_AGE = timedelta(days=3)
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 405, 410, 413, 422})


class AlertRulesError(SettingsError):
    """Invalid alert rules; the message names file and line of every problem."""


@dataclass(frozen=True, slots=True)
class AlertRule:
    rule_id: str
    topic: str
    min_score: float | None = None
    languages: tuple[str, ...] = ()  # empty: all
    subtopics: tuple[str, ...] = ()  # empty: any
    channels: tuple[str, ...] = ()  # Apprise URLs or $ENV_VAR names holding space-separated URLs
    mode: str = "immediate"  # or digest
    digest_hour: int | None = None
    timezone: str = "UTC"
    once_per_event: bool = False  # a story of an event this rule already alerted to a destination: no alert


@dataclass(frozen=True, slots=True)
class Destination:
    """One place to send to. `key` is stored in the outbox; `url` may hold a secret and never is."""

    key: str
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class AlertPlan:
    """Rules with their destinations resolved from the environment, ready for a run."""

    rules: tuple[tuple[AlertRule, tuple[Destination, ...]], ...]
    operator: tuple[Destination, ...]
    failing_runs: int = 3  # consecutive failed fetches before a feed raises an operator alert
    silent_days: int = 7  # days without a new article before a feed raises one
    flood_limit: int = 10  # more new alerts than this for one destination in one run: one summary
    summarise_first_run: bool = True  # a new database's first run: one summary per destination
    topic_labels: Mapping[str, str] = field(default_factory=dict, hash=False)

    def destinations(self) -> dict[str, Destination]:
        every = [d for _, ds in self.rules for d in ds] + list(self.operator)
        return {d.key: d for d in every}


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """A matching article of this run, with its story, as the outbox selection needs it."""

    story_id: str
    article_id: str
    topic: str
    score: float
    lang: str
    subtopics: tuple[str, ...]
    title: str
    url: str | None
    outlets: tuple[str, ...]
    first_seen: datetime
    published_at: datetime  # the feed's publication time, or first_seen when it gave none
    evidence_terms: tuple[str, ...] = ()  # side terms (and proxies) first, then subtopic cues
    feed_published_at: datetime | None = None  # as the feed gave it
    snippet: str = ""
    languages: tuple[str, ...] = ()  # of every article of the story
    side_terms: tuple[str, ...] = ()
    cue_terms: tuple[str, ...] = ()
    snippet_source: str = "feed"  # or body: `snippet` quotes the article page (story_context.body_snippet)
    event_id: str | None = None  # story_event_ids; None: the story has no event
    also_languages: tuple[str, ...] = ()  # of the event's other stories, first reported first
    also_outlets: tuple[str, ...] = ()  # outlets of the event's other stories not carrying this one
    also_outlet_total: int | None = None  # how many such outlets there are, when also_outlets lists only the first


@dataclass(frozen=True, slots=True)
class OutboxAlert:
    alert_id: str
    kind: str  # story or operator
    rule_id: str
    subject_id: str  # story_id, or the operator condition's episode id
    channel: str  # Destination.key
    label: str
    payload: dict = field(hash=False)
    not_before: datetime
    batch_id: str | None = None  # an immediate alert is its own message; digest rows get one when sent
    next_period: datetime | None = None  # a digest row's next slot, should its period be sent already


@dataclass(frozen=True, slots=True)
class PriorAlerts:
    """Story alerts already in the outbox for the events of a batch (for once_per_event rules)."""

    events: AbstractSet[tuple[str, str, str]] = frozenset()  # (rule_id, channel, event_id): pending, sending, sent
    stories: AbstractSet[tuple[str, str, str]] = frozenset()  # (rule_id, channel, story_id): any status


# --- rules ---------------------------------------------------------------------------------------


def read_alert_rules(path: Path) -> list[AlertRule]:
    """Rules from CSV; every problem is reported at once as `file:line: message`."""
    rules, errors, seen = [], [], set()
    with open(path, newline="", encoding="utf-8-sig") as source:  # Excel saves a BOM
        reader = csv.DictReader(source)
        missing = [c for c in RULE_COLUMNS[:7] if c not in (reader.fieldnames or [])]
        if missing:
            raise AlertRulesError(f"{path}:1: missing columns: {', '.join(missing)}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            try:
                rule = _parse_rule(row)
            except ValueError as exc:
                errors.append(f"{where}: {exc}")
                continue
            if rule.rule_id in seen:
                errors.append(f"{where}: rule_id {rule.rule_id!r} is used twice")
            seen.add(rule.rule_id)
            rules.append(rule)
    if errors:
        raise AlertRulesError("\n".join(errors))
    return rules


def _parse_rule(row: Mapping[str, str | None]) -> AlertRule:
    cell = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
    rule_id = cell.get("rule_id", "")
    if not RULE_ID_PATTERN.match(rule_id) or rule_id == OPERATOR_RULE:
        raise ValueError(f"rule_id {rule_id!r} must be lower-case letters, digits, _ or - (and not 'operator')")
    if not cell.get("topic"):
        raise ValueError("topic is empty")
    min_score = None
    if cell.get("min_score"):
        min_score = float(cell["min_score"])
        if not 0 <= min_score <= 1:
            raise ValueError(f"min_score {min_score} must be between 0 and 1")
    channels = tuple(cell.get("channels", "").split())
    for channel in channels:
        if not ENV_CHANNEL.match(channel) and "://" not in channel:
            raise ValueError(f"channel {channel!r} is neither an Apprise URL nor a $ENV_VAR name")
    mode = cell.get("mode") or "immediate"
    if mode not in ("immediate", "digest"):
        raise ValueError(f"mode {mode!r} must be immediate or digest")
    hour = int(cell["digest_hour"]) if cell.get("digest_hour") else None
    if mode == "digest" and hour is None:
        raise ValueError("a digest rule needs digest_hour (0-23)")
    if hour is not None and not 0 <= hour <= 23:
        raise ValueError(f"digest_hour {hour} must be 0-23")
    timezone = cell.get("timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {timezone!r}") from None
    once = cell.get("once_per_event", "").lower()
    if once not in FLAG_VALUES:
        raise ValueError(f"once_per_event {cell['once_per_event']!r} must be yes or no (true/false, 1/0; empty: no)")
    return AlertRule(rule_id, cell["topic"], min_score, tuple(cell.get("languages", "").split()),
                     tuple(cell.get("subtopics", "").split()), channels, mode, hour, timezone, FLAG_VALUES[once])


def load_plan(rules_csv: Path, environ: Mapping[str, str], alert_urls: str, operator_urls: str,
              failing_runs: int = 3, silent_days: int = 7, flood_limit: int = 10) -> AlertPlan:
    """The run's plan from the rules file; `alert_urls` is what $NEWSMON_ALERT_URLS stands for.
    Topic labels come from topics.csv next to the rules file, when there is one."""
    environ = {**environ, "NEWSMON_ALERT_URLS": alert_urls}
    plan = build_plan(read_alert_rules(rules_csv), environ, operator_urls)
    return AlertPlan(plan.rules, plan.operator, failing_runs=failing_runs, silent_days=silent_days,
                     flood_limit=flood_limit, topic_labels=read_topic_labels(rules_csv.parent / "topics.csv"))


def read_topic_labels(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8-sig") as source:
        return {row["topic"]: row["label"] for row in csv.DictReader(source) if row.get("topic") and row.get("label")}


def build_plan(rules: Sequence[AlertRule], environ: Mapping[str, str], operator_spec: str = "") -> AlertPlan:
    """Resolve channel specs against the environment (where the secrets live). The JSON-lines
    sink is added to every rule. Operator alerts go to `operator_spec` or else to every channel."""
    resolved = tuple((rule, (*_expand(rule.channels, environ, f"rule {rule.rule_id}"), _sink())) for rule in rules)
    operator = _expand(operator_spec.split(), environ, "NEWSMON_OPERATOR_URLS")
    if not operator:
        operator = tuple({d.key: d for _, ds in resolved for d in ds}.values())
    else:
        operator = (*operator, _sink())
    return AlertPlan(resolved, tuple(operator))


def _sink() -> Destination:
    return Destination(JSONL_SINK, JSONL_SINK, "alerts.jsonl")


def _expand(specs: Sequence[str], environ: Mapping[str, str], where: str) -> tuple[Destination, ...]:
    """Destinations of channel specs; an unusable URL is an error naming its variable (or rule) and
    position, never its text."""
    out: dict[str, Destination] = {}
    for n, spec in enumerate(specs, 1):
        env = ENV_CHANNEL.match(spec)
        source, urls = (f"${env.group(1)}", environ.get(env.group(1), "").split()) if env else ("url", [spec])
        for position, url in enumerate(urls, 1):
            reason = channels.problem(url)
            if reason:
                name = f"{env.group(1)}: URL {position}" if env else f"{where}: channel {n}"
                raise AlertRulesError(f"{name} {reason}")
            key = f"{source}#{hashlib.sha256(url.encode()).hexdigest()[:12]}"
            out[key] = Destination(key, url, redact_url(url))
    return tuple(out.values())


def redact_url(url: str) -> str:
    """scheme://host/… : enough to recognise a destination, never its token or password."""
    return channels.label(url)


# --- selection -----------------------------------------------------------------------------------


def alert_id(rule_id: str, subject_id: str, channel: str) -> str:
    """The outbox key and the idempotency key sent to receivers: the same on every retry."""
    return hashlib.sha256(f"{rule_id}\x1f{subject_id}\x1f{channel}".encode()).hexdigest()[:32]


def rule_matches(rule: AlertRule, candidate: StoryCandidate) -> bool:
    return (
        candidate.topic == rule.topic
        and (rule.min_score is None or candidate.score >= rule.min_score)
        and (not rule.languages or candidate.lang in rule.languages)
        and (not rule.subtopics or bool(set(rule.subtopics) & set(candidate.subtopics)))
    )


def select_story_alerts(plan: AlertPlan, candidates: Sequence[StoryCandidate], now: datetime,
                        prior: PriorAlerts = PriorAlerts()) -> list[OutboxAlert]:
    """One alert per (rule, story, destination): the story's earliest matching article of this
    run speaks for it. Whether the story already alerted is the outbox's primary key's job.
    A once_per_event rule skips the stories of the events in `prior.events`, and of one event's
    stories in this batch alerts only the first (first seen, then published) that has no row yet."""
    out = []
    ordered = sorted(candidates, key=lambda c: (c.first_seen, c.published_at, c.article_id))
    for rule, destinations in plan.rules:
        chosen: dict[str, StoryCandidate] = {}
        for candidate in ordered:
            if candidate.story_id not in chosen and rule_matches(rule, candidate) \
                    and now - candidate.published_at <= MAX_STORY_AGE:
                chosen[candidate.story_id] = candidate
        digest = rule.mode == "digest"
        slot = digest_slot(rule, now) if digest else now
        following = digest_slot(rule, slot + timedelta(hours=2)) if digest else None
        taken = {(channel, event) for rule_id, channel, event in prior.events if rule_id == rule.rule_id}
        for story_id, candidate in chosen.items():
            payload = story_payload(rule, candidate, plan.topic_labels.get(rule.topic))
            for dest in destinations:
                if rule.once_per_event and candidate.event_id is not None:
                    if (dest.key, candidate.event_id) in taken or (rule.rule_id, dest.key, story_id) in prior.stories:
                        continue  # its event has an alert here; or its own (dead-lettered) row would win
                    taken.add((dest.key, candidate.event_id))
                key = alert_id(rule.rule_id, story_id, dest.key)
                out.append(OutboxAlert(key, "story", rule.rule_id, story_id, dest.key, dest.label, payload, slot,
                                       None if digest else key, following))
    return out


def digest_slot(rule: AlertRule, now: datetime) -> datetime:
    """The digest period an alert written at `now` belongs to: the next digest_hour:00 in the
    rule's timezone, or the one that has just passed, within an hour's grace (a run at 06:10
    still makes the 06:00 digest, unless that digest was sent already: outbox.insert_outbox)."""
    local = now.astimezone(ZoneInfo(rule.timezone))
    slot = local.replace(hour=rule.digest_hour or 0, minute=0, second=0, microsecond=0)
    if slot + timedelta(hours=1) <= local:
        slot = (local + timedelta(days=1)).replace(hour=rule.digest_hour or 0, minute=0, second=0, microsecond=0)
    return slot.astimezone(now.tzinfo)


def next_digest_at(rule: AlertRule, now: datetime) -> datetime:
    """When an alert written at `now` is due: its digest slot, or now when that slot has come."""
    return max(digest_slot(rule, now), now)


def story_payload(rule: AlertRule, c: StoryCandidate, topic_label: str | None = None) -> dict:
    """What every channel renders; stored with the outbox row so retries send the same content."""
    snippet = clean_text(c.snippet, one_line=True)
    if len(snippet) > MAX_SNIPPET_CHARS:
        snippet = snippet[:MAX_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return {
        "kind": "story", "rule_id": rule.rule_id, "topic": c.topic, "story_id": c.story_id,
        "topic_label": clean_text(topic_label or c.topic, one_line=True),
        "title": clean_text(c.title, one_line=True)[:MAX_TITLE_CHARS], "lang": c.lang, "link": safe_link(c.url),
        "outlets": [clean_text(o, one_line=True) for o in c.outlets],
        "languages": [clean_text(x, one_line=True) for x in c.languages],
        "published": c.feed_published_at.isoformat() if c.feed_published_at else None,
        "first_seen": c.first_seen.isoformat(), "snippet": snippet, "snippet_source": c.snippet_source,
        "event_id": c.event_id, "also_reported": also_reported(c.also_languages, c.also_outlets,
                                                                         c.also_outlet_total),
        "score": round(c.score, 3), "subtopics": list(c.subtopics),
        "evidence": [clean_text(t, one_line=True) for t in c.evidence_terms[:MAX_EVIDENCE_TERMS]],
        "sides": [clean_text(t, one_line=True) for t in c.side_terms[:MAX_EVIDENCE_TERMS]],
        "cues": [clean_text(t, one_line=True) for t in c.cue_terms[:MAX_EVIDENCE_TERMS]],
    }


def operator_payload(condition: str, subject: str, state: str, detail: str) -> dict:
    return {"kind": "operator", "condition": condition, "subject": clean_text(subject, one_line=True), "state": state,
            "title": clean_text(f"newsmon: {condition} {subject} {state}", one_line=True), "detail": clean_text(detail, one_line=True)}


def operator_alerts(plan: AlertPlan, condition_id: str, episode: str, payload: dict, now: datetime,
                    failed: str | None = None) -> list[OutboxAlert]:
    """To every operator destination; an alert about a failing channel (`failed`, its key) is not
    sent through that channel alone: it goes to the others and always to the JSON-lines sink."""
    subject = f"{condition_id}@{episode}"
    destinations = [d for d in plan.operator if d.key != failed]
    if failed and failed != JSONL_SINK and all(d.key != JSONL_SINK for d in destinations):
        destinations.append(_sink())
    keys = [(alert_id(OPERATOR_RULE, subject, d.key), d) for d in destinations]
    return [OutboxAlert(key, "operator", OPERATOR_RULE, subject, d.key, d.label, payload, now, key) for key, d in keys]


# --- retry policy --------------------------------------------------------------------------------


def classify_status(status: int | None) -> str:
    """sent, retry or dead for an HTTP-like status (None: network error, retried)."""
    if status is not None and 200 <= status < 300:
        return "sent"
    if status in PERMANENT_STATUSES:
        return "dead"
    return "retry"


def backoff_delay(attempt: int, rng: random.Random, base: float = ALERT_RETRY_BASE_S, cap: float = ALERT_RETRY_CAP_S) -> float:
    """Capped exponential backoff with full jitter (AWS Builders' Library)."""
    return rng.uniform(0, min(cap, base * 2 ** max(0, attempt - 1)))


# --- rendering (render.py; re-exported: callers use rules.render_*) -------------------------------

from newsmon.alerts.render import (  # noqa: E402
    neutralise_mentions,
    render_json,
    render_subject,
    render_text,
    slack_escape,
)

__all__ = ["neutralise_mentions", "render_json", "render_subject", "render_text", "slack_escape"]
