"""Full-text quality: extraction overlap on tests/fixtures/pages, tagging on full bodies.

    uv run python -m bench.eval_fulltext [--errors] [--time]

Extraction: for each article page, the character-level overlap of the extracted text with the
hand-marked one (recall: share of the marked text found; precision: share of the extracted text
that is marked), by difflib's matching blocks over the paragraphs after the headline; wall
pages: the detected kind. Tagging: precision and recall on tests/data/fulltext_dev.jsonl (tune and
held-out) of the body tags (newsmon.fulltext.tagging: per paragraph) against the teaser-only tags
(title + teaser, what a feed gives) and the whole body at once. --time: per-page extraction cost.
"""

from __future__ import annotations

import argparse
import difflib
import json
import time
from pathlib import Path

from newsmon.fulltext.extract import extract_page
from newsmon.fulltext.tagging import tag_body
from newsmon.fulltext.walls import detect_wall
from newsmon.paths import SEEDS_DIR
from newsmon.topics.match import load_topic_rules, match_topics

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "fixtures" / "pages"
DEV = ROOT / "tests" / "data" / "fulltext_dev.jsonl"


def overlap(expected: str, got: str) -> tuple[float, float]:
    """(recall, precision) of characters, over the marked paragraphs after the headline."""
    marked = "\n".join(line.strip() for line in expected.splitlines()[1:] if line.strip())
    blocks = difflib.SequenceMatcher(None, marked, got, autojunk=False).get_matching_blocks()
    common = sum(b.size for b in blocks)
    return common / max(1, len(marked)), common / max(1, len(got))


def eval_pages(timed: bool = False) -> list[dict]:
    out = []
    for page in json.loads((PAGES / "pages.json").read_text(encoding="utf-8")):
        raw = (PAGES / page["file"]).read_bytes()
        started = time.perf_counter()
        text = extract_page(raw)
        wall = detect_wall(text.html, text.text, raw)
        seconds = time.perf_counter() - started
        row = {"file": page["file"], "kind": page["kind"], "detected": wall or "article", "ms": seconds * 1000}
        if page["expected"]:
            row["recall"], row["precision"] = overlap((PAGES / page["expected"]).read_text(encoding="utf-8"),
                                                      text.text)
        out.append(row)
    if timed:  # warm: the first page pays for imports and caches
        for row in out:
            raw = (PAGES / row["file"]).read_bytes()
            started = time.perf_counter()
            for _ in range(5):
                text = extract_page(raw)
                detect_wall(text.html, text.text, raw)
            row["ms"] = (time.perf_counter() - started) / 5 * 1000
    return out


def eval_tagging(errors: bool = False) -> dict:
    rules = load_topic_rules(SEEDS_DIR)
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    methods = {
        "teaser": lambda r: any(h.is_match for h in match_topics(r["title"], r["teaser"], rules, lang=r["lang"])),
        "whole_body": lambda r: any(h.is_match for h in match_topics(r["title"], r["teaser"] + "\n" + r["body"], rules,
                                                                      lang=r["lang"])),
        "body": lambda r: tag_body(r["title"], r["teaser"], r["body"].replace("\n\n", "\n"), rules,
                                   lang=r["lang"]).body_match,
    }
    out: dict = {}
    for name, predict in methods.items():
        for split in ("tune", "heldout", "all"):
            tp = fp = fn = 0
            wrong = []
            for r in rows:
                if split != "all" and r["split"] != split:
                    continue
                said = predict(r)
                tp, fp, fn = tp + (said and r["label"]), fp + (said and not r["label"]), fn + (not said and r["label"])
                if said != r["label"]:
                    wrong.append(r["id"])
            out[(name, split)] = {"P": tp / (tp + fp) if tp + fp else 1.0, "R": tp / (tp + fn) if tp + fn else 1.0,
                                  "n": sum(1 for r in rows if split == "all" or r["split"] == split),
                                  "errors": wrong if errors else []}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--time", action="store_true")
    args = parser.parse_args()
    print("extraction (character overlap with the hand-marked text):")
    for row in eval_pages(args.time):
        figures = f"recall {row['recall']:.3f}  precision {row['precision']:.3f}" if "recall" in row else ""
        print(f"  {row['file']:38} {row['kind']:8} -> {row['detected']:8} {figures}  {row['ms']:.1f} ms")
    print("tagging on full bodies (tests/data/fulltext_dev.jsonl):")
    for (name, split), r in eval_tagging(args.errors).items():
        print(f"  {name:10} {split:8} n={r['n']:2}  P {r['P']:.3f}  R {r['R']:.3f}  {' '.join(r['errors'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
