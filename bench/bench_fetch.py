"""Fetch throughput against a slow loopback server, with the default politeness settings.

500 feeds spread over 50 loopback addresses (127.0.0.1..127.0.0.50 act as 50 hosts), each
answering after 200 ms. Reports wall time against the sequential time (computed, not run),
the most concurrent requests any one host saw (server-measured), then a second run with the
validators from the first, so every answer is a 304, and a third without the per-host start
interval, where the per-host concurrency cap is what limits.

    uv run python -m bench.bench_fetch [--feeds 500] [--hosts 50] [--delay-ms 200]
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from time import monotonic

from newsmon.fetch import FetchSettings, fetch_feeds
from newsmon.records import FetchRequest
from tests.hostile_server import HostileServer


def run(requests: list[FetchRequest], settings: FetchSettings, server: HostileServer, label: str,
        sequential_s: float) -> list:
    before = len(server.requests)
    server.reset_max_in_flight()
    started = monotonic()
    results = fetch_feeds(requests, settings)
    wall = monotonic() - started
    statuses = Counter(r.http_status if r.is_ok else r.error_class for r in results)
    peak = server.max_in_flight
    print(f"{label}: {len(results)} feeds in {wall:.2f} s = {wall / sequential_s:.1%} of sequential "
          f"({sequential_s:.0f} s); requests seen by server {len(server.requests) - before}; outcomes "
          f"{dict(statuses)}; max concurrent per host {max(peak.values())} (limit {settings.per_host_concurrency})")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--delay-ms", type=int, default=200)
    args = parser.parse_args()
    # Loopback needs the private-network override; everything else is the default.
    settings = dataclasses.replace(FetchSettings(), allow_private_networks=True)
    sequential_s = args.feeds * args.delay_ms / 1000
    print(f"settings: concurrency={settings.concurrency} per_host={settings.per_host_concurrency} "
          f"min_interval={settings.per_host_min_interval_s}s; {args.feeds} feeds on {args.hosts} hosts, "
          f"{args.delay_ms} ms per answer")
    with HostileServer(hosts=args.hosts) as server:
        requests = [
            FetchRequest(f"feed-{i}", server.url(f"/feed-delay?ms={args.delay_ms}&feed={i}", host=i % args.hosts))
            for i in range(args.feeds)
        ]
        first = run(requests, settings, server, "cold (200)", sequential_s)
        revalidate = [dataclasses.replace(req, etag=res.etag, last_modified=res.last_modified)
                      for req, res in zip(requests, first, strict=True)]
        run(revalidate, settings, server, "warm (304)", sequential_s)
        # Feeds of one site listed together and no start interval: the per-host cap is what
        # binds here, and it must still hold.
        grouped = sorted(requests, key=lambda r: r.url.split("/")[2])
        unspaced = dataclasses.replace(settings, per_host_min_interval_s=0.0)
        run(grouped, unspaced, server, "cold, grouped by host, min_interval=0", sequential_s)


if __name__ == "__main__":
    main()
