"""Pairwise quality of event linking on tests/data/events_dev.jsonl, through the real code path.

    uv run python -m bench.eval_events [--split tune|heldout|both] [--runs one|daily] [--sweep]
    uv run python -m bench.eval_events --cost [--stored 100000]

Each report becomes an article the way a run builds it (articles.build_article: cleaning, language,
topic tags), is written to a real temporary DuckDB file (store.write_articles) and goes through
stories.index.assign_stories and events.link.link_events, in publication order: `--runs one` as
one run that finds every item at once (a backfill: first seen now, placed by publication time),
`--runs daily` as one run per publication day. Pairs of reports are then scored by their `event`
label: precision / recall / F1 over all pairs and over pairs in different languages, per half,
and the near-miss events (near_miss_of) that ended up in one event. Tune on `tune` only.

`--feed title` stores each report as a feed that carries its headline only; `--body lede` then
runs the full-text stage's store side after each run (fulltext.tagging.tag_body, store.replace_topics,
events.body.link_bodies, in one transaction) with the report's lede as the page text, `--body
background` with the lede followed by the ledes of its near-miss event's reports as later paragraphs
(a page recounting the earlier happening: the precision risk). `--part` chooses which part of the
page adds signals (events.body.BODY_PARTS).

`--sweep` re-scores the tune half's decisions over LINK_MIN_SCORE and COST_PER_DAY (the pure
scorer, no DB). `--cost` times linking 1,000 new matching stories into an empty event table and
into one holding --stored stories spread over a year (the stage's own cost at scale), then the
full-text stage's event part (events.body.link_bodies) for 100 of their pages.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsmon import store
from newsmon.articles import Candidate, build_article, entry_hash, topic_rules
from newsmon.db import transaction
from newsmon.events import signals
from newsmon.events.body import BODY_PART, BODY_PARTS, BodyArticle, link_bodies
from newsmon.events.link import link_events
from newsmon.fulltext.tagging import tag_body
from newsmon.paths import SEEDS_DIR
from newsmon.records import Entry, Feed
from newsmon.stories.index import assign_stories, story_items

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "events_dev.jsonl"


def load(path: Path = DEV) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build(item: dict, now: datetime, feed: str = "lede"):
    published = datetime.fromisoformat(item["published_at"]).astimezone(UTC)
    entry = Entry(feed_id=_feed_id(item), url=item.get("url"), guid=item["id"], title_html=item["title"],
                  summary_html=item["text"] if feed == "lede" else "", content_html="", author=None, published_at=min(published, now),
                  feed_language=item["lang"], link=item.get("url"))
    candidate = Candidate(article_id=item["id"], raw_hash=entry_hash(entry), entry=entry, feed_ids=(entry.feed_id,))
    return build_article(candidate, topic_rules(SEEDS_DIR), None, now)


def _feed_id(item: dict) -> str:
    return "dev_" + "".join(ch if ch.isalnum() else "_" for ch in item["outlet"].lower())[:40]


def pages(items: list[dict], body: str) -> dict[str, str]:
    """The page text of each report: its lede, then (`background`) the ledes of its near-miss
    event's reports, those in its language first, as later paragraphs."""
    if body == "none":
        return {}
    by_event = defaultdict(list)
    for i in items:
        by_event[i["event"]].append(i)
    out = {}
    for i in items:
        later = sorted(by_event.get(i.get("near_miss_of") or "", []), key=lambda o: (o["lang"] != i["lang"], o["id"]))
        paragraphs = [i["text"]] + ([o["text"] for o in later[:2]] if body == "background" else [])
        out[i["id"]] = "\n".join(p for p in paragraphs if p)
    return out


