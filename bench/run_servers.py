"""Servers the bench starts outside the measured parts: a Dask LocalCluster on 127.0.0.1 and a
long-running Prefect server (bench/run.py's --parts dask and --prefect-server persistent)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def dask_cluster(workers: int = 2) -> Iterator[str]:
    """A LocalCluster on 127.0.0.1 (one thread per worker process); yields its dask:// address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        yield "dask://" + cluster.scheduler_address.split("://", 1)[1]


def dask_line(results: dict) -> str:
    dask = results["dask"]["part_result"]["cold"]
    line = f"dask (2-worker LocalCluster): {dask['new']:,} articles in {dask['seconds']:.1f} s " \
           f"({dask['new'] / dask['seconds']:,.0f}/s)"
    if "core" in results:
        core = results["core"]["part_result"]["cold"]
        line += f"; local pool {core['seconds']:.1f} s ({core['new'] / core['seconds']:,.0f}/s): " \
                f"dask/local throughput {core['seconds'] / dask['seconds']:.0%}"
    return line


class Server:
    def __init__(self, port: int, process) -> None:
        self.port, self.process = port, process


def start_prefect_server(home: Path, env: dict[str, str]) -> Server:
    """A long-running local Prefect server (what `newsmon serve` starts), outside the measured tree."""
    import socket

    from newsmon.prefect_server import start_or_reuse_server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return Server(port, start_or_reuse_server(port, home))
    finally:
        os.environ.clear()
        os.environ.update(saved)
