"""One Prefect home for `newsmon run` and `newsmon serve`, and one writer of its database.

Both commands default PREFECT_HOME to newsmon's own (newsmon/paths.py: the checkout's `.prefect`, or
the data directory's), so a manual run and the scheduled ones land in the same history. Prefect keeps
that history in a SQLite file that one server process writes: while `newsmon serve` runs, it records
its port in `<PREFECT_HOME>/serve.json`, and `newsmon run` sends its flow run to that server's API
(PREFECT_API_URL), where it shows in the UI, instead of starting a temporary server of its own on the
same file. With no serve running (no record, its process gone, or its API silent), `run` starts its
temporary server as before.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager, suppress
from pathlib import Path

from newsmon.prefect_server import is_healthy

RECORD = "serve.json"
STARTING_WAIT_S = 120.0  # a serve whose server is starting: wait for it rather than write beside it
SILENT_WAIT_S = 3.0  # a serve started long ago whose API does not answer: its server is gone


@contextmanager
def serving(home: Path, port: int) -> Iterator[Path]:
    """Record, while the block runs, that this process serves (or is starting) a Prefect API on
    127.0.0.1:port for `home`. Entered before the server starts, so a run waits for it."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / RECORD
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "port": port, "since": time.time()}), encoding="utf-8")
    os.replace(tmp, path)
    try:
        yield path
    finally:
        with suppress(OSError, ValueError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()


def serve_api_url(home: Path) -> str | None:
    """The API URL of the `newsmon serve` running on `home`, or None when none is running."""
    try:
        record = json.loads((home / RECORD).read_text(encoding="utf-8"))
        pid, port, since = int(record["pid"]), int(record["port"]), float(record.get("since", 0))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    starting = time.time() - since < STARTING_WAIT_S
    deadline = time.monotonic() + (STARTING_WAIT_S if starting else SILENT_WAIT_S)
    while _is_alive(pid):
        if is_healthy(port):
            return f"http://127.0.0.1:{port}/api"
        if time.monotonic() > deadline:
            return None
        time.sleep(0.5)
    return None


def use_running_serve(environ: MutableMapping[str, str]) -> str | None:
    """Point PREFECT_API_URL at the running `newsmon serve` of PREFECT_HOME, unless an API is configured;
    returns the URL it set, or None."""
    if environ.get("PREFECT_API_URL") or not environ.get("PREFECT_HOME"):
        return None
    url = serve_api_url(Path(environ["PREFECT_HOME"]))
    if url:
        environ["PREFECT_API_URL"] = url
    return url


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
