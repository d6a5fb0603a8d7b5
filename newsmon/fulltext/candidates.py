"""Which articles get their page fetched this run (sql/statements/fulltext_candidates.sql), within
the run's budget: at most `pages`, at most `per_host_pages` of one host, newest first. What is left
stays without an article_texts row and is picked by a later run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from newsmon.db import registered, sql
from newsmon.feed_options import resolve_user_agent
from newsmon.fulltext.config import FulltextBudget
from newsmon.records import Feed, FetchRequest

# Rows read per page of budget: room for the ones a host's cap or robots.txt leaves out.
OVERSELECT = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    article_id: str
    url: str
    request_feed_id: str  # the feed whose User-Agent and headers the request carries
    title: str
    teaser: str
    lang: str | None
    side: str | None  # the article's feed's declared side
    etag: str | None = None  # validators of a page fetched before (conditional GET)
    last_modified: str | None = None
    attempts: int = 0

    def request(self, feeds: Mapping[str, Feed]) -> FetchRequest:
        feed = feeds.get(self.request_feed_id)
        return FetchRequest(feed_id=self.article_id, url=self.url, etag=self.etag, last_modified=self.last_modified,
                            user_agent=resolve_user_agent(feed.user_agent) if feed else None,
                            headers=feed.headers if feed else ())


def select_candidates(con: duckdb.DuckDBPyConnection, feeds: Mapping[str, Feed], now: datetime,
                      budget: FulltextBudget) -> list[Candidate]:
    asked = pa.table({"feed_id": pa.array([f.feed_id for f in feeds.values() if f.fulltext], pa.string())})
    params = {"since": now - timedelta(days=budget.max_age_days), "now": now, "limit": budget.pages * OVERSELECT}
    with registered(con, fulltext_feeds=asked):
        rows = con.execute(sql("statements/fulltext_candidates"), params).fetchall()
    found = [Candidate(article_id=r[0], url=r[1], request_feed_id=r[2], title=r[3], teaser=r[4], lang=r[5], side=r[6],
                       etag=r[10], last_modified=r[11], attempts=r[12]) for r in rows]
    return within_budget(found, budget.pages, budget.per_host_pages)


def within_budget(candidates: Sequence[Candidate], pages: int, per_host: int) -> list[Candidate]:
    """The first `pages` candidates, at most `per_host` of one host (order kept)."""
    taken: list[Candidate] = []
    per: dict[str, int] = {}
    for candidate in candidates:
        host = host_of(candidate.url)
        if per.get(host, 0) >= per_host:
            continue
        per[host] = per.get(host, 0) + 1
        taken.append(candidate)
        if len(taken) >= pages:
            break
    return taken


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""
