"""One settings object, read from the environment once at the edge and validated there.

Core functions take plain values; only the CLI and the flows call `Settings.from_env()`.
Every variable is listed in .env.example with its default. The CLI first reads `.env` (of the working
directory, or `--env-file PATH`) into the environment, below any variable already set (`load_env_file`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from newsmon.fetch import DEFAULT_USER_AGENT
from newsmon.paths import DEFAULT_DB, SEEDS_DIR


class SettingsError(ValueError):
    """A NEWSMON_* variable has a value we cannot use; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path = DEFAULT_DB
    feeds_csv: Path = SEEDS_DIR / "feeds.csv"
    seeds_dir: Path = SEEDS_DIR
    user_agent: str = DEFAULT_USER_AGENT
    fetch_timeout_s: float = 30.0  # total wall-clock deadline of one fetch, body included
    max_feed_bytes: int = 15 * 1024 * 1024  # cap on decoded bytes per feed
    fetch_concurrency: int = 16
    per_host_concurrency: int = 2
    per_host_interval_s: float = 0.5  # minimum gap between request starts to one host
    allow_private_networks: bool = False  # the demo and tests set this for their loopback servers
    max_entries_per_feed: int = 500
    workers: int = 0  # processes for CPU-bound stages; 0 = one per core
    executor: str = "local"  # where they run: local (process pool), inline (this process), dask://HOST:PORT
    alert_rules_csv: Path = SEEDS_DIR / "alert_rules.csv"
    alert_urls: str = ""  # space-separated Apprise URLs: the default rule's channels (a secret)
    operator_urls: str = ""  # where dead-letter and feed-health alerts go; empty: the alert channels
    alerts_dir: Path | None = None  # alerts.atom and alerts.jsonl; None: next to the database
    alert_budget_s: float = 60.0  # time one run may spend delivering alerts, sends included
    lock_wait_s: float = 3600.0  # how long a run waits for a database another process holds
    read_copy: bool = True  # after a run that stored something, publish <db>.read.duckdb for readers
    alert_flood: int = 10  # more new alerts than this for one destination in one run: one summary instead
    feed_failing_runs: int = 3
    feed_silent_days: int = 7
    # Article pages (newsmon/fulltext): per run at most this many pages and seconds, per host at most
    # this many pages, this many at once, this gap between request starts.
    fulltext: bool = True
    fulltext_pages: int = 100
    fulltext_seconds: float = 60.0
    fulltext_per_host_pages: int = 20
    fulltext_per_host_concurrency: int = 2
    fulltext_per_host_interval_s: float = 1.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            db_path=Path(env.get("NEWSMON_DB") or defaults.db_path),
            feeds_csv=Path(env.get("NEWSMON_FEEDS") or defaults.feeds_csv),
            seeds_dir=Path(env.get("NEWSMON_SEEDS") or defaults.seeds_dir),
            user_agent=env.get("NEWSMON_USER_AGENT") or defaults.user_agent,
            fetch_timeout_s=_number(env, "NEWSMON_FETCH_TIMEOUT", defaults.fetch_timeout_s, float, 1, 600),
            max_feed_bytes=_number(env, "NEWSMON_MAX_FEED_BYTES", defaults.max_feed_bytes, int, 1024, 1 << 30),
            fetch_concurrency=_number(env, "NEWSMON_FETCH_CONCURRENCY", defaults.fetch_concurrency, int, 1, 256),
            per_host_concurrency=_number(env, "NEWSMON_PER_HOST_CONCURRENCY", defaults.per_host_concurrency, int, 1, 32),
            per_host_interval_s=_number(env, "NEWSMON_PER_HOST_INTERVAL", defaults.per_host_interval_s, float, 0, 60),
            allow_private_networks=_flag(env, "NEWSMON_ALLOW_PRIVATE_NETWORKS", defaults.allow_private_networks),
            max_entries_per_feed=_number(env, "NEWSMON_MAX_ENTRIES", defaults.max_entries_per_feed, int, 1, 100_000),
            workers=_number(env, "NEWSMON_WORKERS", defaults.workers, int, 0, 64),
            executor=executor_setting(env.get("NEWSMON_EXECUTOR") or defaults.executor, "NEWSMON_EXECUTOR"),
            alert_rules_csv=Path(env.get("NEWSMON_ALERT_RULES") or defaults.alert_rules_csv),
            alert_urls=_urls(env, "NEWSMON_ALERT_URLS"),
            operator_urls=_urls(env, "NEWSMON_OPERATOR_URLS"),
            alerts_dir=Path(env["NEWSMON_ALERTS_DIR"]) if env.get("NEWSMON_ALERTS_DIR") else None,
            alert_budget_s=_number(env, "NEWSMON_ALERT_BUDGET", defaults.alert_budget_s, float, 0, 3600),
            lock_wait_s=_number(env, "NEWSMON_LOCK_WAIT", defaults.lock_wait_s, float, 0, 86400),
            read_copy=_flag(env, "NEWSMON_READ_COPY", defaults.read_copy),
            alert_flood=_number(env, "NEWSMON_ALERT_FLOOD", defaults.alert_flood, int, 1, 100_000),
            feed_failing_runs=_number(env, "NEWSMON_FEED_FAILING_RUNS", defaults.feed_failing_runs, int, 1, 1000),
            feed_silent_days=_number(env, "NEWSMON_FEED_SILENT_DAYS", defaults.feed_silent_days, int, 1, 365),
            fulltext=_flag(env, "NEWSMON_FULLTEXT", defaults.fulltext),
            fulltext_pages=_number(env, "NEWSMON_FULLTEXT_PAGES", defaults.fulltext_pages, int, 0, 100_000),
            fulltext_seconds=_number(env, "NEWSMON_FULLTEXT_SECONDS", defaults.fulltext_seconds, float, 0, 3600),
            fulltext_per_host_pages=_number(env, "NEWSMON_FULLTEXT_PER_HOST_PAGES", defaults.fulltext_per_host_pages,
                                            int, 1, 100_000),
            fulltext_per_host_concurrency=_number(env, "NEWSMON_FULLTEXT_PER_HOST_CONCURRENCY",
                                                  defaults.fulltext_per_host_concurrency, int, 1, 32),
            fulltext_per_host_interval_s=_number(env, "NEWSMON_FULLTEXT_PER_HOST_INTERVAL",
                                                 defaults.fulltext_per_host_interval_s, float, 0, 60),
        )


