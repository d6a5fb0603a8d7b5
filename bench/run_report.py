"""The text report of bench/run.py: rates, ratios against the naive pipeline and the targets."""

from __future__ import annotations

import json
from collections.abc import Callable


def format_report(results: dict, args) -> str:
    lines = ["", "=== newsmon bench ==="]
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
        for label in ("rerun_304", "rerun_changed_bytes"):
            run = core["part_result"][label]
            stages = ", ".join(f"{k} {v:.2f}" for k, v in run["stages"].items())
            lines.append(f"  {label}: {run['seconds']:.2f} s = {100 * run['seconds'] / cold['seconds']:.1f}% of cold"
                         f" (new {run['new']}, updated {run['updated']}); {stages}")
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
        for label, note in (("rerun_304", "target < 5%"), ("rerun_changed_bytes", "every feed parsed again")):
            run = p[label]
            lines.append(f"  {label}: {run['seconds']:.2f} s = {100 * run['seconds'] / cold['seconds']:.1f}% of cold "
                         f"(start-up excluded; {note})")
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
