"""The alert step reads rows by time bound (outbox.READ_WINDOWS before the run), not whole tables:
these check that the bounded reads give exactly what a read of everything gives, when the batch
holds an article first seen long before the run (edited since) and a story whose copies span the
bounds, its event reaching a story older than every window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsmon import store
from newsmon.alerts import outbox, rules
from newsmon.db import transaction

NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)
DAY = timedelta(days=1)


def _article(con, article_id: str, story_id: str, feed_id: str, lang: str, seen: datetime,
             match: bool = True, extra_feeds: tuple[tuple[str, datetime], ...] = ()) -> None:
    """One stored article, carried by `feed_id` from `seen` (and by `extra_feeds` from later),
    tagged at `seen`; a matching article's evidence names both sides."""
    con.execute("insert into articles (article_id, url, title, text, published_at, first_seen_at, updated_at, "
                "feed_id, lang, lang_prob, content_hash, run_id, story_id) "
                "values (?, ?, ?, ?, null, ?, ?, ?, ?, 0.99, ?, 'r', ?)",
                [article_id, f"https://{feed_id}.example/{article_id}", f"Report {article_id}",
                 f"Text of {article_id}", seen, seen, feed_id, lang, article_id, story_id])
    for feed, since in ((feed_id, seen), *extra_feeds):
        con.execute("insert into article_feeds values (?, ?, ?)", [article_id, feed, since])
    evidence = '[{"term": "putin", "matched": "Putin", "role": "side:ru", "where": "title"}]'
    con.execute("insert into article_topics values (?, 'russia_dprk', 0.9, ?, [], ?, ?)",
                [article_id, match, evidence, seen])


def _event(con, story_id: str, event_id: str, lang: str, seen: datetime) -> None:
    con.execute("insert into event_stories values (?, ?, ?, ?, ?, [], false, null, ?)",
                [story_id, event_id, story_id, lang, seen, seen])


@pytest.fixture
def con(tmp_path):
    """A store whose history reaches past both windows:
    - old rows that no bound should read: unrelated stories 600 days old, matching ones among them;
    - story `chain`: begun 30 days ago (between the narrow and the wide bound), copies 20 and 5 days
      old and one stored this run, which is in the batch; its event also holds story `ancient`
      (700 days old, before every window) with a copy in another language and outlet;
    - story `edited`: one article first seen 100 days ago, edited and re-tagged this run (in the batch);
    - story `fresh`: begun this run, with a second outlet carrying it since;
    - story `quiet`: in the batch, but no topic matches."""
    c = store.open_store(tmp_path / "t.duckdb")
    with transaction(c):
        c.execute("insert into feeds (feed_id, name, url, updated_at) values "
                  "('tass', 'TASS', 'https://tass.example/rss', ?), ('kcna', 'KCNA', 'https://kcna.example/rss', ?)",
                  [NOW, NOW])
        for i in range(20):
            _article(c, f"old{i}", f"old{i}", "tass", "ru", NOW - 600 * DAY + i * DAY, match=i % 2 == 0)
            _event(c, f"old{i}", f"old{i}", "ru", NOW - 600 * DAY + i * DAY)
        _article(c, "ancient", "ancient", "yonhap", "ko", NOW - 700 * DAY)
        _article(c, "ancient2", "ancient", "kcna", "ko", NOW - 690 * DAY)
        _event(c, "ancient", "ancient", "ko", NOW - 700 * DAY)
        _article(c, "chain", "chain", "tass", "ru", NOW - 30 * DAY)
        _event(c, "chain", "ancient", "ru", NOW - 30 * DAY)
        _article(c, "chain2", "chain", "interfax", "ru", NOW - 20 * DAY, match=False)
        _article(c, "chain3", "chain", "rt", "en", NOW - 5 * DAY, extra_feeds=(("kcna", NOW - 4 * DAY),))
        _article(c, "edited", "edited", "kcna", "en", NOW - 100 * DAY)
        c.execute("update article_topics set tagged_at = ? where article_id = 'edited'", [NOW])
        _event(c, "edited", "edited", "en", NOW - 100 * DAY)
        _article(c, "chain4", "chain", "reuters", "en", NOW)
        _article(c, "fresh", "fresh", "kcna", "ko", NOW, extra_feeds=(("tass", NOW + timedelta(minutes=5)),))
        _event(c, "fresh", "fresh", "ko", NOW)
        _article(c, "quiet", "quiet", "tass", "ru", NOW, match=False)
    yield c
    c.close()


def _summary(candidates) -> dict[str, tuple]:
    return {c.article_id: (c.story_id, c.outlets, c.languages, c.event_id, c.also_languages, c.also_outlets,
                           c.first_seen) for c in candidates}


def test_bounded_reads_give_what_reading_everything_gives(con):
    batch = ["chain4", "edited", "fresh", "quiet"]
    bounded = _summary(outbox.read_candidates(con, batch, NOW))
    assert bounded == _summary(outbox.read_candidates(con, batch))  # no bound: every row read
    assert bounded == {
        # copies on both sides of both bounds; the event's other story is older than every window
        "chain4": ("chain", ("KCNA", "TASS", "interfax", "reuters", "rt"), ("en", "ru"), "ancient",
                   ("ko",), ("yonhap",), NOW),
        "edited": ("edited", ("KCNA",), ("en",), "edited", (), (), NOW - 100 * DAY),
        "fresh": ("fresh", ("KCNA", "TASS"), ("ko",), "fresh", (), (), NOW),
    }


def test_a_batch_of_new_stories_is_read_within_the_narrow_bound(con):
    """Stories begun this run are complete within the first bound, so no older row is read. A copy
    older than its story's first article (which the story index never writes) shows it: the bounded
    read leaves it out, a read of everything does not."""
    assert _summary(outbox.read_candidates(con, ["fresh", "quiet"], NOW)) == {
        "fresh": ("fresh", ("KCNA", "TASS"), ("ko",), "fresh", (), (), NOW)}
    with transaction(con):
        con.execute("update articles set story_id = 'fresh' where article_id = 'chain2'")
    assert _summary(outbox.read_candidates(con, ["fresh"], NOW))["fresh"][1] == ("KCNA", "TASS")
    assert _summary(outbox.read_candidates(con, ["fresh"]))["fresh"][1] == ("KCNA", "TASS", "interfax")


def test_prior_alerts_of_an_event_older_than_every_window(con):
    """once_per_event reads the alerts of the event's stories: its first story (700 days old) had
    one, the batch's story (its copy stored this run) joined the event 30 days ago."""
    plan = rules.build_plan([rules.AlertRule("once", "russia_dprk", channels=(), once_per_event=True)], {})
    with transaction(con):
        con.execute("insert into alert_outbox (alert_id, kind, rule_id, subject_id, channel, destination, payload, "
                    "status, next_attempt_at, created_at) values ('a1', 'story', 'once', 'ancient', ?, 'log', '{}', "
                    "'sent', ?, ?)", [rules.JSONL_SINK, NOW - 700 * DAY, NOW - 700 * DAY])
    candidates = outbox.read_candidates(con, ["chain4"], NOW)
    bounded = outbox.read_prior_alerts(con, plan, candidates, NOW)
    assert bounded == outbox.read_prior_alerts(con, plan, candidates)  # no bound
    assert bounded.events == {("once", rules.JSONL_SINK, "ancient")}
    assert rules.select_story_alerts(plan, candidates, NOW, bounded) == []
