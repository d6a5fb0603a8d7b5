"""The text report of bench/run.py: rates, ratios against the naive pipeline and the targets."""

from __future__ import annotations

import json
from collections.abc import Callable


def format_report(results: dict, args) -> str:
    lines = ["", "=== newsmon bench ==="] + unfinished_runs(results)
    if "load_before" in results:  # the machine may be shared: ratios of one run are what count
        lines.append("load average (1, 5, 15 min) before: " + ", ".join(f"{x:.2f}" for x in results["load_before"])
                     + "; after: " + ", ".join(f"{x:.2f}" for x in results["load_after"]))
    core, prefect, naive = results.get("core"), results.get("prefect"), results.get("naive")
    rate: Callable[[dict, float], float] = lambda r, s: r["new"] / s if s else 0.0  # noqa: E731
    if core:
        cold = core["part_result"]["cold"]
        lines.append(f"core (no Prefect) cold: {cold['new']} new articles from {cold['entries']} entries in "
                     f"{cold['seconds']:.1f} s = {rate(cold, cold['seconds']):.0f} articles/s; "
                     f"tree peak RSS {core['tree_peak_rss_mb']:.0f} MB")
        total = sum(v for k, v in cold["stages"].items() if "." not in k)
        for name, seconds in cold["stages"].items():
            lines.append(f"    {name:16} {seconds:7.2f} s  {100 * seconds / total:5.1f}%")
        lines += events_lines(cold, args) + fulltext_lines(cold.get("fulltext"), "cold")
        for label in ("rerun_304", "rerun_changed_bytes", "rerun_304_drained"):
            if (run := core["part_result"].get(label)) is None:
                continue
            stages = ", ".join(f"{k} {v:.2f}" for k, v in run["stages"].items())
            lines.append(f"  {label}: {run['seconds']:.2f} s = {100 * run['seconds'] / cold['seconds']:.1f}% of cold"
                         f" (new {run['new']}, updated {run['updated']}); {stages}")
            lines += rerun_lines(core["part_result"], label, run, cold["seconds"], run["stages"].get("fulltext"))
    if prefect:
        p = prefect["part_result"]
        cold = p["cold"]
        with_startup = p["startup_seconds"] + cold["seconds"]
        if home := results.get("prefect_home"):
            lines.append(f"prefect home: first flow run in a fresh PREFECT_HOME (migrates its DB) took "
                         f"{home['part_result']['seconds']:.1f} s; the parts below start with it migrated")
        lines.append(f"prefect server: {results.get('prefect_server')}")
        lines.append(f"prefect: start-up {p['startup_seconds']:.1f} s; cold flow {cold['seconds']:.1f} s; "
                     f"cold incl. start-up {with_startup:.1f} s = {rate(cold, with_startup):.0f} articles/s "
                     f"({cold['new']} new); tree peak RSS {prefect['tree_peak_rss_mb']:.0f} MB")
        for label, note in (("rerun_304", "target < 5%"), ("rerun_changed_bytes", "every feed parsed again"),
                            ("rerun_304_drained", "target < 5%; the full-text backlog drained first")):
            if (run := p.get(label)) is None:
                continue
            lines.append(f"  {label}: {run['seconds']:.2f} s = {100 * run['seconds'] / cold['seconds']:.1f}% of cold "
                         f"(start-up excluded; {note})")
            lines += rerun_lines(p, label, run, cold["seconds"], None)
    if naive:
        n = naive["part_result"]
        naive_rate = n["stored"] / n["seconds"]
        lines.append(f"naive: {n['stored']} stored from {n['entries']} entries ({n['feeds']} feeds) in "
                     f"{n['seconds']:.1f} s = {naive_rate:.1f} articles/s, {n['entries'] / n['seconds']:.1f} entries/s;"
                     f" tree peak RSS {naive['tree_peak_rss_mb']:.0f} MB")
        if prefect:
            cold = prefect["part_result"]["cold"]
            ours = rate(cold, prefect["part_result"]["startup_seconds"] + cold["seconds"])
            lines.append(f"  ratio ours (Prefect, start-up incl.) / naive: {ours / naive_rate:.1f}x (target >= 10x)")
        if core:
            cold = core["part_result"]["cold"]
            lines.append(f"  ratio ours (no Prefect) / naive: {rate(cold, cold['seconds']) / naive_rate:.1f}x")
    if scale := results.get("scale"):
        s = scale["part_result"]
        lines.append(f"scale: built {args.stored:,}-article DB in {s['build_seconds']:.0f} s ({s['large_db_mb']:.0f} MB)")
        medians = {}
        for label in ("empty", "large"):
            times = sorted(r["seconds"] for r in s[label])
            medians[label] = times[len(times) // 2]
            detail = "; ".join(", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items()) for r in s[label])
            lines.append(f"  {label}: runs {', '.join(f'{t:.2f}' for t in times)} s (new "
                         f"{', '.join(str(r['new']) for r in s[label])}); stages: {detail}")
        lines.append(f"  ratio large / empty (median): {medians['large'] / medians['empty']:.2f}x (target <= 1.5x)")
        lines += scale_stage_lines(s)
        # The stages that touch the database are the ones that can grow with it; build is CPU-only.
        db_stages = ("prepare", "known_lookup", "store")
        db_time = {label: sorted(sum(r["stages"].get(k, 0.0) for k in db_stages) for r in s[label])
                   for label in ("empty", "large")}
        lines.append(f"  database stages (prepare+known_lookup+store, median): empty {db_time['empty'][1]:.2f} s, "
                     f"large {db_time['large'][1]:.2f} s")
    if rss := results.get("rss"):
        r = rss["part_result"]
        lines.append(f"rss: {r['cold']['new']} new articles from {r['cold']['entries']} entries through Prefect in "
                     f"{r['cold']['seconds']:.0f} s; peak RSS of the flow process {rss['self_maxrss_mb']:.0f} MB "
                     f"(target < 1 GB); whole tree (flow, 2 workers, Prefect's server): summed RSS "
                     f"{rss['tree_peak_rss_mb']:.0f} MB, summed PSS {rss.get('tree_peak_pss_mb', 0):.0f} MB")
    for key in ("shared_core", "shared_naive"):
        if key in results:
            r = results[key]["part_result"]
            r = r.get("cold", r)
            lines.append(f"{key}: {json.dumps(r)[:400]}")
    return "\n".join(lines)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def events_lines(cold: dict, args) -> list[str]:
    """The events stage (a part of store) of the cold run, at the corpus's topic share."""
    from bench.corpus import DPRK_SHARE

    if "store.events" not in cold["stages"]:
        return []
    events = cold["stages"]["store.events"]
    counts = cold.get("store", {})
    share = DPRK_SHARE if args.dprk_share is None else args.dprk_share
    return [f"  events stage at {share:.0%} topic share: {events:.2f} s = {100 * events / cold['seconds']:.1f}% of "
            f"the cold run ({counts.get('event_stories', '?')} matching stories linked into "
            f"{counts.get('events', '?')} events; {cold['matches']} new topic matches)"]


def fulltext_lines(fulltext: dict | None, label: str) -> list[str]:
    """The full-text stage of one run: pages, and the fetch and extraction cost per page."""
    if not fulltext or fulltext.get("failure"):
        return [f"  full text ({label}): failed: {fulltext['failure']}"] if fulltext else []
    pages = fulltext["pages"]
    if not pages:
        return [f"  full text ({label}): {fulltext['candidates']} candidates, no page tried, {fulltext['seconds']:.2f} s"]
    fetch, extract = fulltext["fetch_seconds"], fulltext["extract_seconds"]
    statuses = ", ".join(f"{n} {k}" for k, n in fulltext["statuses"].items())
    return [f"  full text ({label}): {pages} pages of {fulltext['candidates']} candidates ({statuses}; "
            f"{fulltext['deferred']} deferred); per page: fetch {1000 * fetch / pages:.1f} ms (wall, 8 at once on one "
            f"loopback host) + extraction, walls and tagging {1000 * extract / pages:.1f} ms (wall, on the workers when running) = "
            f"{1000 * (fetch + extract) / pages:.1f} ms; stage {fulltext['seconds']:.2f} s in all"]


def rerun_lines(part: dict, label: str, run: dict, cold_seconds: float, fulltext_stage: float | None) -> list[str]:
    """A re-run with nothing new, both ways: with the full-text backlog the cold run's page budget
    left (rerun_304), and without it (its stage's time taken out; rerun_304_drained measures it)."""
    out = []
    if label == "rerun_304" and fulltext_stage is not None:
        rest = run["seconds"] - fulltext_stage
        out.append(f"    without its full-text stage ({fulltext_stage:.2f} s on the backlog): {rest:.2f} s = "
                   f"{100 * rest / cold_seconds:.1f}% of cold")
        out += fulltext_lines(run.get("fulltext"), label)
    if label == "rerun_304_drained" and (drained := part.get("rerun_304_drained_prepared")):
        out.append(f"    before it, the backlog drained: {drained['pages']} pages of {drained['candidates']} candidates "
                   f"in {drained['seconds']:.1f} s (not timed)")
    return out


def scale_stage_lines(scale: dict) -> list[str]:
    """Median seconds per stage, empty vs large, and the full-text pages each side fetched."""
    names = list(dict.fromkeys(k for label in ("empty", "large") for r in scale[label] for k in r["stages"]))
    lines = ["  stage medians (s): " + "; ".join(
        f"{name} {_median([r['stages'].get(name, 0.0) for r in scale['empty']]):.3f} -> "
        f"{_median([r['stages'].get(name, 0.0) for r in scale['large']]):.3f}" for name in names)]
    growth = sorted(((_median([r["stages"].get(n, 0.0) for r in scale["large"]])
                      - _median([r["stages"].get(n, 0.0) for r in scale["empty"]]), n) for n in names), reverse=True)
    lines.append("  grew most (median large - median empty): "
                 + ", ".join(f"{name} {delta:+.2f} s" for delta, name in growth[:6]))
    for label, leave_out in (("without the read-only copy", ("publish.read_copy",)),
                             ("without the read-only copy and the full-text stage", ("publish.read_copy", "fulltext"))):
        medians = [_median([r["seconds"] - sum(r["stages"].get(k, 0.0) for k in leave_out) for r in scale[side]])
                   for side in ("empty", "large")]
        lines.append(f"  ratio {label}: {medians[1]:.2f} s / {medians[0]:.2f} s = "
                     f"{medians[1] / medians[0]:.2f}x")
    for label in ("empty", "large"):
        pages = [r.get("fulltext", {}).get("pages", 0) for r in scale[label]]
        lines.append(f"  full text ({label}): pages {', '.join(map(str, pages))}; candidates "
                     f"{', '.join(str(r.get('fulltext', {}).get('candidates', 0)) for r in scale[label])}")
    return lines


def unfinished_runs(results: dict) -> list[str]:
    """A run that failed or was degraded is said first: its figures measure something else."""
    out = []
    for part, result in results.items():
        if not isinstance(result, dict) or not isinstance(result.get("part_result"), dict):
            continue
        runs = result["part_result"]
        for label, run in [(k, v) for k, v in runs.items() if isinstance(v, dict)] + \
                [(f"{k}[{i}]", v) for k, vs in runs.items() if isinstance(vs, list) for i, v in enumerate(vs)]:
            if run.get("status") not in (None, "completed"):
                said = "; ".join(filter(None, [run.get("message"), *run.get("warnings", [])]))
                out.append(f"!! {part} {label}: {run['status']}: {said[:600]}")
    return out
