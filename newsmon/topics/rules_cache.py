"""A built copy of the topic rules on disk, so a process skips reading and checking ten thousand
seed rows and building the term trees: about half of what loading the rules costs a `newsmon tag`
process or a build worker (the regexes are still compiled as the copy is read).

The key is a hash of the seed files the rules are built from and of the source of the modules that
build them, so a changed seed, grammar row or rule module never reads a stale copy. Copies live in
the cache directory of newsmon.language.word_tables (NEWSMON_CACHE_DIR, else the XDG cache), are
written whole or not at all (a scratch file renamed into place), and the newest few are kept. A
directory that cannot be written, or a damaged copy, only means the rules are built again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from newsmon.language.word_tables import cache_dir

FORMAT = 1  # bump when what is stored changes in a way the module hash would not show
SEED_FILES = ("topics.csv", "topic_terms.csv", "topic_grammar.csv", "topic_inflections.csv")
_KEEP = 4  # copies kept: a few seed directories (the real one, a test's) need not rebuild in turn
_MODULES = Path(__file__).resolve().parent


def rules_key(seeds_dir: Path) -> str:
    digest = hashlib.sha256(f"{FORMAT}".encode())
    for name in SEED_FILES:
        path = seeds_dir / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"\0missing"))
    for module in sorted(_MODULES.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:40]


def _directory() -> Path:
    return cache_dir() / "topic_rules"


def read_rules(key: str) -> Any | None:
    try:
        return pickle.loads((_directory() / f"{key}.pickle").read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None  # not written yet, or damaged: build again


def write_rules(key: str, rules: Any) -> None:
    directory = _directory()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=directory)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(rules, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(scratch, directory / f"{key}.pickle")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        return
    copies = sorted(directory.glob("*.pickle"), key=_age)
    for old in copies[_KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _age(path: Path) -> float:
    try:
        return -path.stat().st_mtime
    except OSError:  # another process removed it meanwhile
        return 0.0
