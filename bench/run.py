"""End-to-end throughput: newsmon's ingest against a naive pipeline, on one generated corpus.

    uv run python -m bench.run [--feeds 1000 --items 50] [--dprk-share 0.03] [--naive-limit N] [--parts ...]
                               [--no-reruns] [--shared]

The corpus (bench/corpus.py) is served from a loopback HTTP server in this process; every
measured pipeline runs in its own child process (so start-up and peak memory are its own),
and the peak RSS of that child's whole process tree (spawned build workers and Prefect's
ephemeral server included) is sampled from /proc. Parts:

  core     our pipeline without Prefect: the flow's stages called in the flow's order, timed
           per stage (the events stage, and the full-text stage's fetch and extraction per page);
           then re-runs (nothing new): files unchanged (the server answers 304), files rewritten
           with the same items (every feed parsed again, every entry known), and files unchanged
           once the full-text backlog is drained (the cold run's page budget leaves candidates
           for later runs: the first re-run fetches some of them; a store whose runs keep up has
           none, so that re-run is the cost of "nothing new" alone)
  prefect  the same through the real flow (flows.ingest.ingest_feeds), Prefect start-up included
  naive    bench/naive.py on the first --naive-limit entries (default 12,500, the issue's reference
           size). It is not linear: its recent-titles query scans the whole table per item, so it
           runs at ~114 articles/s on 5,000 entries and ~75/s on 12,500 here; a smaller subset flatters it
  scale    ~1,000 new entries into a database holding --stored articles vs an empty one (three
           corpora, runs interleaved; their article pages served too), the median per stage; the
           stored articles match the topic at --dprk-share too (the same feeds' history)
  rss      peak RSS of one run over --rss-articles articles through the Prefect flow
  dask     the core part's cold run with `--executor dask://...`: parsing and building on a
           distributed.LocalCluster of 2 worker processes (1 thread each, on 127.0.0.1) that this
           process starts before the part, as a running cluster would be (its workers are outside
           the measured process tree); compare its seconds with the core part's cold run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.run_servers import dask_cluster, dask_line, start_prefect_server
from bench.run_steps import drain_fulltext, run_core, store_counts, touch_feeds

ROOT = Path(__file__).resolve().parents[1]
SHARED_FEEDS = ROOT.parent / "shared" / "corpus" / "feeds"
PARTS = ("core", "prefect", "naive", "scale", "rss", "dask")
PREFECT_PARTS = ("prefect", "rss")


# --- parts (each runs in its own child process) -----------------------------------------------------


def part_core(config: dict) -> dict:
    out: dict = {}
    for label, prepare in _runs(config):
        if prepare:
            out[f"{label}_prepared"] = prepare(config, label)
        timings: dict[str, float] = {}
        fulltext: dict = {}
        started = time.perf_counter()
        summary = run_core(Path(config["feeds_csv"]), Path(config["db"]), timings, fulltext)
        out[label] = {"seconds": time.perf_counter() - started, "stages": timings, "fulltext": fulltext,
                      **_counts(summary)}
        if label == "cold":
            out["cold"]["store"] = store_counts(Path(config["db"]))
    return out


def part_dask(config: dict) -> dict:
    os.environ["NEWSMON_EXECUTOR"] = config["executor"]
    return part_core({**config, "rerun": False})


def part_prefect_home(config: dict) -> dict:
    """A first flow run in a fresh PREFECT_HOME migrates Prefect's database (~10 s more); a user's
    daily runs find it migrated, so the measured parts run after this one has done it."""
    from prefect import flow

    @flow(name="bench-migrate")
    def noop() -> int:
        return 0

    started = time.perf_counter()
    noop()
    return {"seconds": time.perf_counter() - started}


def part_prefect(config: dict) -> dict:
    """As `newsmon run` does it (cli._run_flow): read the registry, start Prefect's temporary server
    (unless a server is configured), import Prefect, then run the flow (whose run starts its worker
    pool ahead of the fetch when its feeds were never parsed before). Start-up is the time until
    the flow's body begins (the run's started_at); the cold flow is the rest."""
    started_wall, started = datetime.now(UTC), time.perf_counter()
    from newsmon.feeds import read_feeds_csv

    read_feeds_csv(Path(config["feeds_csv"]))
    from flows import temporary_server
    from newsmon.prefect_server import start_early

    early = start_early()  # a no-op when the bench runs a persistent server
    from flows.ingest import run_once

    adopted = temporary_server.adopt(early)
    out: dict = {}
    for label, prepare in _runs(config):
        if prepare:
            out[f"{label}_prepared"] = prepare(config, label)
        t0 = time.perf_counter()
        summary = run_once(feeds_csv=config["feeds_csv"], db_path=config["db"], temporary_server=adopted)
        seconds = time.perf_counter() - t0
        if label == "cold":  # this call also started Prefect
            out["startup_seconds"] = (summary.started_at - started_wall).total_seconds()
            seconds = time.perf_counter() - started - out["startup_seconds"]
        out[label] = {"seconds": seconds, **_counts(summary)}
    return out


def _runs(config: dict) -> list[tuple[str, Callable[[dict, str], dict | None] | None]]:
    """The cold run, then (when the corpus is ours to rewrite) the kinds of re-run: nothing new
    (304s), every feed rewritten with the same items, and nothing new once the full-text backlog is
    drained. Each prepare step gets the part's config and the run's label."""
    if not config.get("rerun", True) or not config.get("corpus_dir"):
        return [("cold", None)]
    return [("cold", None), ("rerun_304", None),
            ("rerun_changed_bytes", lambda c, label: touch_feeds(Path(c["corpus_dir"]), label)),
            ("rerun_304_drained", lambda c, _: drain_fulltext(Path(c["feeds_csv"]), Path(c["db"])))]


def part_naive(config: dict) -> dict:
    from bench.naive import run_naive
    from newsmon.feeds import read_feeds_csv

    feeds = [(f.feed_id, f.url) for f in read_feeds_csv(Path(config["feeds_csv"]))]
    stats = run_naive(feeds, Path(config["db"]), config.get("limit"))
    return {"seconds": stats.seconds, "entries": stats.entries, "stored": stats.stored, "feeds": stats.feeds}


def part_scale(config: dict) -> dict:
    """Time runs of ~1,000 new entries each into an empty database and into a large one."""
    out: dict = {}
    started = time.perf_counter()
    from bench.large_store import build_large_store

    build_large_store(Path(config["large_db"]), config["stored"], config["match_share"])
    out["build_seconds"] = time.perf_counter() - started
    out["large_db_mb"] = Path(config["large_db"]).stat().st_size / 1e6
    out["empty"], out["large"] = [], []
    # Interleaved, so load from other processes on the machine hits both sides alike, and in
    # alternating order (empty first, then large first, ...), so a machine that slows down or speeds
    # up during the part does not always favour the side that runs first.
    sides = (("empty", Path(config["empty_db"])), ("large", Path(config["large_db"])))
    for k, csv_path in enumerate(config["new_csvs"]):
        for label, db in (sides if k % 2 == 0 else sides[::-1]):
            timings: dict[str, float] = {}
            fulltext: dict = {}
            t0 = time.perf_counter()
            summary = run_core(Path(csv_path), db, timings, fulltext)
            out[label].append({"seconds": time.perf_counter() - t0, "stages": timings, "fulltext": fulltext,
                               **_counts(summary)})
    return out


def part_rss(config: dict) -> dict:
    out = part_prefect({**config, "rerun": False})
    return {"startup_seconds": out["startup_seconds"], "cold": out["cold"]}


def _counts(summary) -> dict:
    return {"entries": summary.entries_seen, "new": summary.articles_new, "updated": summary.articles_updated,
            "feeds_ok": summary.feeds_ok, "feeds_failed": summary.feeds_failed,
            "not_modified": summary.feeds_not_modified, "matches": summary.matches_new,
            "status": summary.status, "message": summary.message, "warnings": list(summary.warnings)}


def _child_main(part: str, config_json: str) -> None:
    config = json.loads(config_json)
    result = {"part_result": globals()[f"part_{part}"](config)}
    result["self_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("BENCH-RESULT " + json.dumps(result))


# --- orchestration -----------------------------------------------------------------------------------


def run_part(part: str, config: dict, env: dict[str, str], timeout_s: float = 1800) -> dict:
    """Run one part in a child process; returns its result with `tree_peak_rss_mb` and `wall_seconds`."""
    from bench.proc_memory import TreeRssSampler

    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bench.run", "--child", part, json.dumps(config)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    with TreeRssSampler(process.pid) as sampler:
        stdout, stderr = process.communicate(timeout=timeout_s)
    if process.returncode != 0:
        raise RuntimeError(f"part {part} failed ({process.returncode}):\n{stderr[-4000:]}")
    line = next(ln for ln in reversed(stdout.splitlines()) if ln.startswith("BENCH-RESULT "))
    result = json.loads(line.removeprefix("BENCH-RESULT "))
    result["tree_peak_rss_mb"] = sampler.peak_kb / 1024
    result["tree_peak_pss_mb"] = sampler.peak_pss_kb / 1024
    result["wall_seconds"] = time.perf_counter() - started
    return result


def child_env(prefect_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSMON_"))}
    env.update({
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "NEWSMON_ALLOW_PRIVATE_NETWORKS": "1",  # the corpus server is on 127.0.0.1
        "NEWSMON_PER_HOST_INTERVAL": "0",  # ...and it is our own, so no politeness gap
        # Every feed shares the one loopback host; real registries spread over hundreds of hosts.
        "NEWSMON_PER_HOST_CONCURRENCY": "8",
    })
    return env


def corpus_epoch(now: datetime) -> datetime:
    """The corpora's publication times end here: the hour the bench starts in, less two (a
    syndicated copy is published up to 90 minutes after its source, and none may lie in the
    future). New articles are then as recent as a daily run's; a fixed date would turn every run
    into a backfill of older and older items as the calendar moves on."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)


