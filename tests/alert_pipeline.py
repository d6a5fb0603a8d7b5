"""Drive one ingest run with alerts the way flows/ingest.py does, minus Prefect (fast), and
write small topic feeds for it. Also a script, so crash tests can SIGKILL a real process:

    python tests/alert_pipeline.py DB FEEDS_CSV ALERTS_DIR "URL URL ..."
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.steps import RunConfig, run_ingest  # noqa: E402
from newsmon import alerts  # noqa: E402
from newsmon.fetch import FetchSettings  # noqa: E402
from newsmon.paths import SEEDS_DIR  # noqa: E402


def plan_for(urls: str, operator_urls: str = "") -> alerts.AlertPlan:
    """The shipped rules, with $NEWSMON_ALERT_URLS standing for `urls`."""
    return alerts.load_plan(SEEDS_DIR / "alert_rules.csv", {}, urls, operator_urls)


def run_once(db: Path, feeds_csv: Path, plan: alerts.AlertPlan, alerts_dir: Path, budget_s: float = 10.0):
    """Deliver what is pending, ingest, commit (with the outbox), deliver: the flow's steps, minus Prefect."""
    config = RunConfig(
        db_path=db, seeds_dir=SEEDS_DIR,
        fetch=FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0),
        max_entries=500, workers=1, alert_plan=plan, alerts_dir=alerts_dir, alert_budget_s=budget_s,
    )
    return run_ingest(feeds_csv, config, force=True)


def write_feed(path: Path, outlet: str, items: list[tuple[str, str]], hours_ago: float = 1.0) -> Path:
    """An RSS file of (title, description) items with links under https://<outlet>.example/."""
    when = format_datetime(datetime.now(UTC) - timedelta(hours=hours_ago))
    body = "".join(
        f"<item><title>{escape(title)}</title><link>https://{outlet}.example/news/{i}</link>"
        f"<guid>{outlet}-{i}</guid><pubDate>{when}</pubDate><description>{escape(text)}</description></item>"
        for i, (title, text) in enumerate(items)
    )
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
                    f"<link>https://{outlet}.example/</link>{body}</channel></rss>", encoding="utf-8")
    return path


if __name__ == "__main__":
    import os

    import flows.steps

    # Crash tests that need a run of several chunks make every feed a chunk of its own.
    flows.steps.CHUNK_BYTES = int(os.environ.get("NEWSMON_TEST_CHUNK_BYTES", flows.steps.CHUNK_BYTES))
    db, feeds_csv, alerts_dir, urls = sys.argv[1:5]
    run_once(Path(db), Path(feeds_csv), plan_for(urls), Path(alerts_dir))
