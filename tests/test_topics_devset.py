"""Data checks for the labelled Russia–DPRK development set (tests/data/topics_dev.jsonl).

The set is hand-written evaluation data for the topic tagger, kept independent of the
term lists. These tests guard its shape and balance only; they never run the matcher.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DEVSET_PATH = Path(__file__).resolve().parent / "data" / "topics_dev.jsonl"
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"

REQUIRED_KEYS = {"id", "lang", "title", "text", "label", "subtopics", "kind", "note"}
OPTIONAL_KEYS = {"script"}  # zh only: "Hans" (simplified) or "Hant" (traditional)
SUBTOPICS = {
    "diplomacy",
    "military",
    "economy",
    "transport_tourism",
    "sanctions_un",
    "culture_people",
}
KINDS = {"headline", "lede"}
MIN_PER_LANGUAGE = {
    **dict.fromkeys(["en", "ru", "ko", "ja", "zh", "hi", "ar", "de", "fr", "es"], 20),
    **dict.fromkeys(["uk", "fa", "it", "pt", "tr"], 10),
}
MIN_ITEMS = 360
MIN_LANGUAGES = 14
POSITIVE_SHARE = (0.40, 0.60)
MIN_HARD_NEGATIVE_SHARE = 0.60
HARD_NOTE_PREFIX = "hard near-miss:"
EASY_NOTE_PREFIX = "easy negative:"
ID_PATTERN = re.compile(r"^(?P<lang>[a-z]{2})-(?P<number>\d{3})$")


def read_lines() -> list[str]:
    return DEVSET_PATH.read_text(encoding="utf-8").splitlines()


def load_items() -> list[dict]:
    return [json.loads(line) for line in read_lines()]


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return load_items()


def test_every_line_is_a_json_object_with_the_required_keys():
    lines = read_lines()
    assert lines, "dev set is empty"
    for number, line in enumerate(lines, 1):
        item = json.loads(line)  # a bad line fails here with its position in the message
        assert isinstance(item, dict), f"line {number} is not an object"
        missing = REQUIRED_KEYS - item.keys()
        unknown = item.keys() - REQUIRED_KEYS - OPTIONAL_KEYS
        assert not missing, f"line {number} lacks {sorted(missing)}"
        assert not unknown, f"line {number} has unknown keys {sorted(unknown)}"


def test_ids_are_unique_and_prefixed_with_the_language(items):
    ids = Counter(item["id"] for item in items)
    duplicates = [item_id for item_id, count in ids.items() if count > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for item in items:
        match = ID_PATTERN.match(item["id"])
        assert match, f"malformed id {item['id']!r}"
        assert match["lang"] == item["lang"], f"{item['id']} is tagged lang={item['lang']}"


def test_field_types_and_values(items):
    for item in items:
        item_id = item["id"]
        assert isinstance(item["label"], bool), f"{item_id}: label must be a bool"
        assert isinstance(item["title"], str) and item["title"].strip(), f"{item_id}: empty title"
        assert item["title"] == item["title"].strip(), f"{item_id}: untrimmed title"
        assert isinstance(item["text"], str), f"{item_id}: text must be a string"
        assert isinstance(item["note"], str) and item["note"].strip(), f"{item_id}: empty note"
        assert item["kind"] in KINDS, f"{item_id}: unknown kind {item['kind']!r}"
        # kind describes what the entry carries, so it must agree with the text field
        if item["kind"] == "headline":
            assert item["text"] == "", f"{item_id}: headline items carry no text"
        else:
            assert item["text"].strip(), f"{item_id}: lede items need text"


def test_positives_have_valid_subtopics_and_negatives_have_none(items):
    for item in items:
        subtopics = item["subtopics"]
        assert isinstance(subtopics, list), f"{item['id']}: subtopics must be a list"
        if item["label"]:
            assert 1 <= len(subtopics) <= 3, f"{item['id']}: needs 1-3 subtopics"
            assert len(set(subtopics)) == len(subtopics), f"{item['id']}: repeated subtopic"
            unknown = set(subtopics) - SUBTOPICS
            assert not unknown, f"{item['id']}: unknown subtopics {sorted(unknown)}"
        else:
            assert subtopics == [], f"{item['id']}: negatives carry no subtopics"


def test_every_subtopic_is_exercised(items):
    used = {subtopic for item in items for subtopic in item["subtopics"]}
    assert used == SUBTOPICS


def test_language_coverage_meets_the_minimums(items):
    per_language = Counter(item["lang"] for item in items)
    assert len(items) >= MIN_ITEMS
    assert len(per_language) >= MIN_LANGUAGES, f"only {sorted(per_language)}"
    short = {
        lang: per_language[lang]
        for lang, minimum in MIN_PER_LANGUAGE.items()
        if per_language[lang] < minimum
    }
    assert not short, f"languages below their minimum: {short}"


def test_each_language_has_both_labels(items):
    labels_by_language: dict[str, set[bool]] = {}
    for item in items:
        labels_by_language.setdefault(item["lang"], set()).add(item["label"])
    one_sided = [lang for lang, labels in labels_by_language.items() if labels != {True, False}]
    assert not one_sided, f"languages with a single label: {one_sided}"


def test_chinese_has_both_scripts(items):
    scripts = Counter(item.get("script") for item in items if item["lang"] == "zh")
    assert scripts["Hans"] >= 5 and scripts["Hant"] >= 5, dict(scripts)
    assert all("script" not in item for item in items if item["lang"] != "zh")


def test_labels_are_roughly_balanced(items):
    share = sum(item["label"] for item in items) / len(items)
    low, high = POSITIVE_SHARE
    assert low <= share <= high, f"positive share {share:.2f}"


def test_most_negatives_are_hard_near_misses(items):
    negatives = [item for item in items if not item["label"]]
    for item in negatives:
        assert item["note"].startswith((HARD_NOTE_PREFIX, EASY_NOTE_PREFIX)), (
            f"{item['id']}: negative note must say whether it is hard or easy"
        )
    hard = sum(item["note"].startswith(HARD_NOTE_PREFIX) for item in negatives)
    assert hard / len(negatives) >= MIN_HARD_NEGATIVE_SHARE, f"{hard}/{len(negatives)} hard"


def test_both_kinds_occur_for_both_labels(items):
    combinations = {(item["kind"], item["label"]) for item in items}
    assert combinations == {(kind, label) for kind in KINDS for label in (True, False)}


def test_no_duplicate_titles(items):
    titles = Counter(item["title"].casefold() for item in items)
    repeated = [title for title, count in titles.items() if count > 1]
    assert not repeated, f"repeated titles: {repeated}"


def test_items_do_not_reuse_shared_corpus_sentences(items):
    """The set must be original writing; a verbatim corpus sentence would leak real text."""
    langid_dir = SHARED_DIR / "corpus" / "langid"
    if not langid_dir.is_dir():
        pytest.skip("shared corpus not available")
    texts_by_language: dict[str, str] = {}
    for item in items:
        texts_by_language.setdefault(item["lang"], "")
        texts_by_language[item["lang"]] += "\n" + item["title"] + "\n" + item["text"]
    for lang, texts in texts_by_language.items():
        sample = langid_dir / f"{lang}.txt"
        if not sample.is_file():
            continue
        # short lines are common phrases that may recur by chance; only long ones count
        sentences = {
            line.strip()
            for line in sample.read_text(encoding="utf-8").splitlines()
            if len(line.strip()) >= 30
        }
        reused = [sentence for sentence in sentences if sentence in texts]
        assert not reused, f"{lang}: corpus sentences reused: {reused[:3]}"
