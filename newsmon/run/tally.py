"""What a run amounted to: counts added up chunk by chunk, the run's summary, and its text forms
(the lines `newsmon run` prints and the Markdown artifact Prefect shows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from newsmon.feed_health import is_network_outage
from newsmon.records import Article, FetchResult, ParsedFeed, RunSummary


@dataclass
class RunTally:
    """What one run's chunks amounted to, added up as each chunk is stored."""

    entries_by_feed: dict[str, int] = field(default_factory=dict)  # every parsed feed, even with 0 entries
    parse_errors: dict[str, str] = field(default_factory=dict)
    new_by_feed: Counter = field(default_factory=Counter)
    new_by_lang: Counter = field(default_factory=Counter)
    updated: int = 0
    matches_new: int = 0

    def add_parsed(self, parsed: Sequence[ParsedFeed]) -> None:
        for feed in parsed:
            self.entries_by_feed[feed.feed_id] = len(feed.entries)
            if feed.error_class:
                self.parse_errors[feed.feed_id] = feed.error_class

    def add_stored(self, articles: Sequence[Article], known: Mapping[str, str]) -> None:
        for article in articles:
            if article.article_id in known:
                self.updated += 1
                continue
            self.new_by_feed[article.feed_id] += 1
            self.new_by_lang[article.lang] += 1
            self.matches_new += any(t.is_match for t in article.topics)


def summarise(
    run_id: str,
    started_at: datetime,
    finished_at: datetime,
    results: Sequence[FetchResult],
    skipped: Sequence[str],
    tally: RunTally,
) -> RunSummary:
    failed = [(r.feed_id, r.error_class or tally.parse_errors[r.feed_id]) for r in results
              if r.error_class or r.feed_id in tally.parse_errors]
    articles_new = sum(tally.new_by_lang.values())
    every_feed_failed = bool(results) and len(failed) == len(results)
    if every_feed_failed and is_network_outage(results):
        message = (f"every feed failed ({len(failed)} of {len(results)}) at the network level: a local outage,"
                   " so no feed's failure count was increased")
    elif every_feed_failed:
        message = f"every feed failed ({len(failed)} of {len(results)}): {_error_counts(failed)}"
    else:
        message = ""
    return RunSummary(
        run_id=run_id,
        started_at=started_at,
        finished_at=finished_at,
        status="failed" if every_feed_failed else "completed",
        feeds_total=len(results) + len(skipped),
        feeds_ok=len(results) - len(failed),
        feeds_failed=len(failed),
        # a 304 or an unchanged body is not parsed
        feeds_not_modified=sum(1 for r in results if r.is_ok and r.feed_id not in tally.entries_by_feed),
        feeds_skipped=len(skipped),
        entries_seen=sum(tally.entries_by_feed.values()),
        articles_new=articles_new,
        articles_updated=tally.updated,
        new_by_lang=tuple(sorted(tally.new_by_lang.items(), key=lambda kv: (-kv[1], kv[0]))),
        matches_new=tally.matches_new,
        errors=tuple(sorted(failed)),
        message=message,
    )


def judge(summary: RunSummary, alerts_pending: int = 0, alerts_dead: int = 0,
          failed_sinks: Sequence[str] = ()) -> RunSummary:
    """The run's final outcome once alerts and the report are done: a completed run whose feeds,
    alerts or outputs partly failed is `degraded`, with one warning line for each thing."""
    warnings = list(summary.warnings)
    if summary.status == "completed" and summary.feeds_failed:
        warnings.append(f"{summary.feeds_failed} of {summary.feeds_total - summary.feeds_skipped} feeds failed: "
                        f"{_error_counts(summary.errors)}")
    if alerts_pending:
        warnings.append(f"{alerts_pending} alerts still pending (a receiver failed or the alert budget ran out;"
                        " a later run retries them): see `newsmon alerts`")
    if alerts_dead:
        warnings.append(f"{alerts_dead} alerts dead-lettered: see `newsmon alerts --dead`")
    warnings += [f"output failed: {line}" for line in failed_sinks]
    status = "degraded" if summary.status == "completed" and warnings else summary.status
    return replace(summary, status=status, warnings=tuple(warnings))


def _error_counts(errors: Sequence[tuple[str, str]]) -> str:
    counts = Counter(error for _, error in errors)
    return ", ".join(f"{n} {error}" for error, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def stored_anything(summary: RunSummary) -> bool:
    return bool(summary.articles_new or summary.articles_updated)


def format_summary(summary: RunSummary) -> str:
    """The one-paragraph summary printed by `newsmon run` and published as an artifact."""
    langs = ", ".join(f"{lang} {n}" for lang, n in summary.new_by_lang) or "none"
    lines = [
        f"run {summary.run_id}: {summary.status} in {(summary.finished_at - summary.started_at).total_seconds():.1f} s",
        f"feeds: {summary.feeds_ok} ok ({summary.feeds_not_modified} unchanged), {summary.feeds_failed} failed,"
        f" {summary.feeds_skipped} not due",
        f"entries seen: {summary.entries_seen}; new articles: {summary.articles_new} ({langs});"
        f" updated: {summary.articles_updated}; new topic matches: {summary.matches_new}",
    ]
    if summary.message:
        lines.append(summary.message)
    lines += [f"warning: {line}" for line in summary.warnings]
    if summary.errors:
        shown = ", ".join(f"{feed} ({err})" for feed, err in summary.errors[:10])
        more = f" and {len(summary.errors) - 10} more" if len(summary.errors) > 10 else ""
        lines.append(f"failed feeds: {shown}{more}")
    return "\n".join(lines)


def format_summary_markdown(summary: RunSummary) -> str:
    """The run summary as a Prefect markdown artifact."""
    rows = "\n".join(f"| {lang} | {n} |" for lang, n in summary.new_by_lang) or "| - | 0 |"
    errors = "\n".join(f"- `{feed}`: {err}" for feed, err in summary.errors) or "- none"
    notes = "".join(f"- {line}\n" for line in (summary.message, *summary.warnings) if line)
    return (
        f"# newsmon ingest run `{summary.run_id}`\n\n"
        f"- status: **{summary.status}**\n{notes}"
        f"- feeds: {summary.feeds_ok} ok ({summary.feeds_not_modified} unchanged), "
        f"{summary.feeds_failed} failed, {summary.feeds_skipped} not due\n"
        f"- entries seen: {summary.entries_seen}; new articles: **{summary.articles_new}**; "
        f"updated: {summary.articles_updated}; new topic matches: **{summary.matches_new}**\n\n"
        f"## New articles by language\n\n| lang | new |\n|---|---|\n{rows}\n\n"
        f"## Failed feeds\n\n{errors}\n"
    )
