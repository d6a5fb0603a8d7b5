"""The pure middle of a run and its bookkeeping: identities, skipping known work, summaries, feed state."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from conftest import FIXTURES

from newsmon import articles
from newsmon.paths import SEEDS_DIR
from newsmon.records import Feed, FeedState, FetchRequest, FetchResult
from newsmon.run import plan, tally
from newsmon.run.executor import EVERY_BATCH, LocalPoolExecutor, PoolPolicy
from newsmon.stories.cluster import fingerprint
from newsmon.topics.match import load_topic_rules

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _result(feed_id: str, name: str, **kw) -> FetchResult:
    path = FIXTURES / "feeds" / name
    return FetchResult(feed_id=feed_id, url=f"https://{feed_id}.example/feed", fetched_at=NOW,
                       http_status=200, content=path.read_bytes(), body_hash=f"hash-{name}", **kw)


def _parsed():
    return articles.parse_results([_result("a", "wire_outlet_a.xml"), _result("b", "wire_outlet_b.xml")], {}, 500)


def test_an_article_carried_by_two_feeds_is_one_candidate():
    candidates = articles.identify_entries(_parsed())
    assert len(candidates) == 3
    shared = [c for c in candidates if c.entry.url and "flights" in c.entry.url]
    assert len(shared) == 1 and shared[0].feed_ids == ("a", "b")


def test_known_unchanged_articles_skip_the_expensive_stages():
    candidates = articles.identify_entries(_parsed())
    known = {c.article_id: c.raw_hash for c in candidates[:2]}
    known[candidates[2].article_id] = "an older hash"  # edited by the outlet since
    changed = articles.select_changed(candidates, known)
    assert [c.article_id for c in changed] == [candidates[2].article_id]


def test_build_article_cleans_detects_and_tags():
    rules = load_topic_rules(SEEDS_DIR)
    candidate = next(c for c in articles.identify_entries(_parsed()) if "flights" in (c.entry.url or ""))
    article = articles.build_article(candidate, rules, None, NOW)
    assert article.title.startswith("Russia and North Korea agree")
    assert "track()" not in article.text and "<" not in article.text
    assert article.lang == "en" and article.lang_prob > 0.5
    assert [t.topic for t in article.topics if t.is_match] == ["russia_dprk"]


def test_parallel_parse_and_build_give_the_same_results_as_sequential():
    results = [_result("a", "wire_outlet_a.xml"), _result("b", "wire_outlet_b.xml")]
    with LocalPoolExecutor(2, SEEDS_DIR, EVERY_BATCH) as pool:
        parsed = pool.parse(results, {}, 500).get()
        assert pool.started  # the batch really went to the workers
        assert parsed == articles.parse_results(results, {}, 500)
        candidates = articles.identify_entries(parsed)
        sequential = articles.build_articles(candidates, load_topic_rules(SEEDS_DIR), {}, NOW)
        parallel = pool.build(candidates, SEEDS_DIR, {}, NOW).get()
    assert parallel == sequential
    for fast, slow in zip(parallel, sequential):  # the story fingerprint is not part of ==
        assert (fast.story_fingerprint.signature == slow.story_fingerprint.signature).all()
        assert fast.story_fingerprint.bands == fingerprint(slow.title, slow.text).bands


def test_unchanged_body_is_not_parsed_again():
    request = FetchRequest("a", "https://a.example/feed", body_hash="hash-wire_outlet_a.xml")
    (result,) = plan.drop_unchanged_bodies([_result("a", "wire_outlet_a.xml")], [request])
    assert result.content is None and result.is_ok
    assert articles.parse_results([result], {}, 500) == []


def test_plan_fetch_skips_inactive_and_backing_off_feeds_and_sends_validators():
    feeds = [Feed("ok", "Ok", "https://ok.example/f"), Feed("off", "Off", "https://off.example/f", active=False),
             Feed("sick", "Sick", "https://sick.example/f")]
    states = {
        "ok": FeedState("ok", etag='"v1"', last_modified="Fri, 27 Nov 2026 10:00:00 GMT"),
        "sick": FeedState("sick", consecutive_failures=3, next_due_at=NOW + timedelta(hours=2)),
    }
    requests, skipped = plan.plan_fetch(feeds, states, NOW)
    assert [r.feed_id for r in requests] == ["ok"] and skipped == ["sick"]
    assert requests[0].etag == '"v1"' and requests[0].last_modified.startswith("Fri")
    forced, _ = plan.plan_fetch(feeds, states, NOW, force=True)
    assert [r.feed_id for r in forced] == ["ok", "sick"]


def test_group_by_host_keeps_each_host_in_one_batch():
    requests = [FetchRequest(f"f{i}", f"https://host{i % 3}.example/feed{i}") for i in range(12)]
    batches = plan.group_by_host(requests, 4)
    assert len(batches) == 3 and sum(len(b) for b in batches) == 12
    for batch in batches:
        assert len({r.url.split("/")[2] for r in batch}) == 1


def test_validators_advance_only_on_success_and_failures_back_off():
    ok = replace(_result("a", "wire_outlet_a.xml"), etag='"v2"')
    failed = FetchResult("b", "https://b.example/feed", NOW, error_class="http_5xx", http_status=503,
                         error_message="Service Unavailable")
    previous = {"a": FeedState("a", etag='"v1"'), "b": FeedState("b", etag='"b1"', consecutive_failures=1)}
    states = {s.feed_id: s for s in plan.next_states([ok, failed], {}, previous)}
    assert states["a"].etag == '"v2"' and states["a"].consecutive_failures == 0
    assert states["b"].etag == '"b1"' and states["b"].consecutive_failures == 2
    assert states["b"].next_due_at > NOW and states["b"].last_error_class == "http_5xx"


def test_network_outage_does_not_count_against_feeds():
    down = [FetchResult(f"f{i}", f"https://h{i}.example/", NOW, error_class="dns") for i in range(5)]
    previous = {f"f{i}": FeedState(f"f{i}", consecutive_failures=4) for i in range(5)}
    assert all(s.consecutive_failures == 4 for s in plan.next_states(down, {}, previous))


def test_summary_counts_new_articles_by_language():
    parsed = _parsed()
    candidates = articles.identify_entries(parsed)
    built = articles.build_articles(candidates, load_topic_rules(SEEDS_DIR), {}, NOW)
    counts = tally.RunTally()
    counts.add_parsed(parsed)
    counts.add_stored(built, {})
    summary = tally.summarise("r1", NOW, NOW, [_result("a", "wire_outlet_a.xml")], [], counts)
    assert summary.articles_new == 3 and dict(summary.new_by_lang)["en"] >= 1
    assert summary.matches_new == 1
    assert "new articles: 3" in tally.format_summary(summary)


def test_summary_says_when_the_network_itself_was_down():
    down = [FetchResult(f"f{i}", f"https://h{i}.example/", NOW, error_class="dns") for i in range(5)]
    summary = tally.summarise("r1", NOW, NOW, down, [], tally.RunTally())
    assert summary.feeds_failed == 5 and "local outage" in tally.format_summary(summary)
    one_down = down[:1] + [_result("a", "wire_outlet_a.xml")]
    assert "outage" not in tally.format_summary(tally.summarise("r2", NOW, NOW, one_down, [], tally.RunTally()))


def test_chunks_are_bounded_by_bytes_and_skip_what_has_no_body():
    docs = [FetchResult(f"f{i}", f"https://h.example/{i}", NOW, content=b"x" * size)
            for i, size in enumerate([40, 40, 30, 100, 10])]
    failed = FetchResult("down", "https://h.example/down", NOW, error_class="timeout")
    chunks = plan.chunk_by_bytes(docs[:3] + [failed] + docs[3:], max_bytes=80)
    assert [[r.feed_id for r in chunk] for chunk in chunks] == [["f0", "f1"], ["f2"], ["f3"], ["f4"]]
    assert plan.chunk_by_bytes([failed], 80) == []


def test_an_article_met_again_in_a_later_chunk_is_built_once():
    seen: set[str] = set()
    candidates = articles.identify_entries(_parsed())
    first = plan.first_sightings(candidates[:2], seen)
    again = plan.first_sightings(candidates, seen)
    assert first == candidates[:2] and again == candidates[2:]


def test_a_quiet_run_keeps_a_recent_report(tmp_path):
    from newsmon.run.loop import publish_report
    from newsmon.store import open_store

    open_store(tmp_path / "x.duckdb").close()
    assert publish_report(tmp_path / "x.duckdb", tmp_path, changed=False) is not None  # no report yet
    written = (tmp_path / "report.html").stat().st_mtime_ns
    assert publish_report(tmp_path / "x.duckdb", tmp_path, changed=False) is None
    assert (tmp_path / "report.html").stat().st_mtime_ns == written
    assert publish_report(tmp_path / "x.duckdb", tmp_path, changed=True) is not None


def test_only_feeds_never_parsed_ask_for_the_worker_pool_ahead_of_the_fetch():
    from newsmon.run.plan import never_parsed

    requests = [FetchRequest("new", "https://a.example/feed"),
                FetchRequest("known", "https://b.example/feed", etag='"v1"', body_hash="ab" * 32)]
    assert never_parsed(requests) == 1


def test_a_batch_too_small_to_pay_for_starting_the_pool_stays_in_this_process():
    results = [_result("a", "wire_outlet_a.xml"), _result("b", "wire_outlet_b.xml")]
    policy = PoolPolicy(parallel_min_entries=1, parallel_min_bytes=1)  # running workers would take even one entry...
    with LocalPoolExecutor(2, SEEDS_DIR, policy) as pool:
        candidates = articles.identify_entries(pool.parse(results, {}, 500).get())
        built = pool.build(candidates, SEEDS_DIR, {}, NOW).get()
        assert len(built) == len(candidates) < policy.start_min_entries
        assert not pool.started  # ...but none were started for so few
