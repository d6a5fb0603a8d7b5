"""A run's report: report.html beside the database, and the Markdown summary of new stories."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from newsmon.db import connect
from newsmon.report.page import build_report_and_markdown

REPORT_MAX_AGE_S = 6 * 3600  # a quiet run still refreshes an older report (its charts move on)


def publish_report(db_path: Path, out_dir: Path, changed: bool = True, days: int = 30) -> str | None:
    """Write report.html into `out_dir` (atomically) and return the Markdown summary of new stories.
    A run that stored nothing leaves a recent report as it is (and returns None)."""
    target = out_dir / "report.html"
    if not changed and target.exists() and time.time() - target.stat().st_mtime < REPORT_MAX_AGE_S:
        return None
    now = datetime.now(UTC)
    con = connect(db_path, read_only=True)
    try:
        html, markdown = build_report_and_markdown(con, now, days)
    finally:
        con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    temporary = out_dir / "report.html.tmp"
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(target)
    return markdown
