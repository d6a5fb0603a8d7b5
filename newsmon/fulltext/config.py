"""The fulltext stage's budget and politeness, resolved from Settings (NEWSMON_FULLTEXT_*)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FulltextBudget:
    enabled: bool = True
    pages: int = 100  # article pages fetched per run at most (robots.txt not counted)
    seconds: float = 60.0  # no page request starts later than this after the stage began
    per_host_pages: int = 20  # article pages per host per run: one outlet cannot take the whole budget
    concurrency: int = 16  # page requests in flight at once, all hosts together
    per_host_concurrency: int = 2
    per_host_interval_s: float = 1.0  # gap between request starts to one host (feeds: 0.5 s)
    timeout_s: float = 20.0  # one page, redirects and body included
    max_bytes: int = 5 * 1024 * 1024  # decoded, per page
    max_age_days: int = 7  # articles first seen longer ago are not fetched any more
    max_attempts: int = 3  # transient failures (timeouts, 5xx, 429) are tried again by later runs
