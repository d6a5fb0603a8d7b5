"""Build the demo database the way the ingest flow does, minus Prefect (seconds instead of ~30 s).

The stages are the same newsmon functions that flows/ingest.py calls, in the same order, run
against seeds/demo/ served from a real loopback HTTP server. Tests that need realistic data
(queries, report, export) share one such database per session.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from newsmon.alerts.rules import load_plan
from newsmon.demo import dated_demo, demo_feeds_csv, serve_directory
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings
from newsmon.paths import SEEDS_DIR
from newsmon.records import RunSummary
from newsmon.run.config import RunConfig
from newsmon.run.loop import run_ingest


def build_demo_db(db_path: Path) -> RunSummary:
    """Run one ingest of the demo feeds into `db_path` (the flow's steps, minus Prefect)."""
    config = RunConfig(
        db_path=db_path, seeds_dir=SEEDS_DIR,
        # NEWSMON_ALLOW_PRIVATE_NETWORKS=1 semantics: the demo server is our own, on 127.0.0.1.
        fetch=FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0),
        max_entries=500, executor="inline", alert_plan=load_plan(SEEDS_DIR / "alert_rules.csv", {}, "", ""),
        alerts_dir=db_path.parent, alert_budget_s=5.0,
    )
    demo_dir = dated_demo(db_path.parent / "demo", datetime.now(UTC))  # as `newsmon run --demo` serves it
    with serve_directory(demo_dir) as base:
        feeds = read_feeds_csv(demo_feeds_csv(base, db_path.parent / "demo_feeds.csv", demo_dir=demo_dir))
        return run_ingest(feeds, config).summary


@functools.cache
def shared_demo_db() -> Path:
    """One demo database per test session, shared by every module that asks (read it only;
    copy it to change it)."""
    folder = Path(tempfile.mkdtemp(prefix="newsmon-demo-db-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    build_demo_db(folder / "demo.duckdb")
    return folder / "demo.duckdb"
