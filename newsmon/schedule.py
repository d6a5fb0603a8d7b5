"""Read a deployment's schedule and settings from prefect.yaml, the one source of truth.

Both scheduling routes use it: `prefect deploy` reads the file itself, and `newsmon serve`
reads it here, so the cron, timezone and concurrency limit are never repeated in Python.
Plain data only: no prefect import, so this stays cheap and testable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from newsmon.paths import ROOT

PREFECT_YAML = ROOT / "prefect.yaml"
SCHEDULE_KINDS = ("cron", "interval", "rrule")  # exactly one per schedule, as in Prefect
SCHEDULE_KEYS = {*SCHEDULE_KINDS, "timezone", "active", "parameters", "slug", "day_or", "anchor_date"}


class ScheduleError(ValueError):
    """prefect.yaml lacks the deployment or describes it in a way we cannot use; the message says where."""


@dataclass(frozen=True, slots=True)
class DeploymentSpec:
    """One entry of `deployments:` in prefect.yaml, reduced to what serving it needs."""

    name: str
    entrypoint: str  # "flows/ingest.py:ingest_feeds"
    description: str | None = None
    tags: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    schedules: tuple[dict[str, Any], ...] = ()  # as written: {"cron": ..., "timezone": ..., "active": ...}
    concurrency_limit: int | None = None
    work_pool: str | None = None


def read_deployment(name: str = "daily", path: Path = PREFECT_YAML) -> DeploymentSpec:
    """The deployment called `name` in prefect.yaml, validated (raises ScheduleError)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScheduleError(f"{path}: not valid YAML: {exc}") from None
    entries = (document or {}).get("deployments") or []
    matches = [d for d in entries if isinstance(d, dict) and d.get("name") == name]
    if len(matches) != 1:
        found = ", ".join(repr(d.get("name")) for d in entries if isinstance(d, dict)) or "none"
        raise ScheduleError(f"{path}: expected one deployment named {name!r} (found: {found})")
    return _spec(matches[0], f"{path}: deployment {name!r}")


def _spec(entry: dict[str, Any], where: str) -> DeploymentSpec:
    entrypoint = entry.get("entrypoint")
    if not isinstance(entrypoint, str) or ":" not in entrypoint:
        raise ScheduleError(f"{where}: entrypoint must look like 'path/to/file.py:flow_function'")
    limit = entry.get("concurrency_limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ScheduleError(f"{where}: concurrency_limit must be a positive integer, not {limit!r}")
    parameters = entry.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ScheduleError(f"{where}: parameters must be a mapping")
    pool = entry.get("work_pool") or {}
    return DeploymentSpec(
        name=entry["name"],
        entrypoint=entrypoint,
        description=entry.get("description"),
        tags=tuple(entry.get("tags") or ()),
        parameters=dict(parameters),
        schedules=tuple(_schedule(s, f"{where}, schedule {i + 1}")
                        for i, s in enumerate(entry.get("schedules") or ())),
        concurrency_limit=limit,
        work_pool=pool.get("name") if isinstance(pool, dict) else None,
    )


def _schedule(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ScheduleError(f"{where}: must be a mapping")
    unknown = set(raw) - SCHEDULE_KEYS
    if unknown:
        raise ScheduleError(f"{where}: unknown keys {sorted(unknown)}")
    kinds = [k for k in SCHEDULE_KINDS if raw.get(k) is not None]
    if len(kinds) != 1:
        raise ScheduleError(f"{where}: needs exactly one of {', '.join(SCHEDULE_KINDS)}")
    if kinds == ["cron"] and len(str(raw["cron"]).split()) not in (5, 6):
        raise ScheduleError(f"{where}: cron {raw['cron']!r} needs 5 fields")
    timezone = raw.get("timezone")
    if timezone is not None:
        try:
            ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"{where}: unknown timezone {timezone!r}") from None
    return dict(raw)


def describe(spec: DeploymentSpec) -> str:
    """One line for people: 'cron 0 6 * * * (Europe/Moscow)'."""
    parts = []
    for s in spec.schedules:
        kind = next(k for k in SCHEDULE_KINDS if s.get(k) is not None)
        zone = f" ({s['timezone']})" if s.get("timezone") else ""
        paused = "" if s.get("active", True) else ", inactive"
        parts.append(f"{kind} {s[kind]}{zone}{paused}")
    return "; ".join(parts) or "no schedule (runs only when triggered)"


def schedule_kwargs(raw: dict) -> dict:
    """A prefect.yaml schedule as keyword arguments of prefect.schedules.Schedule."""
    kwargs = dict(raw)
    if isinstance(kwargs.get("interval"), (int, float)):
        kwargs["interval"] = timedelta(seconds=kwargs["interval"])
    return kwargs


def format_next_run(when: datetime | None, spec: DeploymentSpec) -> str:
    """The next run in the schedule's own time zone, and in UTC."""
    if when is None:
        return "not scheduled yet (see the UI)"
    zones = [s["timezone"] for s in spec.schedules if s.get("timezone")]
    local = when.astimezone(ZoneInfo(zones[0])) if zones else when
    return f"{local:%Y-%m-%d %H:%M %Z} ({when.astimezone(UTC):%H:%M} UTC)"


SILENCE_MARGIN = timedelta(hours=2)


def silence_window(spec: DeploymentSpec, now: datetime | None = None) -> timedelta:
    """How long without a completed run means something is wrong: the longest gap between two
    scheduled runs over the coming week (cron read with cronsim, the library Prefect's scheduler
    uses), plus a margin for a slow run. A day when nothing tells."""
    now = now or datetime.now(UTC)
    gaps = []
    for schedule in spec.schedules:
        if schedule.get("interval"):
            gaps.append(timedelta(seconds=float(schedule["interval"])))
        elif schedule.get("cron"):
            from cronsim import CronSim

            zone = ZoneInfo(schedule.get("timezone") or "UTC")
            times = CronSim(str(schedule["cron"]), now.astimezone(zone))
            runs = [next(times) for _ in range(8)]
            gaps.append(max(b - a for a, b in zip(runs, runs[1:])))
    return max(gaps, default=timedelta(days=1)) + SILENCE_MARGIN
