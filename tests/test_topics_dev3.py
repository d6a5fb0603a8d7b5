"""Quality floor on tests/data/topics_dev3.jsonl (real Russia–DPRK items of 2024–26, all `tune`,
collected before the second round of issue #22 and used to generalise the relation rules)."""

from __future__ import annotations

import json
from pathlib import Path

from newsmon.topics.match import load_topic_rules, match_topics

ROOT = Path(__file__).resolve().parents[1]
DEV3 = ROOT / "tests" / "data" / "topics_dev3.jsonl"
FLOOR = {"precision": 0.95, "recall": 0.95, "f1": 0.95}  # measured 0.973 / 1.000 / 0.986 (third round)


def test_dev3_quality_floor():
    rules = load_topic_rules(ROOT / "seeds")
    tp = fp = fn = 0
    for line in DEV3.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        hits = match_topics(item["title"], item["text"], rules, item.get("feed_side"))
        guess = any(h.topic == "russia_dprk" and h.is_match for h in hits)
        tp += guess and item["label"]
        fp += guess and not item["label"]
        fn += item["label"] and not guess
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= FLOOR["precision"]
    assert recall >= FLOOR["recall"]
    assert 2 * precision * recall / (precision + recall) >= FLOOR["f1"]
