"""Drive one ingest run with alerts the way flows/ingest.py does, minus Prefect (fast), and
write small topic feeds for it. Also a script, so crash tests can SIGKILL a real process:

    python tests/alert_pipeline.py DB FEEDS_CSV ALERTS_DIR "URL URL ..."
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from newsmon.alerts import rules
from newsmon.feeds import read_feeds_csv
from newsmon.fetch import FetchSettings
from newsmon.paths import SEEDS_DIR
from newsmon.run.config import CHUNK_BYTES, RunConfig
from newsmon.run.loop import run_ingest


def plan_for(urls: str, operator_urls: str = "") -> rules.AlertPlan:
    """The shipped rules, with $NEWSMON_ALERT_URLS standing for `urls`."""
    return rules.load_plan(SEEDS_DIR / "alert_rules.csv", {}, urls, operator_urls)


def run_once(db: Path, feeds_csv: Path, plan: rules.AlertPlan, alerts_dir: Path, budget_s: float = 10.0,
             chunk_bytes: int = CHUNK_BYTES):
    """Deliver what is pending, ingest, commit (with the outbox), deliver: the flow's steps, minus Prefect."""
    config = RunConfig(
        db_path=db, seeds_dir=SEEDS_DIR,
        fetch=FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0),
        max_entries=500, executor="inline", alert_plan=plan, alerts_dir=alerts_dir, alert_budget_s=budget_s,
        chunk_bytes=chunk_bytes,
    )
    return run_ingest(read_feeds_csv(feeds_csv), config, force=True).summary


def write_feed(path: Path, outlet: str, items: list[tuple[str, str]], hours_ago: float = 1.0) -> Path:
    """An RSS file of (title, description) items with links under https://<outlet>.example/."""
    when = format_datetime(datetime.now(UTC) - timedelta(hours=hours_ago))
    body = "".join(
        f"<item><title>{escape(title)}</title><link>https://{outlet}.example/news/{i}</link>"
        f"<guid>{outlet}-{i}</guid><pubDate>{when}</pubDate><description>{escape(text)}</description></item>"
        for i, (title, text) in enumerate(items)
    )
    before = path.stat().st_mtime if path.exists() else None
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
                    f"<link>https://{outlet}.example/</link>{body}</channel></rss>", encoding="utf-8")
    if before is not None and int(path.stat().st_mtime) <= int(before):
        # A rewrite within the same second as the last write would keep its Last-Modified (whole
        # seconds), and the file server would answer the next run's conditional GET with 304.
        os.utime(path, (before + 1, before + 1))
    return path


if __name__ == "__main__":
    import os

    # Crash tests that need a run of several chunks make every feed a chunk of its own.
    db, feeds_csv, alerts_dir, urls = sys.argv[1:5]
    run_once(Path(db), Path(feeds_csv), plan_for(urls), Path(alerts_dir),
             chunk_bytes=int(os.environ.get("NEWSMON_TEST_CHUNK_BYTES", CHUNK_BYTES)))
