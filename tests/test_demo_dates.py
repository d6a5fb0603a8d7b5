"""The demo served as `newsmon run --demo` serves it (newsmon.demo.dated_demo): every feed date moved
forward by the same amount so its news is recent on any day, and nothing else changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser

from newsmon.demo import DEMO_NOW, dated_demo
from newsmon.paths import DEMO_DIR

LATER = DEMO_NOW + timedelta(days=400, hours=5, minutes=7)  # across a year end and a leap day


def entry_dates(path) -> list[datetime | None]:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
    stamps = [entry.get("published_parsed") or entry.get("updated_parsed") for entry in parsed.entries]
    return [datetime(*stamp[:6], tzinfo=UTC) if stamp else None for stamp in stamps]


def test_every_date_moves_by_the_same_amount_and_the_oddities_stay(tmp_path):
    served = dated_demo(tmp_path / "demo", LATER)
    moved = kept = 0
    for original in sorted(DEMO_DIR.glob("*.xml")):
        for before, after in zip(entry_dates(original), entry_dates(served / original.name), strict=True):
            if before is None or before.year == 2099:  # the undated item and the far-future one
                assert after == before
                kept += 1
            else:
                assert after - before == LATER - DEMO_NOW, original.name
                assert after <= LATER
                moved += 1
    assert moved > 60 and kept == 2


def test_only_the_dates_change_byte_for_byte(tmp_path):
    served = dated_demo(tmp_path / "demo", LATER)
    assert (served / "feeds.csv").read_bytes() == (DEMO_DIR / "feeds.csv").read_bytes()
    for original in sorted(DEMO_DIR.glob("*.xml")):
        before, after = original.read_bytes(), (served / original.name).read_bytes()
        assert len(before) == len(after), original.name  # same formats, same lengths
    at_demo_time = dated_demo(tmp_path / "same", DEMO_NOW)
    assert all((at_demo_time / p.name).read_bytes() == p.read_bytes() for p in DEMO_DIR.glob("*.xml"))