def link_dev(items: list[dict], runs: str, db: Path, feed: str = "lede", body: str = "none",
             part: str = BODY_PART) -> dict[str, str]:
    """article id -> event id after running the items through the real stages."""
    texts = pages(items, body)
    rules = topic_rules(SEEDS_DIR)
    con = store.open_store(db)
    try:
        feeds = sorted({_feed_id(i) for i in items})
        store.upsert_feeds(con, [Feed(f, f, f"https://{f}.example/rss") for f in feeds], datetime.now(UTC))
        ordered = sorted(items, key=lambda i: i["published_at"])
        if runs == "one":
            groups = [ordered]
        else:
            by_day = defaultdict(list)
            for i in ordered:
                by_day[i["published_at"][:10]].append(i)
            groups = [by_day[d] for d in sorted(by_day)]
        for n, group in enumerate(groups):
            last = max(datetime.fromisoformat(i["published_at"]) for i in group).astimezone(UTC)
            now = datetime.now(UTC) if runs == "one" else last + timedelta(hours=1)
            built = [build(i, now, feed) for i in group]
            with transaction(con):
                store.write_articles(con, f"dev{n}", now, built, [(a.article_id, a.feed_id) for a in built])
                stories = assign_stories(con, story_items(built, {}), now)
                link_events(con, built, stories, now, SEEDS_DIR)
            if texts:  # the full-text stage, after the run's chunks
                tagged = [BodyArticle(a.article_id, texts[a.article_id],
                                      tag_body(a.title, a.text, texts[a.article_id], rules, lang=a.lang).hits)
                          for a in built if texts.get(a.article_id)]
                with transaction(con):
                    store.replace_topics(con, [(t.article_id, t.hits) for t in tagged], now)
                    link_bodies(con, tagged, now, SEEDS_DIR, part)
        return dict(con.execute("""
            select a.article_id, coalesce(e.event_id, a.story_id)
            from articles as a left join story_event_ids as e on e.story_id = a.story_id""").fetchall())
    finally:
        con.close()


def scores(items: list[dict], event_of: dict[str, str], cross: bool) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(items, 2):
        if cross and a["lang"] == b["lang"]:
            continue
        same, linked = a["event"] == b["event"], event_of[a["id"]] == event_of[b["id"]]
        tp += same and linked
        fp += linked and not same
        fn += same and not linked
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def near_miss_merges(items: list[dict], event_of: dict[str, str]) -> list[tuple[str, str]]:
    labels = defaultdict(set)
    for i in items:
        labels[event_of[i["id"]]].add(i["event"])
    near = {(i["event"], i["near_miss_of"]) for i in items if i.get("near_miss_of")}
    return sorted({(a, b) for group in labels.values() for a in group for b in group if (a, b) in near})


def report(split: str, items: list[dict], event_of: dict[str, str]) -> str:
    (p, r, f), (cp, cr, cf) = scores(items, event_of, False), scores(items, event_of, True)
    merged = near_miss_merges(items, event_of)
    return (f"{split:8} all pairs  P {p:.3f} R {r:.3f} F1 {f:.3f} | cross-language P {cp:.3f} R {cr:.3f} F1 {cf:.3f}"
            f" | near-miss merges: {', '.join('+'.join(m) for m in merged) or 'none'}")


def sweep(items: list[dict]) -> None:
    """The pure scorer over the tune half, single pass in time order (what link.decide does)."""
    terms = signals.event_terms(SEEDS_DIR)
    built = {i["id"]: build(i, datetime.now(UTC)) for i in items}
    sig = {k: signals.story_signals(a.title, a.text, {e.entity for t in a.topics for e in t.evidence
                                                       if e.entity and e.where == "title"}, terms, a.published_at)
           for k, a in built.items()}
    print(" min_score  cost/day   P      R      F1")
    for min_score in (0.75, 1.0, 1.25, 1.5, 2.0):
        for cost in (0.25, 0.5, 1.0):
            event_of: dict[str, str] = {}
            ordered = sorted(items, key=lambda i: i["published_at"])
            for n, i in enumerate(ordered):
                best = None
                for j in ordered[:n]:
                    hours = abs((built[i["id"]].published_at - built[j["id"]].published_at).total_seconds()) / 3600
                    s = signals.pair_score(sig[i["id"]], sig[j["id"]], hours, terms, cost_per_day=cost)
                    if s >= min_score and (best is None or s > best[0]):
                        best = (s, event_of[j["id"]])
                event_of[i["id"]] = best[1] if best else i["id"]
            p, r, f = scores(items, event_of, False)
            chosen = "  <- chosen" if (min_score, cost) == (signals.LINK_MIN_SCORE, signals.COST_PER_DAY) else ""
            print(f"   {min_score:5.2f}    {cost:5.2f}   {p:.3f}  {r:.3f}  {f:.3f}{chosen}")


