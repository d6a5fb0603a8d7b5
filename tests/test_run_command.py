"""`newsmon run` as a user runs it: its own process, no Prefect API configured, so it runs on a
temporary Prefect server that it starts before importing Prefect (newsmon/prefect_server.py, flows/temporary_server.py).

Prefect logs "Starting temporary server" only when it starts one itself: at INFO level, that line
tells whether the early server was used or Prefect fell back to its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.prefect

PREFECT_OWN_SERVER = "Starting temporary server"


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("prefect-home")  # shared: only the first run migrates its database


def newsmon_run(home: Path, db: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    environ.update({"PREFECT_HOME": str(home), "PREFECT_LOGGING_LEVEL": "INFO",
                    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO",  # Prefect's own lines, to tell servers apart
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120", **env})
    return subprocess.run([sys.executable, "-m", "newsmon.cli", "run", "--demo", "--db", str(db)],
                          env=environ, capture_output=True, text=True, timeout=300, cwd=db.parent)


def processes_using(home: Path) -> list[int]:
    """Live processes whose environment names this Prefect home (a server left behind would)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"PREFECT_HOME={home}\0".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def stored_articles(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()


def test_run_uses_the_server_it_started_early_and_stops_it(prefect_home, tmp_path):
    done = newsmon_run(prefect_home, tmp_path / "news.duckdb")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "database:" in done.stdout and stored_articles(tmp_path / "news.duckdb") > 20
    assert PREFECT_OWN_SERVER not in done.stdout + done.stderr
    assert processes_using(prefect_home) == []


def test_a_profile_setting_leaves_the_server_to_prefect(prefect_home, tmp_path):
    # A setting from a profile (here the database timeout) is one Prefect would pass on to its own
    # server: the early server, started from the environment alone, is stopped and not used.
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('active = "custom"\n\n[profiles.custom]\nPREFECT_SERVER_EPHEMERAL_ENABLED = true\n'
                        'PREFECT_SERVER_DATABASE_TIMEOUT = 20\n')
    done = newsmon_run(prefect_home, tmp_path / "news.duckdb", PREFECT_PROFILES_PATH=str(profiles))
    assert done.returncode == 0, done.stderr[-2000:]
    assert stored_articles(tmp_path / "news.duckdb") > 20
    assert PREFECT_OWN_SERVER in done.stdout + done.stderr
    assert processes_using(prefect_home) == []
