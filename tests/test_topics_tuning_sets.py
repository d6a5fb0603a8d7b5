"""Quality floors on the tuning sets of issue #22's later rounds (real Russia–DPRK items, all
`tune`, each collected before the round that tuned on it): topics_dev3.jsonl (2024–26, second
round), topics_dev4.jsonl (176 items of 2025–26 in 26 languages, third round), topics_dev5.jsonl
(155 items of 2024–26 in 22 languages, fourth round), topics_dev6.jsonl (44 English items of
2024–26, fifth round), topics_dev7.jsonl (60 English items of 2024–26, sixth round) and
topics_dev8.jsonl (29 English items of 2024–26, collected to check the sixth round) and
topics_dev9.jsonl (53 English titles and ledes of regional and state media, 2024–26, seventh round)
topics_dev10.jsonl (85 English items of other sources and shapes, 2024–26, eighth round) and
topics_dev11.jsonl (116 items of 2024–26 in 35 languages, most of them thin in the earlier sets),
topics_dev12.jsonl (113 items in 12 Asian and Middle-Eastern languages) and topics_dev13.jsonl
(126 items in 15 European languages), both collected after the dev11 round to check it, and
topics_dev14.jsonl (82 English items of official texts, sanctions digests and trade press) and
topics_dev15.jsonl (135 items of the hardest kinds in 17 main languages, not English) and
topics_dev16.jsonl (62 English items on trade, transport, culture, health, education and sport) and
topics_dev17.jsonl (116 items of the same kinds in 17 other languages) and topics_dev18.jsonl (65
English items of 2025–26 in aggregator shapes: datelines, quotes, very short titles) and
topics_dev19.jsonl (113 Korean, Japanese, Chinese, Russian and Ukrainian items of 2025–26) and
topics_dev21.jsonl (180 items in 32 languages, 60% hard near-misses) and topics_dev22.jsonl (132
items in 22 languages, near-misses and the languages weakest on dev20's held-out half)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmon.topics.match import load_topic_rules, match_topics

ROOT = Path(__file__).resolve().parents[1]
FLOOR = {"precision": 0.95, "recall": 0.95, "f1": 0.95}
# A set whose measured value is under the common floor keeps its own, just under what it measures:
# the test guards against a regression, and the .md of the set names the misses left.
OWN_FLOOR = {"topics_dev16.jsonl": {"recall": 0.94},  # 33/35: a doubtful label, an expert's reading
             # Near-miss sets whose doubtful labels disagree with earlier sets' (POW talks, the
             # parade's guests); their .md files list them.
             "topics_dev21.jsonl": {"precision": 0.86, "f1": 0.91},
             "topics_dev22.jsonl": {"precision": 0.93, "f1": 0.95}}


@pytest.mark.parametrize("name", [
    "topics_dev3.jsonl",  # measured 0.986 / 1.000 / 0.993 (fourth round)
    "topics_dev4.jsonl",  # measured 0.978 / 1.000 / 0.989
    "topics_dev5.jsonl",  # measured 0.988 / 0.988 / 0.988; 0.965 / 0.976 / 0.971 before its round
    "topics_dev6.jsonl",  # measured 1.000 / 1.000 / 1.000; 0.971 / 1.000 / 0.986 before its round
    "topics_dev7.jsonl",  # measured 1.000 / 1.000 / 1.000; 1.000 / 0.973 / 0.986 before its round
    "topics_dev8.jsonl",  # measured 1.000 / 1.000 / 1.000; 1.000 / 0.947 / 0.973 before its fix
    "topics_dev9.jsonl",  # measured 1.000 / 0.971 / 0.985; 0.970 / 0.941 / 0.955 before its round
    "topics_dev10.jsonl",  # measured 1.000 / 1.000 / 1.000 before any rule of its round
    "topics_dev11.jsonl",  # measured 1.000 / 1.000 / 1.000; 0.954 / 0.925 / 0.939 before its round
    "topics_dev12.jsonl",  # measured 1.000 / 1.000 / 1.000; 1.000 / 0.967 / 0.983 before its round
    "topics_dev13.jsonl",  # measured 0.986 / 1.000 / 0.993; 0.986 / 0.986 / 0.986 before its round
    "topics_dev14.jsonl",  # measured 0.980 / 0.980 / 0.980; 0.959 / 0.959 / 0.959 before its round
    "topics_dev15.jsonl",  # measured 1.000 / 1.000 / 1.000; 1.000 / 0.986 / 0.993 before its round
    "topics_dev16.jsonl",  # measured 1.000 / 0.943 / 0.971; 1.000 / 0.886 / 0.939 before its round
    "topics_dev17.jsonl",  # measured 1.000 / 0.985 / 0.993; 0.985 / 0.985 / 0.985 before its round
    "topics_dev18.jsonl",  # measured 0.973 / 1.000 / 0.986; 0.946 / 0.972 / 0.959 before its round
    "topics_dev19.jsonl",  # measured 1.000 / 0.983 / 0.991; 0.983 / 0.966 / 0.974 before its round
    "topics_dev21.jsonl",  # measured 0.878 / 0.973 / 0.923; 0.732 / 0.959 / 0.830 before its round
    "topics_dev22.jsonl",  # measured 0.951 / 0.983 / 0.967; 0.833 / 0.932 / 0.880 before its round
    "topics_dev24.jsonl",  # measured 0.981 / 0.964 / 0.972; parts 0.941 and 0.977 before its round
    "topics_dev25.jsonl",  # measured 1.000 / 1.000 / 1.000; 1.000 / 0.952 / 0.976 before its round
    "topics_dev27.jsonl",  # measured 0.988 / 0.965 / 0.976; parts 0.947, 0.939 and 0.931 before its round
    "topics_dev28.jsonl",  # measured 1.000 / 0.978 / 0.989 before any rule of its round
    "topics_dev30.jsonl",  # measured 0.971 / 0.985 / 0.978; 0.971 / 0.971 / 0.971 before its round
    "topics_dev31.jsonl",  # measured 1.000 / 0.987 / 0.993; 1.000 / 0.973 / 0.986 before its round
])
def test_tuning_set_quality_floor(name):
    rules = load_topic_rules(ROOT / "seeds")
    tp = fp = fn = 0
    for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        hits = match_topics(item["title"], item["text"], rules, item.get("feed_side"))
        guess = any(h.topic == "russia_dprk" and h.is_match for h in hits)
        tp += guess and item["label"]
        fp += guess and not item["label"]
        fn += item["label"] and not guess
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    floor = {**FLOOR, **OWN_FLOOR.get(name, {})}
    assert precision >= floor["precision"]
    assert recall >= floor["recall"]
    assert 2 * precision * recall / (precision + recall) >= floor["f1"]
