"""The runs bench/run.py's parts time, and what the bench does between them (in a part's child process)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path


def run_core(feeds_csv: Path, db: Path, timings: dict[str, float] | None = None, fulltext: dict | None = None):
    """The run loop without Prefect (newsmon.run.loop.run_ingest with plain steps), timing each
    stage into `timings` (the read-only copy as publish.read_copy: it copies the whole file, so its
    cost follows the store) and putting the full-text stage's report in `fulltext`. Returns the RunSummary."""
    from dataclasses import replace

    from newsmon.feeds import read_feeds_csv
    from newsmon.read_copy import publish_read_copy
    from newsmon.run.config import run_config
    from newsmon.run.loop import PLAIN_STEPS, run_ingest
    from newsmon.settings import Settings

    timings = {} if timings is None else timings

    def fulltext_step(*args, **kwargs):
        report = PLAIN_STEPS.fulltext(*args, **kwargs)
        if fulltext is not None:
            fulltext.update(fulltext_figures(report))
        return report

    def publish_step(config, changed: bool):
        """publish_outputs, with the read-only copy (a copy of the whole file) timed on its own."""
        out = PLAIN_STEPS.publish(replace(config, read_copy=False), changed)
        if config.read_copy and changed:
            started = time.perf_counter()
            publish_read_copy(config.db_path)
            timings["publish.read_copy"] = time.perf_counter() - started
        return out

    steps = replace(PLAIN_STEPS, fulltext=fulltext_step, publish=publish_step)
    return run_ingest(read_feeds_csv(feeds_csv), run_config(Settings.from_env(), db), steps, timings=timings).summary


def fulltext_figures(report) -> dict:
    """The full-text stage's FulltextReport as the bench reports it: pages tried (fetched or given a
    status), the stage's fetch wall time and its extraction (with wall detection and tagging)."""
    return {"candidates": report.candidates, "pages": sum(n for _, n in report.statuses),
            "deferred": report.deferred, "statuses": dict(report.statuses), "seconds": report.seconds,
            "fetch_seconds": report.fetch_seconds, "extract_seconds": report.extract_seconds,
            "new_matches": report.new_matches, "failure": report.failure}


def drain_fulltext(feeds_csv: Path, db: Path) -> dict:
    """Fetch every full-text candidate still waiting (the real stage, its page and time budget
    lifted), as a store whose runs keep up with their candidates has none waiting. Not timed."""
    from dataclasses import replace

    from newsmon.feeds import read_feeds_csv
    from newsmon.fulltext.stage import fetch_fulltext
    from newsmon.run.config import run_config
    from newsmon.settings import Settings

    config = run_config(Settings.from_env(), db)
    config = replace(config, fulltext=replace(config.fulltext, pages=1_000_000, seconds=3600.0))
    report = fetch_fulltext(config, {f.feed_id: f for f in read_feeds_csv(feeds_csv)}, datetime.now(UTC))
    return fulltext_figures(report)


def store_counts(db: Path) -> dict:
    """Rows the runs left: matching stories linked to events, article pages tried."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {"event_stories": con.execute("select count(*) from event_stories").fetchall()[0][0],
                "events": con.execute("select count(distinct event_id) from event_stories").fetchall()[0][0],
                "article_texts": con.execute("select count(*) from article_texts").fetchall()[0][0]}
    finally:
        con.close()


def touch_feeds(corpus_dir: Path, label: str) -> None:
    """Rewrite every feed file with the same items and a changed trailing comment (new bytes, new
    mtime): the fetch is a 200 with a new body hash, so everything is parsed again."""
    for path in sorted((corpus_dir / "feeds").glob("*.xml")):
        path.write_bytes(path.read_bytes() + f"<!-- {label} -->\n".encode())
