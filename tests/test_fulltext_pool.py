"""Full-text pages read on the run's worker pool give what reading them in this process gives, in
the same order (fulltext.stage.read_pages through LocalPoolExecutor.read_pages)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsmon.fulltext.candidates import Candidate
from newsmon.fulltext.stage import read_pages
from newsmon.records import FetchResult
from newsmon.run.executor import PAGES_MIN, LocalPoolExecutor

PAGES = Path(__file__).parent / "fixtures" / "pages"
SEEDS = Path(__file__).parent.parent / "seeds"
NOW = datetime(2025, 7, 12, 6, tzinfo=UTC)


def _pages() -> list[tuple[Candidate, FetchResult | None]]:
    # Every fixture page (articles in several scripts, walls, the body naming its second side in
    # paragraph 4), repeated to more than PAGES_MIN pairs, and one robots-disallowed pair (None).
    pairs: list[tuple[Candidate, FetchResult | None]] = []
    files = sorted(PAGES.glob("*.html"))
    while len(pairs) < PAGES_MIN + len(files):
        for page in files:
            n = len(pairs)
            url = f"https://news.example/{n}/{page.name}"
            candidate = Candidate(f"a{n}", url, "f", "Lavrov visits Wonsan", "The minister arrived on Friday.",
                                  "en", None)
            pairs.append((candidate, FetchResult(feed_id=f"a{n}", url=url, fetched_at=NOW, final_url=url,
                                                 http_status=200, content=page.read_bytes(),
                                                 content_type="text/html; charset=utf-8")))
    pairs.append((Candidate("robots", "https://news.example/private", "f", "t", "", "en", None), None))
    return pairs


def test_pages_read_on_the_pool_match_pages_read_here() -> None:
    pages = _pages()
    here = read_pages(pages, str(SEEDS))
    with LocalPoolExecutor(workers=2, seeds_dir=SEEDS) as executor:
        executor.start(SEEDS)
        pooled = executor.read_pages(pages, SEEDS)
    assert [(o.candidate.article_id, o.status) for o in pooled] == [(o.candidate.article_id, o.status) for o in here]
    assert pooled == here
    assert {o.status for o in here} >= {"ok", "paywall", "robots_disallowed"}


def test_a_pool_that_is_not_running_is_not_started_for_pages() -> None:
    with LocalPoolExecutor(workers=2, seeds_dir=SEEDS) as executor:
        executor.read_pages(_pages(), SEEDS)
        assert not executor.started
