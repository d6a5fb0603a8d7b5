"""What one run needs besides its feeds, resolved once from Settings at the edge (the CLI, the flow)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from newsmon.alerts.rules import AlertPlan, load_plan
from newsmon.fetch import FetchSettings
from newsmon.fulltext.config import FulltextBudget
from newsmon.run.executor import PoolPolicy
from newsmon.settings import Settings

FETCH_BATCHES = 4  # fetch batches run in parallel threads; each batch is concurrent inside
CHUNK_BYTES = 2 * 1024 * 1024  # of feed documents per chunk: ~2,500 entries of typical news feeds


@dataclass(frozen=True, slots=True)
class RunConfig:
    db_path: Path
    seeds_dir: Path
    fetch: FetchSettings
    alert_plan: AlertPlan
    alerts_dir: Path
    alert_budget_s: float = 60.0
    lock_wait_s: float = 0.0  # how long to wait for a database another process holds
    read_copy: bool = False  # publish <db>.read.duckdb after a run that stored something
    max_entries: int = 500
    executor: str = "local"  # local (a process pool on this machine), inline (this process), dask://HOST:PORT
    workers: int = 0  # for the local executor; 0 = one per core
    pool: PoolPolicy = field(default_factory=PoolPolicy)
    chunk_bytes: int = CHUNK_BYTES
    fetch_batches: int = FETCH_BATCHES
    fulltext: FulltextBudget = field(default_factory=FulltextBudget)  # article pages (newsmon/fulltext)


def run_config(settings: Settings, db_path: Path) -> RunConfig:
    return RunConfig(
        db_path=db_path,
        seeds_dir=settings.seeds_dir,
        fetch=FetchSettings(
            user_agent=settings.user_agent,
            total_timeout_s=settings.fetch_timeout_s,
            max_bytes=settings.max_feed_bytes,
            concurrency=max(1, settings.fetch_concurrency // FETCH_BATCHES),
            per_host_concurrency=settings.per_host_concurrency,
            per_host_min_interval_s=settings.per_host_interval_s,
            allow_private_networks=settings.allow_private_networks,
        ),
        alert_plan=load_plan(settings.alert_rules_csv, os.environ, settings.alert_urls, settings.operator_urls,
                             settings.feed_failing_runs, settings.feed_silent_days,
                             flood_limit=settings.alert_flood),
        alerts_dir=settings.alerts_dir or db_path.parent,
        alert_budget_s=settings.alert_budget_s,
        lock_wait_s=settings.lock_wait_s,
        read_copy=settings.read_copy,
        max_entries=settings.max_entries_per_feed,
        executor=settings.executor,
        workers=settings.workers,
        fulltext=FulltextBudget(
            enabled=settings.fulltext, pages=settings.fulltext_pages, seconds=settings.fulltext_seconds,
            per_host_pages=settings.fulltext_per_host_pages,
            per_host_concurrency=settings.fulltext_per_host_concurrency,
            per_host_interval_s=settings.fulltext_per_host_interval_s,
        ),
    )
