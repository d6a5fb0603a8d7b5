"""Drive one ingest run with alerts the way flows/ingest.py does, minus Prefect (fast), and
write small topic feeds for it. Also a script, so crash tests can SIGKILL a real process:

    python tests/alert_pipeline.py DB FEEDS_CSV ALERTS_DIR "URL URL ..."
"""

from __future__ import annotations

import functools
import sys
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsmon import alerts, ingest, notify, pipeline, store  # noqa: E402
from newsmon.db import writer_lock  # noqa: E402
from newsmon.feeds import read_feeds_csv  # noqa: E402
from newsmon.fetch import FetchSettings, fetch_feeds  # noqa: E402
from newsmon.paths import SEEDS_DIR  # noqa: E402
from newsmon.topics import load_topic_rules  # noqa: E402


def plan_for(urls: str, operator_urls: str = "") -> alerts.AlertPlan:
    """The shipped rules, with $NEWSMON_ALERT_URLS standing for `urls`."""
    return alerts.load_plan(SEEDS_DIR / "alert_rules.csv", {}, urls, operator_urls)


def run_once(db: Path, feeds_csv: Path, plan: alerts.AlertPlan, alerts_dir: Path, budget_s: float = 10.0):
    """Deliver what is pending, ingest, commit (with the outbox), deliver. Returns the report."""
    feeds = read_feeds_csv(feeds_csv)
    feeds_by_id = {f.feed_id: f for f in feeds}
    started = datetime.now(UTC)
    with writer_lock(db):
        con = store.open_store(db)
        try:
            store.upsert_feeds(con, feeds, started)
            states = store.read_feed_states(con)
            notify.deliver_alerts(con, plan, alerts_dir, budget_s=budget_s)
            requests, skipped = ingest.plan_fetch(feeds, states, started, force=True)
            settings = FetchSettings(allow_private_networks=True, per_host_min_interval_s=0.0)
            results = ingest.drop_unchanged_bodies(fetch_feeds(requests, settings), requests)
            parsed = pipeline.parse_results(results, feeds_by_id, 500)
            candidates = pipeline.identify_entries(parsed)
            known = store.read_known_articles(con, [c.article_id for c in candidates])
            changed = pipeline.select_changed(candidates, known)
            articles = pipeline.build_articles(changed, _topic_rules(), feeds_by_id, started)
            summary = ingest.summarise(uuid.uuid4().hex[:12], started, datetime.now(UTC), results, parsed,
                                       skipped, candidates, articles, known)
            store.write_run(con, summary, results, ingest.entries_per_feed(parsed),
                            ingest.new_per_feed(articles, known), articles, ingest.article_feed_pairs(candidates),
                            ingest.next_states(results, parsed, states), ingest.story_items(articles, known), plan)
            notify.crash_point("after_commit")
            return notify.deliver_alerts(con, plan, alerts_dir, budget_s=budget_s)
        finally:
            con.close()


@functools.cache
def _topic_rules():
    return load_topic_rules(SEEDS_DIR)  # seconds to build; the same for every run of a session


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
    db, feeds_csv, alerts_dir, urls = sys.argv[1:5]
    run_once(Path(db), Path(feeds_csv), plan_for(urls), Path(alerts_dir))
