"""Peak memory of a process tree, sampled from /proc (bench/run.py measures each part's child with it)."""

from __future__ import annotations

import os
import threading


class TreeRssSampler:
    """Peak memory of a process and all its descendants, sampled from /proc: the peak of the summed
    RSS (counts pages shared between processes, such as libraries, once per process) and the peak
    of the summed PSS (shares each shared page out among the processes mapping it)."""

    def __init__(self, pid: int, interval_s: float = 0.2) -> None:
        self.pid, self.interval_s, self.peak_kb, self.peak_pss_kb = pid, interval_s, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            pids = tree_pids(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_status_kb(pid, "/status", b"VmRSS:") for pid in pids))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_status_kb(pid, "/smaps_rollup", b"Pss:") for pid in pids))


def tree_pids(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def _status_kb(pid: int, name: str, field: bytes) -> int:
    try:
        with open(f"/proc/{pid}{name}", "rb") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
