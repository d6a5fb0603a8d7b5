"""`newsmon feeds ...`: list, check, diff, update, import-opml and export-opml of the feed registry."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from newsmon.paths import SEEDS_DIR

ACTIONS = ("list", "check", "diff", "update", "import-opml", "export-opml")
SHIPPED_FEEDS = SEEDS_DIR / "feeds.csv"
EXAMPLE = ("newsmon feeds list --wide\n"
           "  newsmon feeds check --active-only         # fetch every feed once; exit 1 if a critical one fails\n"
           "  newsmon feeds diff --feeds my.csv         # what the shipped registry changed since you copied it\n"
           "  newsmon feeds update --feeds my.csv --take tass_en   # or --all\n"
           "  newsmon feeds import-opml my-reader-export.opml\n"
           "  newsmon feeds export-opml --out feeds.opml")


def add_arguments(feeds: argparse.ArgumentParser) -> None:
    feeds.add_argument("action", choices=ACTIONS)
    feeds.add_argument("file", nargs="?", type=Path, help="import-opml: the OPML file to import")
    feeds.add_argument("--feeds", type=Path, help="feed registry CSV (default: $NEWSMON_FEEDS, else the shipped "
                                                  "seeds/feeds.csv)")
    feeds.add_argument("--out", type=Path, help="export-opml: write here instead of stdout")
    feeds.add_argument("--wide", action="store_true", help="list: show every value in full")
    feeds.add_argument("--active-only", action="store_true", help="check: only the active feeds")
    feeds.add_argument("--take", nargs="+", default=[], metavar="FEED_ID",
                       help="update: also replace these changed feeds by their shipped rows")
    feeds.add_argument("--all", action="store_true", help="update: replace every changed feed by its shipped row")


def cmd_feeds(args, settings) -> int:
    csv_path = args.feeds or settings.feeds_csv
    handler = {"list": _list, "check": _check, "diff": _diff, "update": _update,
               "import-opml": _import_opml, "export-opml": _export_opml}[args.action]
    return handler(args, settings, csv_path)


def _list(args, settings, csv_path: Path) -> int:
    """The registry as a table; a URL's credentials (userinfo, key=/token=... values) are shown as ***,
    as everywhere newsmon prints or stores a feed URL: the listing ends up in terminals, logs and issues."""
    from newsmon.feeds import read_feeds_csv
    from newsmon.table import format_table
    from newsmon.urls import redact_url

    rows = [[feed.feed_id, feed.language or "-", "active" if feed.active else "paused", feed.name,
             redact_url(feed.url)] for feed in read_feeds_csv(csv_path)]
    lines = format_table(["feed_id", "lang", "state", "name", "url"], rows, None if args.wide else 60)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _check(args, settings, csv_path: Path) -> int:
    from newsmon.feed_check import check_feeds, format_check_table
    from newsmon.feeds import read_feeds_csv
    from newsmon.run.config import run_config

    feeds = read_feeds_csv(csv_path)
    if args.active_only:
        feeds = [feed for feed in feeds if feed.active]
    checks = check_feeds(feeds, run_config(settings, settings.db_path).fetch, datetime.now(UTC),
                         max_entries=settings.max_entries_per_feed)
    sys.stdout.write(format_check_table(checks))
    critical = {feed.feed_id for feed in feeds if feed.critical and feed.active}
    failing = [c.feed_id for c in checks if c.feed_id in critical and c.verdict != "ok"]
    if failing:
        print(f"newsmon: critical feeds not ok: {', '.join(failing)}", file=sys.stderr)
        return 1
    return 0


def _diff(args, settings, csv_path: Path) -> int:
    from newsmon.feed_updates import diff_feeds
    from newsmon.feeds import read_feeds_csv
    from newsmon.urls import redact_url

    if _is_shipped(csv_path):
        print(f"{csv_path} is the shipped registry: nothing to compare (give --feeds YOUR.csv)")
        return 0
    changes = diff_feeds(read_feeds_csv(csv_path), read_feeds_csv(SHIPPED_FEEDS))
    labels = {"new": "new", "changed": "changed", "local_only": "yours only"}
    for change in changes:
        print(f"{labels[change.kind]:10} {change.feed_id:28} {change.name}")
        for column, mine, shipped in change.changes:
            if column == "url":  # yours may carry a token: shown redacted, like the listing
                mine, shipped = redact_url(mine), redact_url(shipped)
            print(f"{'':10}   {column}: {mine or '(empty)'} -> {shipped or '(empty)'}")
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in labels}
    print(f"{csv_path} against the shipped {SHIPPED_FEEDS.name}: {counts['new']} new, {counts['changed']} changed, "
          f"{counts['local_only']} only in yours")
    if counts["new"] or counts["changed"]:
        print(f"take them: newsmon feeds update --feeds {csv_path} [--take FEED_ID ... | --all]")
    return 0


def _update(args, settings, csv_path: Path) -> int:
    from newsmon.feed_updates import update_feeds
    from newsmon.feeds import read_feeds_csv, write_feeds_csv

    if _is_shipped(csv_path):
        print(f"{csv_path} is the shipped registry: it is always up to date (give --feeds YOUR.csv)")
        return 0
    take = {"*"} if args.all else set(args.take)
    feeds, added, replaced = update_feeds(read_feeds_csv(csv_path), read_feeds_csv(SHIPPED_FEEDS), take)
    write_feeds_csv(feeds, csv_path)
    print(f"{csv_path}: added {added} new feeds, replaced {replaced} changed ones ({len(feeds)} in all)")
    return 0


def _import_opml(args, settings, csv_path: Path) -> int:
    from newsmon.feed_updates import merge_feeds
    from newsmon.feeds import read_feeds_csv, url_key, write_feeds_csv
    from newsmon.opml import read_opml
    from newsmon.urls import redact_url

    if not args.file:
        raise SystemExit("newsmon feeds import-opml: give the OPML file to import")
    existing = read_feeds_csv(csv_path) if csv_path.exists() else []
    result = read_opml(args.file.read_bytes())
    known = {url_key(feed.url): feed.feed_id for feed in existing}
    skipped = [f"skipped {message}" for message in result.rejected + result.duplicates]
    skipped += [f"skipped line {result.lines[f.feed_id]}: already in {csv_path.name} as {known[url_key(f.url)]}: "
                f"{redact_url(f.url)}"
                for f in result.feeds if url_key(f.url) in known]
    merged, added = merge_feeds(existing, result.feeds)
    write_feeds_csv(merged, csv_path)
    for line in sorted(skipped, key=_line_number):
        print(line)
    print(f"added {added} feeds to {csv_path} ({len(merged)} in all)"
          + (f"; skipped {len(skipped)} (listed above)" if skipped else ""))
    return 0


def _export_opml(args, settings, csv_path: Path) -> int:
    from newsmon.feeds import read_feeds_csv
    from newsmon.opml import feeds_to_opml

    opml = feeds_to_opml(read_feeds_csv(csv_path))
    if args.out:
        args.out.write_text(opml, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(opml)
    return 0


def _is_shipped(path: Path) -> bool:
    return path.resolve() == SHIPPED_FEEDS.resolve()


def _line_number(message: str) -> int:
    head = message.removeprefix("skipped line ").split(":", 1)[0]
    return int(head) if head.isdigit() else 0
