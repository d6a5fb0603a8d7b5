"""'Also reported in' on an event larger than the message shows: alert_candidates.sql reads the
first outlets and the total per event, and must give what listing every other story's copies gives."""

from __future__ import annotations

from datetime import timedelta

from newsmon import store
from newsmon.alerts import outbox
from newsmon.alerts.story_context import also_reported
from newsmon.db import transaction
from tests.test_alert_bounded_reads import NOW, _article, _event

MINUTE = timedelta(minutes=1)


def test_a_large_event_lists_its_first_other_outlets_and_counts_the_rest(tmp_path):
    # Event `e`: story `own` (the batch's, in ko, carried by outlets o0 and o5) and twelve other
    # stories, each in its own outlet o0..o11 a minute apart, in en, ru and ko. `own` reported ko
    # first of all, so ko counts from the next ko story; o0 and o5 carry `own` and are left out.
    con = store.open_store(tmp_path / "t.duckdb")
    with transaction(con):
        _article(con, "own", "own", "o0", "ko", NOW - 60 * MINUTE, extra_feeds=(("o5", NOW - 59 * MINUTE),))
        _event(con, "own", "e", "ko", NOW - 60 * MINUTE)
        for i in range(12):
            story = f"s{i}"
            _article(con, story, story, f"o{i}", ("en", "ru", "ko")[i % 3], NOW - (50 - i) * MINUTE, match=False)
            _event(con, story, "e", ("en", "ru", "ko")[i % 3], NOW - (50 - i) * MINUTE)
    (candidate,) = outbox.read_candidates(con, ["own"], NOW)
    con.close()
    assert candidate.also_languages == ("en", "ru", "ko")  # ko from s2, not from `own` itself
    assert candidate.also_outlets[:4] == ("o1", "o2", "o3", "o4")  # o0 carries `own`
    assert candidate.also_outlet_total == 10  # o1..o11 without o5
    assert also_reported(candidate.also_languages, candidate.also_outlets, candidate.also_outlet_total) == {
        "languages": ["en", "ru", "ko"], "more_languages": 0, "outlets": ["o1", "o2", "o3", "o4"], "more_outlets": 6}
