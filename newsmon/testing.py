"""Hooks that only tests use, kept in one place so production code names them plainly.

`crash_point(name)` SIGKILLs this process at a named point of a run when NEWSMON_TEST_CRASH_AT
names it (after_chunk, after_commit, after_send): the crash tests prove that nothing committed is
lost and nothing is announced twice. Anywhere else it does nothing.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "NEWSMON_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
