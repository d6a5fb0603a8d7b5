"""Pairwise quality of story clustering on tests/data/story_pairs.jsonl.

Prints precision/recall/F1 of the copy decision over a threshold sweep (Jaccard, then containment),
the estimated-Jaccard ranges of true and false pairs, and the precision of cross-language event
linking over shared specific entities, and the same-story pairs the copy rules miss with whether
the event linker (events.signals.pair_score on title + lede) joins them anyway: what story
clustering on the article's page could still add (fulltext/stage.py records the decision).
Run: uv run python -m bench.eval_stories
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from functools import cache
from pathlib import Path

from newsmon.events import signals
from newsmon.paths import SEEDS_DIR
from newsmon.stories import cluster as stories
from newsmon.stories.cluster import Fingerprint, copy_score, estimate_jaccard, fingerprint

ROOT = Path(__file__).resolve().parents[1]

PAIRS = ROOT / "tests" / "data" / "story_pairs.jsonl"


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def is_candidate(a: Fingerprint, b: Fingerprint) -> bool:
    """What the index can find: a shared LSH bucket or an equal title key."""
    if a.title_key is not None and a.title_key == b.title_key:
        return True
    return any(x == y for x, y in zip(a.bands, b.bands))


def predict_copy(a: Fingerprint, b: Fingerprint, **thresholds: float) -> bool:
    return is_candidate(a, b) and copy_score(a, b, **thresholds) > 0


def prf(predicted: list[bool], actual: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and a for p, a in zip(predicted, actual))
    fp = sum(p and not a for p, a in zip(predicted, actual))
    fn = sum(a and not p for p, a in zip(predicted, actual))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@cache
def _fingerprint(title: str, text: str) -> Fingerprint:
    return fingerprint(title, text)


def story_scores(pairs: list[dict], **thresholds: float) -> tuple[float, float, float]:
    predicted, actual = [], []
    for pair in pairs:
        a, b = (_fingerprint(pair[k]["title"], pair[k]["text"]) for k in ("a", "b"))
        predicted.append(predict_copy(a, b, **thresholds))
        actual.append(pair["same_story"])
    return prf(predicted, actual)


def generic_entities(items: list[dict], share: float, min_stories: int) -> set[str]:
    """Entities carried by too many of the window's items to identify one event."""
    df = Counter(e for item in items for e in set(item["entities"]))
    limit = max(min_stories, share * len(items))
    return {e for e, n in df.items() if n > limit}


def event_scores(pairs: list[dict], min_shared: int, within_hours: float | None = None,
                 share: float = 0.2, min_stories: int = 3) -> tuple[float, float, float, int]:
    items = list({p[k]["id"]: p[k] for p in pairs for k in ("a", "b")}.values())
    generic = generic_entities(items, share, min_stories)
    predicted, actual = [], []
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        if within_hours is not None:
            gap = abs(datetime.fromisoformat(a["published_at"]) - datetime.fromisoformat(b["published_at"]))
            if gap.total_seconds() > within_hours * 3600:
                continue
        shared = (set(a["entities"]) & set(b["entities"])) - generic
        predicted.append(stories.is_same_event(len(shared), min_shared=min_shared))
        actual.append(pair["same_event"])
    return (*prf(predicted, actual), len(actual))


def missed_copies(story_pairs: list[dict]) -> None:
    """Same-story pairs the copy rules miss, and which of them the event linker's pair score joins."""
    from newsmon.topics.match import load_topic_rules, match_topics

    terms, rules = signals.event_terms(SEEDS_DIR), load_topic_rules(SEEDS_DIR)

    def signals_of(item: dict) -> tuple[signals.Signals, datetime]:
        title_ids = {e.entity for h in match_topics(item["title"], item["text"], rules)
                     for e in h.evidence if e.entity and e.where == "title"}
        published = datetime.fromisoformat(item["published_at"])
        return signals.story_signals(item["title"], item["text"], title_ids, terms, published), published

    same = [p for p in story_pairs if p["same_story"]]
    missed = [p for p in same if not predict_copy(*(_fingerprint(p[k]["title"], p[k]["text"]) for k in ("a", "b")))]
    print(f"\nSame-story pairs the copy rules miss: {len(missed)} of {len(same)}")
    joined = 0
    for p in missed:
        (sa, ta), (sb, tb) = signals_of(p["a"]), signals_of(p["b"])
        score = signals.pair_score(sa, sb, abs((ta - tb).total_seconds()) / 3600, terms)
        joined += score >= signals.LINK_MIN_SCORE
        print(f"  {p['a']['id']} / {p['b']['id']}: event pair score {score:.2f} ({p['note'][:60]})")
    print(f"  joined into one event by the event linker: {joined} of {len(missed)}")


def main() -> None:
    pairs = load_pairs()
    story_pairs = [p for p in pairs if p["kind"] == "story"]
    event_pairs = [p for p in pairs if p["kind"] == "event"]
    print(f"story pairs: {len(story_pairs)} ({sum(p['same_story'] for p in story_pairs)} same story), "
          f"languages: {sorted({p['a']['lang'] for p in story_pairs})}")

    jac = {True: [], False: []}
    for p in story_pairs:
        a, b = (_fingerprint(p[k]["title"], p[k]["text"]) for k in ("a", "b"))
        jac[p["same_story"]].append(estimate_jaccard(a.signature, b.signature))
    print(f"estimated Jaccard: copies min {min(jac[True]):.2f} median {sorted(jac[True])[len(jac[True]) // 2]:.2f}; "
          f"distinct reports max {max(jac[False]):.2f}")

    print("\nJaccard threshold sweep (containment rule at its default):")
    print(" jaccard_min  precision  recall     F1")
    for step in range(4, 19):
        t = step / 20
        p, r, f = story_scores(story_pairs, jaccard_min=t)
        mark = "  <- chosen" if abs(t - stories.JACCARD_MIN) < 1e-9 else ""
        print(f"   {t:8.2f}  {p:9.3f}  {r:6.3f}  {f:6.3f}{mark}")
    print("\nContainment threshold sweep (Jaccard at its default):")
    print(" containment_min  precision  recall     F1")
    for step in range(10, 21):
        t = step / 20
        p, r, f = story_scores(story_pairs, containment_min=t)
        mark = "  <- chosen" if abs(t - stories.CONTAINMENT_MIN) < 1e-9 else ""
        print(f"   {t:12.2f}  {p:9.3f}  {r:6.3f}  {f:6.3f}{mark}")

    print(f"\nCross-language event linking ({len(event_pairs)} pairs, "
          f"{sum(p['same_event'] for p in event_pairs)} same event):")
    print(" min_shared  window   pairs  precision  recall     F1")
    for min_shared in (2, 3, 4):
        for hours in (None, 48.0):
            p, r, f, n = event_scores(event_pairs, min_shared, hours)
            label = "any" if hours is None else "48 h"
            print(f"   {min_shared:8d}  {label:>6}  {n:6d}  {p:9.3f}  {r:6.3f}  {f:6.3f}")
    p, *_ = event_scores(event_pairs, stories.EVENT_MIN_SHARED)
    state = "on" if stories.EVENT_LINKING else "off"
    print(f"event linking at min_shared={stories.EVENT_MIN_SHARED}: precision {p:.3f} -> default {state}")
    missed_copies(story_pairs)


if __name__ == "__main__":
    main()
