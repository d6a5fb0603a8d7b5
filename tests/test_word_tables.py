"""The shared word tables (newsmon.language.word_tables): same answers as wordfreq's dicts, built once,
memory-mapped, and still usable when the cache is damaged or cannot be written."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from wordfreq import get_frequency_dict

from newsmon.language import word_tables
from newsmon.language.word_tables import word_table

LANGS = ("ca", "it")  # two small lists of one script: quick to build, and they share many words


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSMON_CACHE_DIR", str(tmp_path / "cache"))
    word_table.cache_clear()
    yield tmp_path / "cache"
    word_table.cache_clear()


def _zipf(lang: str, word: str) -> float:
    frequency = get_frequency_dict(lang, wordlist="small").get(word)
    return math.log10(frequency) + 9.0 if frequency else 0.0


def test_lookups_give_wordfreqs_zipf_for_every_listed_word(cache) -> None:
    table = word_table(LANGS, "small")
    for column, lang in enumerate(LANGS):
        words = list(get_frequency_dict(lang, wordlist="small"))
        for word in words[::25] + ["ciutat", "città", "perché", "xyzzyq"]:
            listed, _ = table.lookup(word)
            assert listed[column] == _zipf(lang, word), (lang, word)


def test_ascii_spellings_keep_the_most_frequent_accented_word(cache) -> None:
    table = word_table(LANGS, "small")
    # "perche" (accent lost) and "perch" (accented letter dropped) both read as "perché" in Italian.
    for form in ("perche", "perch"):
        listed, degraded = table.lookup(form)
        assert listed[1] == _zipf("it", form)  # whatever the list says of the form itself
        assert degraded[1] >= _zipf("it", "perché") > 0
    assert table.lookup("perché")[1] == [0.0, 0.0]  # an accented word is no one's ASCII spelling


def test_a_table_is_built_once_and_memory_mapped(cache) -> None:
    table = word_table(LANGS, "small")
    (built,) = list(cache.iterdir())
    assert isinstance(table.hashes.base, np.memmap)  # an ndarray view of the memory map (shared pages)
    word_table.cache_clear()
    stamp = os.stat(built / "hashes.npy").st_mtime_ns
    again = word_table(LANGS, "small")
    assert os.stat(built / "hashes.npy").st_mtime_ns == stamp
    assert again.lookup("ciutat") == table.lookup("ciutat")


def test_a_damaged_table_is_built_again(cache) -> None:
    expected = word_table(LANGS, "small").lookup("ciutat")
    (built,) = list(cache.iterdir())
    (built / "indptr.npy").write_bytes(b"\x93NUMPY truncated")
    word_table.cache_clear()
    assert word_table(LANGS, "small").lookup("ciutat") == expected
    assert np.load(built / "indptr.npy").size > 0


def test_a_cache_path_that_is_a_file_keeps_the_table_in_memory(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("NEWSMON_CACHE_DIR", str(blocker / "cache"))
    word_table.cache_clear()
    try:
        table = word_table(LANGS, "small")
        assert table.lookup("città")[0][1] == _zipf("it", "città") > 0
    finally:
        word_table.cache_clear()


def test_hashes_are_stable_across_processes() -> None:
    # The tables are shared through files, so a word's hash must not depend on the process.
    code = "from newsmon.language.word_tables import word_hash; print(word_hash('città'))"
    seeds = [subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed},
                            capture_output=True, text=True, check=True).stdout for seed in ("1", "2")]
    assert seeds[0] == seeds[1] == f"{word_tables.word_hash('città')}\n"


def test_a_cached_table_is_used_without_importing_wordfreq(cache) -> None:
    # wordfreq costs a process ~16 MB; the build workers only need the built tables.
    word_table(LANGS, "small")
    code = ("import sys; from newsmon.language.word_tables import word_table; "
            f"table = word_table({LANGS!r}, 'small'); "
            "print(table.lookup('città')[0][1] > 0, 'wordfreq' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "NEWSMON_CACHE_DIR": str(cache)},
                         capture_output=True, text=True, check=True).stdout
    assert out == "True False\n"
