"""Core pipeline throughput on the real feeds of ../shared/corpus/feeds (no network, no Prefect).

Parses every file, then identifies, cleans, detects language and tags every entry, timing each
stage; prints articles/s overall and per stage. Usage: uv run python -m bench.bench_pipeline [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from newsmon import articles
from newsmon.paths import SEEDS_DIR
from newsmon.records import FetchResult
from newsmon.topics.match import load_topic_rules

ROOT = Path(__file__).resolve().parents[1]

CORPUS = ROOT.parent / "shared" / "corpus" / "feeds"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus (best is reported)")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} not found")
        return 0
    now = datetime.now(UTC)
    results = [
        FetchResult(feed_id=p.stem, url=f"https://corpus.example/{p.parent.name}/{p.name}", fetched_at=now,
                    http_status=200, content=p.read_bytes())
        for p in sorted(CORPUS.rglob("*.xml"))
    ]
    rules = load_topic_rules(SEEDS_DIR)
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        parsed = articles.parse_results(results, {}, 500)
        t1 = time.perf_counter()
        candidates = articles.identify_entries(parsed)
        t2 = time.perf_counter()
        articles.build_articles(candidates, rules, {}, now)
        t3 = time.perf_counter()
        for name, seconds in (("parse", t1 - t0), ("identify", t2 - t1), ("clean+language+tag", t3 - t2),
                              ("total", t3 - t0)):
            best[name] = min(best.get(name, float("inf")), seconds)
    n = len(articles)
    print(f"{len(results)} feed files, {n} articles, best of {args.repeat} passes")
    for name, seconds in best.items():
        print(f"  {name:20} {seconds * 1000:8.1f} ms   {n / seconds:10.0f} articles/s")
    langs: dict[str, int] = {}
    for article in articles:
        langs[article.lang] = langs.get(article.lang, 0) + 1
    print("  languages:", ", ".join(f"{k} {v}" for k, v in sorted(langs.items(), key=lambda kv: -kv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