def cost(stored: int) -> None:
    """Seconds to link 1,000 new matching stories (in one run, at now) into an empty event table and
    into one holding `stored` linked stories spread over the past year (loaded by bulk SQL)."""
    vocabulary = ["lavrov", "choe_son_hui", "shoigu", "wonsan", "kursk", "act_talks", "act_visit",
                  "act_treaty", "act_flight", "act_troops", "putin", "kim_jong_un", "moscow", "pyongyang"]
    now = datetime.now(UTC)
    for label, n in (("empty", 0), (f"{stored:,} stored", stored)):
        with tempfile.TemporaryDirectory() as tmp:
            con = store.open_store(Path(tmp) / "cost.duckdb")
            con.execute("""
                insert into event_stories
                select 'old' || i, 'old' || (i // 4), 'old' || i, 'en',
                       $now - interval 365 days + to_microseconds((i * (31536000000000 // $n))::bigint),
                       list_transform(range(4), lambda k: $vocabulary[(hash(i, k) % 14)::int + 1]),
                       false, null, $now
                from range($n) as t(i)""", {"now": now, "n": max(n, 1), "vocabulary": vocabulary})
            con.execute("checkpoint")
            rng = random.Random(n)
            words = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(3000)]
            items = [{"id": f"new{i}", "event": "", "lang": "en", "outlet": "bench", "url": None,
                      "title": f"Lavrov meets Choe Son Hui in Wonsan: {' '.join(rng.sample(words, 8))}",
                      "text": f"Russian Foreign Minister Sergei Lavrov met North Korea's Choe Son Hui. "
                              f"{' '.join(rng.sample(words, 40))}.",
                      "published_at": (now - timedelta(minutes=i)).isoformat()} for i in range(1000)]
            built = [build(i, now) for i in items]
            with transaction(con):
                store.write_articles(con, "cost", now, built, [(a.article_id, a.feed_id) for a in built])
                stories = assign_stories(con, story_items(built, {}), now)
                started = time.perf_counter()
                link_events(con, built, stories, now, SEEDS_DIR)
                seconds = time.perf_counter() - started
            # the full-text stage's part: the pages of the default budget (100) of them
            rules = topic_rules(SEEDS_DIR)
            pages = [BodyArticle(a.article_id, f"{a.text}\n{a.title}", tag_body(a.title, a.text, a.text, rules).hits)
                     for a in built[:100]]
            with transaction(con):
                started = time.perf_counter()
                body = link_bodies(con, pages, now, SEEDS_DIR)
                body_seconds = time.perf_counter() - started
            linked = con.execute("select count(*) from event_stories where story_id like 'new%'").fetchone()[0]
            con.close()
        print(f"{label:>16}: link_events {seconds:.3f} s for {linked:,} new matching stories; link_bodies"
              f" {body_seconds:.3f} s for {len(pages)} pages ({body.merged} merges)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "heldout", "both"), default="both")
    parser.add_argument("--runs", choices=("one", "daily"), default="one")
    parser.add_argument("--feed", choices=("lede", "title"), default="lede")
    parser.add_argument("--body", choices=("none", "lede", "background"), default="none")
    parser.add_argument("--part", choices=BODY_PARTS, default=BODY_PART)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--cost", action="store_true")
    parser.add_argument("--stored", type=int, default=100_000)
    args = parser.parse_args()
    if args.cost:
        cost(args.stored)
        return
    rows = load()
    if args.sweep:
        sweep([i for i in rows if i["split"] == "tune"])
        return
    for split in (("tune", "heldout") if args.split == "both" else (args.split,)):
        items = [i for i in rows if i["split"] == split]
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            event_of = link_dev(items, args.runs, Path(tmp) / "events.duckdb", args.feed, args.body, args.part)
            print(report(split, items, event_of) + f" ({time.perf_counter() - started:.1f} s, runs: {args.runs},"
                  f" feed: {args.feed}, body: {args.body}{'' if args.body == 'none' else ' ' + args.part})")


if __name__ == "__main__":
    main()
