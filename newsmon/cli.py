"""`newsmon` command line. Commands that do not run a flow never import prefect (~2 s)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from newsmon import __version__
from newsmon.paths import QUERIES_DIR

EXIT_LOCKED = 75  # EX_TEMPFAIL: another process holds the database; try again later

EXAMPLES = {
    "run": "newsmon run --demo            # offline demo: serves seeds/demo from 127.0.0.1\n"
           "  newsmon run --feeds seeds/feeds.csv --db data/newsmon.duckdb",
    "query": "newsmon query \"select lang, count(*) from articles group by 1 order by 2 desc\"\n"
             "  newsmon query --file sql/queries/new_stories_since.sql --param since=2026-11-01 --format csv",
    "queries": "newsmon queries",
    "feeds": "newsmon feeds import-opml my-reader-export.opml\n  newsmon feeds export-opml --out feeds.opml",
    "tag": "newsmon tag \"Lavrov meets Choe Son Hui in Wonsan\"\n"
           "  echo '{\"title\": \"Путин встретился с Ким Чен Ыном\"}' | newsmon tag",
    "retag": "newsmon retag --db data/newsmon.duckdb",
    "migrate": "newsmon migrate --db data/newsmon.duckdb",
    "alerts": "newsmon alerts --db data/newsmon.duckdb\n  newsmon alerts --dead",
    "serve": "newsmon serve                 # UI on http://127.0.0.1:4200; Ctrl-C stops\n"
             "  newsmon serve --db data/newsmon.duckdb --feeds seeds/feeds.csv",
    "report": "newsmon report --out report.html --days 30",
    "export": "newsmon export --parquet exports/ --db data/newsmon.duckdb",
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # user-caused errors get one line, not a traceback
        from newsmon.errors import user_message

        message = user_message(exc)
        if message is None:
            raise
        print(f"newsmon: {message}", file=sys.stderr)
        return EXIT_LOCKED if type(exc).__name__ == "DatabaseLocked" else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmon",
        description="Monitor news feeds for a topic in many languages; store articles, stories and tags in DuckDB.",
        epilog="examples:\n  newsmon run --demo\n  newsmon query \"select lang, count(*) from articles group by 1\"",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsmon {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, help: str, handler) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, epilog="example:\n  " + EXAMPLES[name],
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(handler=handler)
        return p

    run = command("run", "Run the ingest flow once and print a summary.", cmd_run)
    run.add_argument("--feeds", type=Path, help="feed registry CSV (default: seeds/feeds.csv or $NEWSMON_FEEDS)")
    run.add_argument("--db", type=Path, help="DuckDB file (default: data/newsmon.duckdb or $NEWSMON_DB)")
    run.add_argument("--demo", action="store_true", help="serve the bundled demo feeds from 127.0.0.1 and use them")
    run.add_argument("--force", action="store_true", help="fetch every active feed, even those backing off")
    run.add_argument("--executor", help="where parsing and building run: local (default, a process pool), "
                                        "inline (this process) or dask://HOST:PORT (default: $NEWSMON_EXECUTOR)")

    query = command("query", "Run SQL (read-only) against the database.", cmd_query)
    query.add_argument("sql", nargs="?", help="a SQL statement")
    query.add_argument("--file", type=Path, help="a .sql file, e.g. sql/queries/NAME.sql (or just NAME)")
    query.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="a named parameter ($NAME in the SQL); repeatable")
    query.add_argument("--db", type=Path, help="DuckDB file")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")

    command("queries", "List the named queries in sql/queries/ with what they answer.", cmd_queries)

    feeds = command("feeds", "Show, import or export the feed registry.", cmd_feeds)
    feeds.add_argument("action", choices=["list", "import-opml", "export-opml"])
    feeds.add_argument("file", nargs="?", type=Path, help="OPML file to import")
    feeds.add_argument("--feeds", type=Path, help="feed registry CSV (default: seeds/feeds.csv)")
    feeds.add_argument("--out", type=Path, help="export-opml: write here instead of stdout")

    tag = command("tag", "Detect language and topics of texts (JSON lines on stdin, or one text argument).",
                  cmd_tag)
    tag.add_argument("text", nargs="?", help="a text to tag; without it, read JSON lines from stdin")
    tag.add_argument("--feeds", type=Path, help="feed registry, for feed_id context (default: seeds/feeds.csv)")

    retag = command("retag", "Re-tag stored articles with the current topic rules (no fetching).", cmd_retag)
    retag.add_argument("--db", type=Path, help="DuckDB file")

    alerts = command("alerts", "List alerts: counts by status, then the newest (pending, sent, dead letter).",
                     cmd_alerts)
    alerts.add_argument("--db", type=Path, help="DuckDB file")
    alerts.add_argument("--dead", action="store_true", help="only dead-letter alerts (permanent failures)")
    alerts.add_argument("--limit", type=int, default=50, help="rows to show (default 50)")

    serve = command("serve", "Run the daily ingest on its prefect.yaml schedule: a local Prefect server and "
                             "scheduler in one process (Ctrl-C stops).", cmd_serve)
    serve.add_argument("--port", type=int, default=4200,
                       help="Prefect server port on 127.0.0.1 (reused if a server already answers)")
    serve.add_argument("--db", type=Path, help="DuckDB file (default: prefect.yaml, then $NEWSMON_DB)")
    serve.add_argument("--feeds", type=Path, help="feed registry CSV (default: prefect.yaml, then $NEWSMON_FEEDS)")

    report = command("report", "Write a self-contained HTML report with charts and the latest matching stories.",
                     cmd_report)
    report.add_argument("--db", type=Path, help="DuckDB file")
    report.add_argument("--out", type=Path, default=Path("report.html"), help="where to write (default report.html)")
    report.add_argument("--days", type=int, default=30, help="how many days the charts cover (default 30)")

    export = command("export", "Export every table as Parquet (articles partitioned by day).", cmd_export)
    export.add_argument("--parquet", type=Path, required=True, metavar="DIR", help="output folder")
    export.add_argument("--db", type=Path, help="DuckDB file")

    migrate = command("migrate", "Create or upgrade the database schema.", cmd_migrate)
    migrate.add_argument("--db", type=Path, help="DuckDB file")
    return parser


def _settings():
    from newsmon.settings import Settings

    return Settings.from_env()


def cmd_run(args) -> int:
    settings = _settings()
    db = args.db or settings.db_path
    if args.demo:
        from newsmon.demo import dated_demo, demo_feeds_csv, serve_directory

        os.environ["NEWSMON_ALLOW_PRIVATE_NETWORKS"] = "1"  # the demo server is on 127.0.0.1
        os.environ.setdefault("NEWSMON_PER_HOST_INTERVAL", "0.05")  # ...and it is our own server
        with tempfile.TemporaryDirectory() as tmp:
            demo_dir = dated_demo(Path(tmp) / "demo", datetime.now(UTC))  # its news is always recent
            with serve_directory(demo_dir) as base:
                csv_path = demo_feeds_csv(base, Path(tmp) / "demo_feeds.csv", demo_dir=demo_dir)
                return _run_flow(csv_path, db, args.force, args.executor)
    return _run_flow(args.feeds or settings.feeds_csv, db, args.force, args.executor)


def _run_flow(feeds_csv: Path, db: Path, force: bool, executor: str | None = None) -> int:
    from newsmon.feeds import read_feeds_csv

    read_feeds_csv(feeds_csv)  # a bad CSV fails here with a line number, before Prefect starts
    if executor:
        from newsmon.settings import executor_setting

        executor_setting(executor)  # and a bad --executor
    _quiet_prefect_defaults()
    from newsmon.prefect_server import start_early

    early = start_early()  # Prefect's temporary server starts while we import
    from flows import temporary_server
    from flows.ingest import run_once  # imports Prefect (~2 s)
    from newsmon.run.tally import format_summary

    adopted = temporary_server.adopt(early)
    summary = run_once(feeds_csv=str(feeds_csv), db_path=str(db), force=force, temporary_server=adopted,
                       executor=executor)
    if summary.status == "locked":
        print(f"newsmon: {summary.message}", file=sys.stderr)
        return EXIT_LOCKED
    print(format_summary(summary))
    print(f"database: {db}")
    return 0


def _quiet_prefect_defaults() -> None:
    """Offline-friendly Prefect defaults for a one-off run (a user's own settings win)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def cmd_query(args) -> int:
    from newsmon.query import format_rows, run_query

    if not args.sql and not args.file:
        raise SystemExit("newsmon query: give a SQL statement or --file")
    text = args.sql
    if args.file:
        path = args.file if args.file.exists() else QUERIES_DIR / f"{args.file.name.removesuffix('.sql')}.sql"
        text = path.read_text(encoding="utf-8")
    params = dict(p.split("=", 1) for p in args.param if "=" in p)
    columns, rows = run_query(args.db or _settings().db_path, text, params)
    sys.stdout.write(format_rows(columns, rows, args.format))
    return 0


def cmd_queries(args) -> int:
    from newsmon.query import list_queries

    for name, description in list_queries(QUERIES_DIR):
        print(f"{name:32} {description}")
    return 0


def cmd_feeds(args) -> int:
    from newsmon.feeds import merge_feeds, read_feeds_csv, write_feeds_csv
    from newsmon.opml import feeds_from_opml, feeds_to_opml

    csv_path = args.feeds or _settings().feeds_csv
    if args.action == "list":
        for feed in read_feeds_csv(csv_path):
            print(f"{feed.feed_id:28} {feed.language or '-':4} {'active' if feed.active else 'paused':7} {feed.url}")
    elif args.action == "export-opml":
        opml = feeds_to_opml(read_feeds_csv(csv_path))
        if args.out:
            args.out.write_text(opml, encoding="utf-8")
            print(f"wrote {args.out}")
        else:
            sys.stdout.write(opml)
    else:
        if not args.file:
            raise SystemExit("newsmon feeds import-opml: give the OPML file to import")
        existing = read_feeds_csv(csv_path) if csv_path.exists() else []
        merged, added = merge_feeds(existing, feeds_from_opml(args.file.read_bytes()))
        write_feeds_csv(merged, csv_path)
        print(f"added {added} feeds to {csv_path} ({len(merged)} in all)")
    return 0


def cmd_tag(args) -> int:
    from newsmon.topics.tagging import tag_lines

    settings = _settings()
    feeds_csv = args.feeds or settings.feeds_csv
    lines = [json.dumps({"title": args.text})] if args.text is not None else sys.stdin
    for out in tag_lines(lines, settings.seeds_dir, feeds_csv):
        sys.stdout.write(out + "\n")
    return 0


def cmd_retag(args) -> int:
    from newsmon.topics.retag import retag_database

    settings = _settings()
    changed, total = retag_database(args.db or settings.db_path, settings.seeds_dir)
    print(f"re-tagged {total} articles; {changed} changed their match")
    return 0


def cmd_alerts(args) -> int:
    from newsmon.alerts.outbox import count_alerts, list_alerts
    from newsmon.db import connect

    con = connect(args.db or _settings().db_path, read_only=True)
    try:
        counts = count_alerts(con)
        rows = list_alerts(con, "dead_letter" if args.dead else None, args.limit)
    finally:
        con.close()
    print("alerts: " + (", ".join(f"{status} {n}" for status, n in counts.items()) or "none"))
    for created, status, rule, destination, attempts, _, title, error, _ in rows:
        line = f"{created:%Y-%m-%d %H:%M} {status:11} {rule:14} {destination:28} {attempts:2}  {(title or '')[:60]}"
        print(line + (f"  [{error}]" if error and status != "sent" else ""))
    return 0


def cmd_serve(args) -> int:
    _quiet_prefect_defaults()
    from flows.serve import serve

    return serve(args.port, args.db, args.feeds)


def cmd_report(args) -> int:
    from datetime import UTC, datetime

    from newsmon.db import connect
    from newsmon.report.publish import build_report

    con = connect(args.db or _settings().db_path, read_only=True)
    try:
        page = build_report(con, datetime.now(UTC), args.days)
    finally:
        con.close()
    args.out.write_text(page, encoding="utf-8")
    print(f"wrote {args.out} ({len(page) // 1024} KiB)")
    return 0


def cmd_export(args) -> int:
    from newsmon.export import export_parquet

    counts = export_parquet(args.db or _settings().db_path, args.parquet)
    for table, rows in counts.items():
        print(f"{table:16} {rows:>10} rows")
    print(f"wrote {args.parquet}")
    return 0


def cmd_migrate(args) -> int:
    from newsmon.db import connect, writer_lock
    from newsmon.migrate import apply_migrations

    db = args.db or _settings().db_path
    with writer_lock(db):
        con = connect(db)
        try:
            applied = apply_migrations(con)
        finally:
            con.close()
    print(f"{db}: schema up to date" + (f" (applied {', '.join(applied)})" if applied else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
