"""The built copy of the topic rules on disk (newsmon/topics/rules_cache.py): read back equal, never
stale after a seed changes, and never in the way when it cannot be written or is damaged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsmon.topics.match import load_topic_rules, match_topics
from newsmon.topics.rules_cache import rules_key

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    out = tmp_path / "seeds"
    shutil.copytree(SEEDS, out)
    return out


def _matches(rules, title: str) -> bool:
    return any(h.is_match for h in match_topics(title, "", rules) if h.topic == "russia_dprk")


def test_the_copy_reads_back_as_the_rules_it_was_built_from(seeds, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSMON_CACHE_DIR", str(tmp_path / "cache"))
    built = load_topic_rules(seeds)
    copies = list((tmp_path / "cache" / "topic_rules").glob("*.pickle"))
    assert len(copies) == 1
    read = load_topic_rules(seeds)
    assert read is not built and read == built
    assert _matches(read, "Lavrov meets Choe Son Hui in Wonsan")


def test_a_changed_seed_is_never_read_from_a_stale_copy(seeds, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSMON_CACHE_DIR", str(tmp_path / "cache"))
    title = "Zorblax and Pyongyang sign a treaty"  # a made-up name for Russia, added below
    before = rules_key(seeds)
    assert not _matches(load_topic_rules(seeds), title)
    with (seeds / "topic_terms.csv").open("a", encoding="utf-8") as out:
        out.write("en-9999,russia_dprk,side:russia,en,word,zorblax,1,\n")
    assert rules_key(seeds) != before
    assert _matches(load_topic_rules(seeds), title)


def test_an_unwritable_or_damaged_cache_only_means_building_again(seeds, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be")
    monkeypatch.setenv("NEWSMON_CACHE_DIR", str(blocked))
    assert _matches(load_topic_rules(seeds), "Lavrov meets Choe Son Hui in Wonsan")

    monkeypatch.setenv("NEWSMON_CACHE_DIR", str(tmp_path / "cache"))
    load_topic_rules(seeds)
    (copy,) = (tmp_path / "cache" / "topic_rules").glob("*.pickle")
    copy.write_bytes(b"not a pickle")
    assert _matches(load_topic_rules(seeds), "Lavrov meets Choe Son Hui in Wonsan")
