"""Quality floors on the halves of tests/data/topics_dev2.jsonl, topics_dev20.jsonl, topics_dev23.jsonl,
topics_dev26.jsonl and topics_dev29.jsonl (real Russia–DPRK items of 2025–26, collected before tuning;
rules were designed on the `tune` halves only, the held-out halves are only ever scored)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from newsmon.topics.match import load_topic_rules, match_topics

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
# Pinned a little under the measured values (see the closing notes of issue #22): dev2 held-out
# P 1.000 R 0.962, dev20 held-out P 0.940 R 0.975, dev23 held-out P 0.985 R 0.955 (0.970 untuned),
# dev26 held-out P 0.984 R 0.924 (0.983 / 0.894 untuned), dev29 held-out P 0.944 R 0.944 (0.943 / 0.930
# untuned), the tune halves P >= 0.974 R 1.000.
FLOOR = {("topics_dev2.jsonl", "heldout"): {"precision": 0.97, "recall": 0.95, "f1": 0.96},
         ("topics_dev2.jsonl", "tune"): {"precision": 0.97, "recall": 0.97, "f1": 0.97},
         ("topics_dev20.jsonl", "heldout"): {"precision": 0.93, "recall": 0.95, "f1": 0.94},
         ("topics_dev20.jsonl", "tune"): {"precision": 0.97, "recall": 0.97, "f1": 0.97},
         ("topics_dev23.jsonl", "heldout"): {"precision": 0.97, "recall": 0.94, "f1": 0.96},
         ("topics_dev23.jsonl", "tune"): {"precision": 0.97, "recall": 0.97, "f1": 0.97},
         ("topics_dev26.jsonl", "heldout"): {"precision": 0.97, "recall": 0.90, "f1": 0.94},
         ("topics_dev26.jsonl", "tune"): {"precision": 0.97, "recall": 0.97, "f1": 0.97},
         ("topics_dev29.jsonl", "heldout"): {"precision": 0.93, "recall": 0.93, "f1": 0.93},
         ("topics_dev29.jsonl", "tune"): {"precision": 0.96, "recall": 0.97, "f1": 0.97}}


@pytest.mark.parametrize(("name", "split"), sorted(FLOOR))
def test_split_set_quality_floor(name, split):
    rules = load_topic_rules(ROOT / "seeds")
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["split"] != split:
            continue
        hits = match_topics(item["title"], item["text"], rules, item.get("feed_side"))
        guess = any(h.topic == "russia_dprk" and h.is_match for h in hits)
        counts["all"][0] += guess and item["label"]
        counts["all"][1] += guess and not item["label"]
        counts["all"][2] += item["label"] and not guess
    tp, fp, fn = counts["all"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    floor = FLOOR[(name, split)]
    assert precision >= floor["precision"]
    assert recall >= floor["recall"]
    assert 2 * precision * recall / (precision + recall) >= floor["f1"]
