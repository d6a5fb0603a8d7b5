"""Prefect's temporary server, started before Prefect is imported (for `newsmon run`).

With no Prefect API configured, Prefect 3 starts a temporary server the first time a flow is
called: a subprocess that imports Prefect's server stack (~4 s) and opens its database, while the
caller waits. `newsmon run` starts that same server first thing instead, so that it comes up while
this process imports Prefect and the flows and the build workers load their data: the flow's body
starts ~5.5 s after the command instead of ~9.5 s (bench machine, 2 cores).

The command and environment are Prefect's own (prefect.server.api.server.SubprocessASGIServer,
Prefect 3.9): uvicorn serving the API in ephemeral mode, no UI, on 127.0.0.1, with the
PREFECT_HOME database. Once Prefect is imported, `adopt` keeps the server only if Prefect would
have started the same one: no API URL configured, the temporary server enabled, and no setting from
a profile or settings file that Prefect would pass on to its server. Otherwise, or if the server
does not answer in time, it is stopped, and Prefect does what it is configured to do.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from flows.serve import is_healthy

# What SubprocessASGIServer adds to the environment: no UI, ephemeral services only.
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# Settings that Prefect's bundled default profile sets, and that change nothing here.
DEFAULT_PROFILE_SETTINGS = frozenset({"PREFECT_SERVER_EPHEMERAL_ENABLED"})
POLL_S = 0.05
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class EarlyServer:
    process: subprocess.Popen
    port: int

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"


def start_early() -> EarlyServer | None:
    """Start the server Prefect would start, unless Prefect is configured or already loaded
    (then it may already have a server of its own, as under the test harness)."""
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None
    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        return None
    with socket.socket() as probe:  # a free port (Prefect picks one at random in 8000-8999)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        env={**os.environ, **SERVER_ENV}, stdin=subprocess.DEVNULL,
    )
    # Stopped at exit, after Prefect's own exit handlers (registered later, so run earlier) have
    # sent what they still hold, as Prefect does with its own temporary server.
    atexit.register(stop, process)
    return EarlyServer(process, port)


def adopt(server: EarlyServer | None) -> bool:
    """Call once Prefect is imported: make the early server this process's Prefect API if Prefect
    would have started the same one, and it answers. True if adopted; else the server is stopped."""
    if server is None:
        return False
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    # The environment outranks every settings file, so a setting Prefect would pass on to its server
    # that is not in the environment came from a profile, prefect.toml, pyproject.toml or .env.
    from_files = set(settings.to_environment_variables(exclude_unset=True)) - set(os.environ) - DEFAULT_PROFILE_SETTINGS
    timeout_s = settings.server.ephemeral.startup_timeout_seconds
    if settings.api.url or not settings.server.ephemeral.enabled or from_files or not _wait(server, timeout_s):
        stop(server.process)
        return False
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()  # Prefect read the environment when it was imported
    return True


def _wait(server: EarlyServer, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while server.process.poll() is None and time.monotonic() < deadline:
        if is_healthy(server.port):
            return True
        time.sleep(POLL_S)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
