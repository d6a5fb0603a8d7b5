"""Prefect server processes, started and stopped without importing Prefect (the core never does).

Two kinds, both on 127.0.0.1:
- `newsmon serve`'s server (`start_or_reuse_server`): `prefect server start` with the UI, reused
  if one already answers on the port; it outlives nothing but the `serve` command.
- `newsmon run`'s temporary server (`start_early`): the server Prefect 3 would start by itself the
  first time a flow is called with no API configured (prefect.server.api.server.SubprocessASGIServer:
  uvicorn serving the API in ephemeral mode, no UI, on the PREFECT_HOME database), started first
  thing so that it comes up while this process imports Prefect and the flows. Whether the run then
  uses it is decided once Prefect is imported (flows/temporary_server.py: `adopt`).
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HEALTH_TIMEOUT_S = 120.0  # ~13 s on 2 cores when warm; a fresh home migrates the DB first
SERVER_STOP_TIMEOUT_S = 30.0


class ServerError(RuntimeError):
    """The local Prefect server did not come up; the message says why in one line."""


# --- newsmon serve's server ---------------------------------------------------------------------

def start_or_reuse_server(port: int, home: Path,
                          timeout_s: float = HEALTH_TIMEOUT_S) -> subprocess.Popen | None:
    """Reuse a healthy server on 127.0.0.1:port (returns None) or start one on `home` and wait for it."""
    if is_healthy(port):
        return None
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / f"server-{port}.log"
    with open(log_path, "wb") as log:
        # Own session: a terminal's Ctrl-C must not reach the server before the runner has stopped
        # (a runner whose server is already gone hangs on shutdown).
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**{k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"},
                 "PREFECT_HOME": str(home), "COLUMNS": "500"},  # wide: its error is one unwrapped line
        )
    try:
        wait_healthy(port, process, log_path, timeout_s)
    except BaseException:
        stop_server(process)
        raise
    return process


def is_healthy(port: int) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes via a proxy
    try:
        with opener.open(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_healthy(port: int, process: subprocess.Popen, log_path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not is_healthy(port):
        if process.poll() is not None:
            raise ServerError(f"the Prefect server exited with code {process.returncode}: "
                              f"{_last_line(log_path)} (log: {log_path})")
        if time.monotonic() > deadline:
            raise ServerError(f"the Prefect server did not answer on 127.0.0.1:{port} within "
                              f"{timeout_s:.0f} s (log: {log_path})")
        time.sleep(0.5)


def _last_line(path: Path) -> str:
    lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def stop_server(process: subprocess.Popen, timeout_s: float = SERVER_STOP_TIMEOUT_S) -> None:
    """SIGTERM (uvicorn shuts down gracefully), then SIGKILL the whole group if it hangs."""
    if process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(timeout_s)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- newsmon run's temporary server -------------------------------------------------------------

# What SubprocessASGIServer adds to the environment: no UI, ephemeral services only.
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
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
        start_new_session=True,  # a terminal's Ctrl-C reaches newsmon, which then stops it cleanly
        preexec_fn=_stop_with_parent,  # and if newsmon is killed outright, the server goes too
    )
    # Stopped at exit, after Prefect's own exit handlers (registered later, so run earlier) have
    # sent what they still hold, as Prefect does with its own temporary server.
    atexit.register(stop_early, process)
    return EarlyServer(process, port)


def wait_early(server: EarlyServer, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while server.process.poll() is None and time.monotonic() < deadline:
        if is_healthy(server.port):
            return True
        time.sleep(POLL_S)
    return False


def stop_early(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _stop_with_parent() -> None:
    """In the server's process, before exec: ask Linux for SIGTERM when the parent dies (a killed
    `newsmon run` runs no exit handler, and an orphaned server would live on). Elsewhere: nothing."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
