"""`newsmon` command line. Commands that do not run a flow never import prefect (~2 s)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from newsmon import __version__
from newsmon.cli_feeds import EXAMPLE as FEEDS_EXAMPLE
from newsmon.cli_feeds import add_arguments as add_feeds_arguments
from newsmon.paths import QUERIES_DIR

# Exit codes (README, "Exit codes"). A degraded run exits 0: it stored what it could, and says what
# went wrong on stderr and in its summary.
EXIT_FAILED = 1  # the run failed (the store step failed), or an error of the kind a user can cause
EXIT_NO_FEED = 3  # every feed the run attempted failed (a local outage, a broken registry)
EXIT_LOCKED = 75  # EX_TEMPFAIL: another process held the database for longer than NEWSMON_LOCK_WAIT
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_TERMINATED = 143  # SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the run stops at once, keeping what it committed."""

EXAMPLES = {
    "run": "newsmon run --demo            # offline demo: serves seeds/demo from 127.0.0.1\n"
           "  newsmon run --feeds seeds/feeds.csv --db data/newsmon.duckdb",
    "query": "newsmon query \"select lang, count(*) from articles group by 1 order by 2 desc\"\n"
             "  newsmon query --file new_stories_since --param since=2026-11-01 --format csv\n"
             "  newsmon query \"select title, evidence from v_matches limit 5\" --format json | jq '.[0].evidence'",
    "queries": "newsmon queries",
    "feeds": FEEDS_EXAMPLE,
    "init": "newsmon init ~/newsmon-config   # then edit its feeds.csv, topic_terms.csv, alert_rules.csv",
    "tag": "newsmon tag \"Lavrov meets Choe Son Hui in Wonsan\"\n"
           "  echo '{\"title\": \"Путин встретился с Ким Чен Ыном\"}' | newsmon tag",
    "retag": "newsmon retag --db data/newsmon.duckdb",
    "migrate": "newsmon migrate --db data/newsmon.duckdb",
    "alerts": "newsmon alerts --db data/newsmon.duckdb\n  newsmon alerts --dead --wide",
    "serve": "newsmon serve                 # UI on http://127.0.0.1:4200, alert feed on :4201; Ctrl-C stops\n"
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
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        from newsmon.settings import load_env_file

        load_env_file(args.env_file)
        code = args.handler(args)
        sys.stdout.flush()  # here, not at exit: a reader gone away (`| head`) is caught below
        return code
    except Terminated:
        print("newsmon: terminated (SIGTERM); what was committed is kept", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("newsmon: interrupted; what was committed is kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of a pipe went away (`newsmon ... | head`)
        sys.stderr.close()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # user-caused errors get one line, not a traceback
        from newsmon.errors import user_message

        message = user_message(exc)
        if message is None:
            raise
        print(f"newsmon: {message}", file=sys.stderr)
        return EXIT_LOCKED if type(exc).__name__ == "DatabaseLocked" else EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum, frame) -> None:
    raise Terminated


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmon",
        description="Monitor news feeds for a topic in many languages; store articles, stories and tags in DuckDB.",
        epilog="examples:\n  newsmon run --demo\n  newsmon query \"select lang, count(*) from articles group by 1\"",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsmon {__version__}")
    parser.add_argument("--env-file", type=Path, metavar="PATH", help=ENV_FILE_HELP)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, help: str, handler) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, epilog="example:\n  " + EXAMPLES[name],
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(handler=handler)
        p.add_argument("--env-file", type=Path, metavar="PATH", default=argparse.SUPPRESS, help=ENV_FILE_HELP)
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
    query.add_argument("--format", choices=["table", "csv", "json", "jsonl"], default="table",
                       help="table (cells cut at 60 columns with …), csv (full values), json (one array of "
                            "objects), jsonl (one object per line); nested values stay JSON")
    query.add_argument("--wide", action="store_true", help="table: show every value in full")

    command("queries", "List the named queries in sql/queries/ with what they answer.", cmd_queries)

    feeds = command("feeds", "Show, check, compare with the shipped one, update, import or export the feed "
                             "registry.", cmd_feeds)
    add_feeds_arguments(feeds)

    init = command("init", "Copy the editable seeds (feeds, topics, terms, alert rules...) into DIR, with a .env "
                           "that points newsmon at them.", cmd_init)
    init.add_argument("dir", type=Path, help="where to put them (created if missing)")
    init.add_argument("--force", action="store_true", help="overwrite files already there")

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
    alerts.add_argument("--wide", action="store_true", help="show every value in full")

    serve = command("serve", "Run the daily ingest on its prefect.yaml schedule: a local Prefect server and "
                             "scheduler in one process (Ctrl-C stops).", cmd_serve)
    serve.add_argument("--port", type=int, default=4200,
                       help="Prefect server port on 127.0.0.1 (reused if a server already answers)")
    serve.add_argument("--db", type=Path, help="DuckDB file (default: prefect.yaml, then $NEWSMON_DB)")
    serve.add_argument("--feeds", type=Path, help="feed registry CSV (default: prefect.yaml, then $NEWSMON_FEEDS)")
    serve.add_argument("--files-port", type=int, help="port of alerts.atom and report.html on 127.0.0.1 "
                                                      "(default: --port + 1)")

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


ENV_FILE_HELP = "read variables from this file (default: .env of the working directory); the environment wins"


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
    from newsmon.prefect_home import use_running_serve

    if url := use_running_serve(os.environ):  # then no temporary server: one writer per Prefect database
        print(f"newsmon: running on newsmon serve's Prefect server (UI {url.removesuffix('/api')})", file=sys.stderr)
    from newsmon.prefect_server import start_early

    early = start_early()  # Prefect's temporary server starts while we import
    from flows import temporary_server
    from flows.ingest import run_once  # imports Prefect (~2 s)
    from newsmon.run.tally import format_summary

    adopted = temporary_server.adopt(early)
    _show_progress()
    summary = run_once(feeds_csv=str(feeds_csv), db_path=str(db), force=force, temporary_server=adopted,
                       executor=executor)
    if summary.status in ("locked", "failed"):
        print(f"newsmon: {summary.message}", file=sys.stderr)
        if summary.status == "locked":
            return EXIT_LOCKED
        return EXIT_NO_FEED if summary.feeds_total and not summary.feeds_ok else EXIT_FAILED
    print(format_summary(summary))
    print(f"database: {db}")
    for warning in summary.warnings:
        print(f"newsmon: warning: {warning}", file=sys.stderr)
    return 0


def _show_progress() -> None:
    """On a terminal, the run's stage lines go to stderr as they happen (long runs show progress)."""
    if sys.stderr.isatty():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        run_log = logging.getLogger("newsmon.run")
        run_log.addHandler(handler)
        run_log.setLevel(logging.INFO)


def _quiet_prefect_defaults(console_level: str = "WARNING") -> None:
    """Offline-friendly Prefect defaults (a user's own settings win). The run's INFO lines reach
    Prefect's API (the UI) whatever `console_level`, which only quiets Prefect's own console.
    `run` and `serve` share newsmon's PREFECT_HOME, so manual runs show in serve's UI."""
    from newsmon.paths import PREFECT_HOME

    os.environ.setdefault("PREFECT_HOME", str(PREFECT_HOME))
    # Prefect creates its home without parents: an installed newsmon's data directory may not exist yet.
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", console_level)
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
    sys.stdout.write(format_rows(columns, rows, args.format, args.wide))
    return 0


def cmd_queries(args) -> int:
    from newsmon.query import list_queries
    from newsmon.table import format_table

    print("\n".join(format_table(["query", "what it answers"], list_queries(QUERIES_DIR), None, rule=False)))
    return 0


def cmd_feeds(args) -> int:
    from newsmon.cli_feeds import cmd_feeds as feeds

    return feeds(args, _settings())


def cmd_init(args) -> int:
    from newsmon.init import describe_init, init_seeds

    print(describe_init(init_seeds(args.dir, args.force)))
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
    from newsmon.topics.retag import retag_store

    settings = _settings()
    print(retag_store(args.db or settings.db_path, settings.seeds_dir).line())
    return 0


def cmd_alerts(args) -> int:
    from newsmon.alerts.outbox import count_alerts, list_alerts
    from newsmon.store import open_reader

    con = open_reader(args.db or _settings().db_path)
    try:
        counts = count_alerts(con)
        rows = list_alerts(con, "dead_letter" if args.dead else None, args.limit)
    finally:
        con.close()
    from newsmon.table import format_table

    print("alerts: " + (", ".join(f"{status} {n}" for status, n in counts.items()) or "none"))
    table = [[f"{created:%Y-%m-%d %H:%M}", status, rule, destination, str(attempts), " ".join((title or "").split()),
              " ".join((error or "").split()) if status != "sent" else ""]
             for created, status, rule, destination, attempts, _, title, error, _ in rows]
    if table:
        header = ["created", "status", "rule", "destination", "tries", "title", "error"]
        print("\n".join(format_table(header, table, None if args.wide else 60, frozenset({4}), rule=False)))
    return 0


def cmd_serve(args) -> int:
    _quiet_prefect_defaults("INFO")  # a served run prints its stage lines
    from flows.serve import serve

    return serve(args.port, args.db, args.feeds, args.files_port)


def cmd_report(args) -> int:
    from datetime import UTC, datetime

    from newsmon.report.publish import build_report, is_report_file, write_report
    from newsmon.store import open_reader

    if args.days < 1:
        raise SystemExit("newsmon report: --days must be 1 or more")
    if args.out.exists() and not is_report_file(args.out):
        raise SystemExit(f"newsmon report: refusing to overwrite {args.out}: it is not a newsmon report")
    con = open_reader(args.db or _settings().db_path)
    try:
        page = build_report(con, datetime.now(UTC), args.days)
    finally:
        con.close()
    write_report(page, args.out)
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