def make_corpus(www: Path, name: str, base: str, feeds: int, items: int, seed: int, first_feed: int = 1,
                dprk_share: float | None = None, epoch: datetime | None = None):
    from bench.corpus import DPRK_SHARE, generate_corpus
    from newsmon.demo import demo_feeds_csv

    info = generate_corpus(www / name, feeds, items, seed=seed, first_feed=first_feed,
                           dprk_share=DPRK_SHARE if dprk_share is None else dprk_share,
                           epoch=epoch or corpus_epoch(datetime.now(UTC)))
    csv_path = demo_feeds_csv(f"{base}/{name}", www.parent / f"{name}.csv", demo_dir=www / name)
    return info, csv_path


def shared_feeds_csv(base: str, out: Path) -> Path:
    lines = ["feed_id,name,url"]
    for path in sorted(SHARED_FEEDS.rglob("*.xml")):
        relative = path.relative_to(SHARED_FEEDS).as_posix()
        feed_id = relative.removesuffix(".xml").replace("/", "_").replace(".", "_").lower()
        lines.append(f"s_{feed_id},{feed_id},{base}/{relative}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=40)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--dprk-share", type=float, default=None,
                        help="share of Russia–DPRK stories in the generated corpora (default bench/corpus.py's 0.15)")
    parser.add_argument("--naive-limit", type=int, default=12_500, help="entries the naive pipeline processes")
    parser.add_argument("--parts", default="core,prefect,naive", help=f"comma list of {', '.join(PARTS)}")
    parser.add_argument("--stored", type=int, default=1_000_000, help="articles in the large DB (scale)")
    parser.add_argument("--rss-articles", type=int, default=100_000, help="articles in the rss part's corpus")
    parser.add_argument("--shared", action="store_true", help="also run core and naive over ../shared/corpus/feeds")
    parser.add_argument("--prefect-server", choices=("ephemeral", "persistent"), default="ephemeral",
                        help="prefect/rss parts: Prefect's temporary server, as `newsmon run` uses it (default), or a "
                             "server that is already running, as `newsmon serve` and a worker use it")
    parser.add_argument("--json", type=Path, help="also write all results here")
    parser.add_argument("--reruns", action=argparse.BooleanOptionalAction, default=True,
                        help="core/prefect: the re-runs after the cold run (--no-reruns: the cold run only)")
    parser.add_argument("--article-pages", action=argparse.BooleanOptionalAction, default=True,
                        help="serve the corpus's article pages from loopback for the fulltext stage (bench/article_pages.py);"
                             " --no-article-pages turns the stage off")
    args = parser.parse_args()
    parts = [p for p in args.parts.split(",") if p]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    from newsmon.demo import serve_directory

    results: dict = {"prefect_server": args.prefect_server, "load_before": os.getloadavg()}
    server = None
    tmp = Path(tempfile.mkdtemp(prefix="newsmon-bench-"))
    try:
        www = tmp / "www"
        www.mkdir()
        env = child_env(tmp / "prefect-home")
        with serve_directory(www) as base:
            t0 = time.perf_counter()
            info, csv_path = make_corpus(www, "main", base, args.feeds, args.items, seed=0,
                                         dprk_share=args.dprk_share)
            print(f"corpus: {info.feeds} feeds x {args.items} items = {info.items} entries, "
                  f"{info.unique_urls} unique URLs, {info.dprk_stories} Russia-DPRK stories "
                  f"(generated in {time.perf_counter() - t0:.1f} s)", flush=True)
            results["corpus"] = {"feeds": info.feeds, "entries": info.items, "unique_urls": info.unique_urls}
            from bench.article_pages import serve_article_pages

            serve_article_pages(www / "main", env, enabled=args.article_pages)
            if set(parts) & set(PREFECT_PARTS):
                results["prefect_home"] = run_part("prefect_home", {}, env)
                if args.prefect_server == "persistent":
                    server = start_prefect_server(tmp / "prefect-home", env)
                    env["PREFECT_API_URL"] = f"http://127.0.0.1:{server.port}/api"
            for part in parts:
                config = _part_config(part, args, tmp, www, base, csv_path, env)
                print(f"... running {part}", flush=True)
                if part == "dask":
                    with dask_cluster() as address:
                        results[part] = run_part(part, {**config, "executor": address}, env)
                else:
                    results[part] = run_part(part, config, env)
            if args.shared and SHARED_FEEDS.is_dir():
                shared_csv = shared_feeds_csv(f"{base}/shared", tmp / "shared.csv")
                os.symlink(SHARED_FEEDS, www / "shared")
                results["shared_core"] = run_part("core", {"feeds_csv": str(shared_csv), "db": str(tmp / "sc.duckdb"),
                                                           "rerun": False}, env)
                results["shared_naive"] = run_part("naive", {"feeds_csv": str(shared_csv),
                                                             "db": str(tmp / "sn.duckdb"), "limit": None}, env)
    finally:
        if server is not None:
            from newsmon.prefect_server import stop_server

            stop_server(server.process)
        shutil.rmtree(tmp, ignore_errors=True)
    from bench.run_report import format_report

    results["load_after"] = os.getloadavg()
    print(format_report(results, args))
    if "dask" in results:
        print(dask_line(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def _part_config(part: str, args, tmp: Path, www: Path, base: str, csv_path: Path, env: dict[str, str]) -> dict:
    common = {"feeds_csv": str(csv_path), "corpus_dir": str(www / "main"), "db": str(tmp / f"{part}.duckdb"),
              "rerun": args.reruns}
    if part == "naive":
        return {**common, "limit": args.naive_limit}
    if part == "scale":
        from bench.article_pages import serve_article_pages
        from bench.corpus import DPRK_SHARE

        new_csvs = []
        for k in range(3):
            new_csvs.append(str(make_corpus(www, f"new{k}", base, 20, 50, seed=100 + k, first_feed=90_000 + 100 * k,
                                            dprk_share=args.dprk_share)[1]))
            serve_article_pages(www / f"new{k}", env, enabled=args.article_pages)  # the candidates' pages
        return {"large_db": str(tmp / "large.duckdb"), "empty_db": str(tmp / "empty.duckdb"),
                "stored": args.stored, "new_csvs": new_csvs,
                "match_share": DPRK_SHARE if args.dprk_share is None else args.dprk_share}
    if part == "rss":
        feeds = max(1, args.rss_articles // 50)
        _, rss_csv = make_corpus(www, "rss", base, feeds, 50, seed=7, first_feed=200_000)
        from bench.article_pages import serve_article_pages

        # its candidates' pages from loopback too (their links name no real host: looking those up
        # would leave the machine, and wait on a resolver)
        serve_article_pages(www / "rss", env, enabled=args.article_pages)
        return {"feeds_csv": str(rss_csv), "corpus_dir": str(www / "rss"), "db": str(tmp / "rss.duckdb")}
    return common


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
