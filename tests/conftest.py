"""Shared fixtures: a private Prefect home, temp DuckDB files, loopback feed servers.

Prefect settings must be in the environment before anything imports prefect, so they are
set at the top of this module. The Prefect test harness (a temporary server, ~15 s to
start) is opt-in and session-scoped: only flow tests pay for it.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_prefect_home = tempfile.mkdtemp(prefix="newsmon-prefect-home-")
atexit.register(shutil.rmtree, _prefect_home, ignore_errors=True)
os.environ["PREFECT_HOME"] = _prefect_home
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")  # run logs still reach the API
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.pop("PREFECT_API_URL", None)  # never touch a real server from tests
os.environ["NEWSMON_ALLOW_PRIVATE_NETWORKS"] = "1"  # test feed servers live on 127.0.0.1
os.environ.setdefault("NEWSMON_PER_HOST_INTERVAL", "0.05")

import ipaddress  # noqa: E402
import socket  # noqa: E402

import pytest  # noqa: E402

# No test reaches beyond this machine, DNS included: feed items link to hosts such as
# https://outlet.example/ whose pages the full-text stage would look up. In this process, names
# other than this machine's resolve to "no such name" (what the fetcher records as a dns error)
# without asking a DNS server; IP literals, localhost and the machine's own name resolve as usual.
_system_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "localhost.localdomain", socket.gethostname().lower()}


def _local_getaddrinfo(host, *args, **kwargs):
    name = (host.decode() if isinstance(host, bytes) else host or "").lower().rstrip(".")
    try:
        ipaddress.ip_address(name.split("%")[0])
        is_literal = True
    except ValueError:
        try:
            socket.inet_aton(name)  # the shorthand forms getaddrinfo reads as numbers: 127.1, 0x7f000001
            is_literal = True
        except OSError:
            is_literal = False
    if not name or is_literal or name in _LOCAL_NAMES:
        return _system_getaddrinfo(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, f"tests resolve no names beyond this machine: {name}")


socket.getaddrinfo = _local_getaddrinfo

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness  # lazy: ~3.5 s of imports

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def migrated_db(db_path):
    """A migrated temp database; yields an open read-write connection."""
    from newsmon.store import open_store

    con = open_store(db_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def fixture_server():
    """tests/fixtures served over HTTP on 127.0.0.1; yields the base URL."""
    from newsmon.demo import serve_directory

    with serve_directory(FIXTURES) as base:
        yield base


@pytest.fixture
def shared_corpus() -> Path:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not present")
    return corpus


def write_feeds_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A minimal feed registry: (feed_id, name, url) rows."""
    lines = ["feed_id,name,url"] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def query_db(db: Path, sql: str) -> list[tuple]:
    """The rows of one query on a closed database file, read-only (the connection is closed after)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def rules():
    """The real topic seeds, loaded once (a test file may define its own `rules`)."""
    from newsmon.topics.match import load_topic_rules

    return load_topic_rules(Path(__file__).resolve().parents[1] / "seeds")


def topic_hit(title: str, rules, text: str = "", lang: str | None = None, feed_side: str | None = None):
    """The russia_dprk hit for one item, or None: the topic the tagging tests read."""
    from newsmon.topics.match import match_topics

    hits = [h for h in match_topics(title, text, rules, feed_side, lang=lang) if h.topic == "russia_dprk"]
    return hits[0] if hits else None


def topic_match(title: str, rules, text: str = "", lang: str | None = None, feed_side: str | None = None) -> bool:
    found = topic_hit(title, rules, text, lang, feed_side)
    return bool(found and found.is_match)