def load_env_file(path: Path | None = None, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Put the variables of a .env file into the environment, never over a variable already set there
    (the real environment wins). `path` None: `.env` of the working directory, if there is one; a
    named file must exist. Returns the names it set. Parsed by python-dotenv (quotes, `export`,
    comments, `# ...` after an unquoted value), the format Prefect and pydantic read too."""
    env = os.environ if environ is None else environ
    if path is None:
        path = Path(".env")
        if not path.is_file():
            return []
    elif not path.is_file():
        raise SettingsError(f"--env-file {path}: no such file")
    from dotenv import dotenv_values

    added = []
    for name, value in dotenv_values(path, encoding="utf-8").items():
        if value is not None and name not in env:
            env[name] = value
            added.append(name)
    return added


def executor_setting(value: str, name: str = "--executor") -> str:
    """`local`, `inline` or `dask://HOST:PORT` (a running Dask scheduler), checked at start-up."""
    value = value.strip()
    if value in ("local", "inline"):
        return value
    if value.startswith(("dask://", "tcp://")):
        host, _, port = value.split("://", 1)[1].rpartition(":")
        if host and port.isdigit():
            return value
    raise SettingsError(f"{name}: expected local, inline or dask://HOST:PORT")


def _number(env: Mapping[str, str], name: str, default, kind, low, high):
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={raw!r} must be between {low} and {high}")
    return value


def _urls(env: Mapping[str, str], name: str) -> str:
    """Space-separated Apprise URLs, each checked as Apprise parses it (scheme known, host present,
    port numeric, no password in clear to another host); the message names the variable and the
    URL's position, never its text (URLs hold tokens)."""
    raw = (env.get(name) or "").strip()
    if raw:
        from newsmon.alerts.channels import check_urls  # imports Apprise: only when URLs are set

        check_urls(raw, name)
    return raw


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={raw!r} must be 1 or 0")
