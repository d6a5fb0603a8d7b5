"""Python's cyclic garbage collector during a run.

A run allocates millions of short-lived objects (entries, articles, Arrow rows, query results) in a
process that already holds a large long-lived heap: the imported modules (Prefect's, when the run is
a flow), the topic rules, the caches. Every full collection walks all of it, and a run triggers
them often. `run_collection` moves what exists when the run starts to the permanent generation
(`gc.freeze`), so collections walk only what the run allocates, and lets the youngest generation
grow larger before it is collected. Reference cycles the run creates are still collected; both
settings are put back when the run ends, so a long-lived process (`newsmon serve`, tests) returns
to the interpreter's defaults.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Container allocations (net of deallocations) before a youngest-generation collection: the
# interpreter's 700 makes a run of 50,000 articles collect tens of thousands of times.
YOUNG_THRESHOLD = 20_000


@contextmanager
def run_collection() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(YOUNG_THRESHOLD, thresholds[0]), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
