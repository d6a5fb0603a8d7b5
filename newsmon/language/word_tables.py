"""wordfreq's word lists as compact tables that processes share (used by newsmon.language.detect).

Loaded as Python dicts, the lists of the languages the language step compares hold about a million
words and take ~150 MB in every process that loads them (each build worker, and the main process
when it tags a small batch itself), and decoding them costs each process about a second at start.
Here the lists of one script's languages become one table of four arrays:

- `hashes`: the sorted 64-bit hashes (blake2b) of every word that one of the languages lists, and
  of the ASCII spellings of their accented words ("division" or "divisin" for "división");
- `indptr`, `columns`, `buckets`: the word at row r has the entries indptr[r]:indptr[r + 1]. Each
  is a column (language i's list is column i; its ASCII spellings are column i + len(langs)) and
  wordfreq's frequency bucket there: minus the frequency in centibels, which is how wordfreq
  stores it (an ASCII spelling keeps the bucket of its most frequent accented word).

A table is built once per wordfreq version and language set (1–2 s a script) into the cache
directory (NEWSMON_CACHE_DIR, else $XDG_CACHE_HOME/newsmon, else ~/.cache/newsmon) as .npy files,
and memory-mapped from there, so the workers share its pages. If the directory cannot be written,
the table is kept in memory. Two of a million words share a 64-bit hash with odds of about 1 in
30 million; a lookup reads the same zipf values the dicts gave.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import tempfile
import unicodedata
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

FORMAT = 1  # bump when the layout or the meaning of an entry changes
_ARRAYS = ("hashes", "indptr", "columns", "buckets")


def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def zipf_of_bucket(bucket: int) -> float:
    # wordfreq's dict holds 10 ** (-bucket / 100) and zipf is log10(frequency) + 9: the same float.
    return math.log10(10 ** (-bucket / 100)) + 9.0


def ascii_forms(word: str) -> set[str]:
    """How an accented word reads where accents are lost: folded ("division") or dropped ("divisin")."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return {form for form in (folded, "".join(c for c in word if c.isascii())) if form.isascii() and len(form) > 2}


class WordTable:
    """One script's word lists: `lookup(word)` gives its zipf in each language (0.0 where unlisted)."""

    def __init__(self, langs: tuple[str, ...], arrays: dict[str, np.ndarray]) -> None:
        self.langs = langs
        # Plain ndarray views of the memory maps (the same shared pages): numpy.memmap indexes
        # through a Python-level __getitem__, which made each lookup several times slower.
        arrays = {name: np.asarray(array) for name, array in arrays.items()}
        self.hashes, self.indptr = arrays["hashes"], arrays["indptr"]
        self.columns, self.buckets = arrays["columns"], arrays["buckets"]

    def lookup(self, word: str) -> tuple[list[float], list[float]]:
        """The word's zipf in each language's list, and as an ASCII spelling of a listed word there."""
        count = len(self.langs)
        listed, degraded = [0.0] * count, [0.0] * count
        key = np.uint64(word_hash(word))
        row = int(self.hashes.searchsorted(key))
        if row == len(self.hashes) or self.hashes[row] != key:
            return listed, degraded
        start, end = int(self.indptr[row]), int(self.indptr[row + 1])
        for column, bucket in zip(self.columns[start:end].tolist(), self.buckets[start:end].tolist()):
            if column < count:
                listed[column] = zipf_of_bucket(bucket)
            else:
                degraded[column - count] = zipf_of_bucket(bucket)
        return listed, degraded


@cache
def word_table(langs: tuple[str, ...], wordlist: str) -> WordTable:
    """The table of these wordfreq languages (codes as wordfreq knows them), built on first use.
    (wordfreq itself, ~16 MB a process, is imported only to build a table.)"""
    key = hashlib.blake2b(f"{FORMAT}|{version('wordfreq')}|{wordlist}|{','.join(langs)}".encode(),
                          digest_size=6).hexdigest()
    directory = cache_dir() / f"words-{wordlist}-{key}"
    arrays = _load(directory)
    if arrays is None:
        shutil.rmtree(directory, ignore_errors=True)  # a damaged table, if any, is built again
        arrays = build_arrays(langs, wordlist)
        if _save(directory, arrays):
            arrays = _load(directory) or arrays
    return WordTable(langs, arrays)


def cache_dir() -> Path:
    if explicit := os.environ.get("NEWSMON_CACHE_DIR"):
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsmon"


def build_arrays(langs: tuple[str, ...], wordlist: str) -> dict[str, np.ndarray]:
    from wordfreq import available_languages, get_frequency_list

    for lang in langs:
        if lang not in available_languages(wordlist):
            # wordfreq would silently answer for its nearest language (e.g. "ne" -> "en").
            raise ValueError(f"wordfreq has no {wordlist!r} list for {lang!r}")
    hashes: dict[str, int] = {}
    entries: list[tuple[int, int, int]] = []  # (hash, column, bucket)
    for column, lang in enumerate(langs):
        buckets: dict[str, int] = {}
        for bucket, words in enumerate(get_frequency_list(lang, wordlist)):
            for word in words:
                buckets[word] = bucket  # as wordfreq's own dict: a repeated word keeps its last bucket
        spellings: dict[str, int] = {}
        for word, bucket in buckets.items():
            if not word.isascii():
                for form in ascii_forms(word):
                    spellings[form] = min(bucket, spellings.get(form, bucket))
        for offset, table in ((0, buckets), (len(langs), spellings)):
            for word, bucket in table.items():
                if (hashed := hashes.get(word)) is None:
                    hashed = hashes[word] = word_hash(word)
                entries.append((hashed, column + offset, bucket))
    flat = np.array(entries, dtype=np.uint64).reshape(-1, 3)
    flat = flat[np.lexsort((flat[:, 1], flat[:, 0]))]
    unique, starts = np.unique(flat[:, 0], return_index=True)
    return {
        "hashes": unique,
        "indptr": np.append(starts, len(flat)).astype(np.uint32),
        "columns": flat[:, 1].astype(np.uint8),
        "buckets": flat[:, 2].astype(np.uint16),
    }


def _load(directory: Path) -> dict[str, np.ndarray] | None:
    try:
        return {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    except (OSError, ValueError):  # not built yet, or a damaged file: build again
        return None


def _save(directory: Path, arrays: dict[str, np.ndarray]) -> bool:
    """Write the table where other processes find it; False if the cache cannot be written."""
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    except OSError:
        return False
    try:
        for name, array in arrays.items():
            np.save(scratch / f"{name}.npy", array)
        scratch.rename(directory)  # fails if another process built it meanwhile: theirs is as good
    except OSError:
        pass
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return directory.exists()
