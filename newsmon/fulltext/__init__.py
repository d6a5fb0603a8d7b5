"""The article behind the headline (issue #20): fetch, extract and tag the pages of the articles
that can gain from them.

A run's `fulltext` stage (run/loop.py, after the chunks are stored) does, in order:

  select   candidates.py  matches and near-candidates (one side named) without a page yet, and
                          every article of a feed with `fulltext=true`; newest first, within the
                          run's budget (pages, seconds) and a cap per host
  robots   robots.py      robots.txt per origin, cached for the run and persisted for a day
  fetch    fetch.fetch_pages: the feed fetcher's guarantees (private-address guard on every hop,
                          deadline, size cap, redirects checked, per-host concurrency and spacing,
                          Retry-After), the carrying feed's User-Agent and headers, conditional GET
  extract  extract.py     trafilatura: main text, byline, date, language
  walls    walls.py       paywalls, consent walls, anti-bot pages: a typed status, never text
  tag      tagging.py     match_topics per paragraph (unrelated paragraphs do not combine); body
                          evidence with its character offset and a snippet
  store    stage.py       article_texts, article_topics and the story alerts of newly matching
                          stories, in one transaction
"""
