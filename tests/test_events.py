"""Event linking (issue #19) on real DuckDB files: one happening's reports in several languages share
an event across runs, placed by publication time; ids never change; near misses stay apart; the
events view and the report's grouping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon import store
from newsmon.articles import Candidate, build_article, entry_hash, topic_rules
from newsmon.db import transaction
from newsmon.events.link import day_ranges, link_events
from newsmon.events.signals import MAX_BACKDATE, event_time
from newsmon.paths import SEEDS_DIR
from newsmon.records import Entry, Feed
from newsmon.report.data import read_report_data
from newsmon.report.html import render_report
from newsmon.stories.index import assign_stories, story_items

NOW = datetime.now(UTC).replace(microsecond=0)

WONSAN = {
    "ko": ("라브로프 러 외무장관, 원산서 최선희와 회담",
           "세르게이 라브로프 러시아 외무장관이 북한 원산에서 최선희 외무상과 회담했다."),
    "en": ("Lavrov and North Korea's Choe hold talks in Wonsan",
           "Russian Foreign Minister Sergei Lavrov met his North Korean counterpart Choe Son Hui in Wonsan."),
    "ru": ("Лавров и Чвэ Сон Хи провели переговоры в Вонсане",
           "Министр иностранных дел России Сергей Лавров провёл переговоры с Чвэ Сон Хи в Вонсане."),
    "ja": ("ラブロフ露外相、元山で崔善姫外相と会談", "ロシアのラブロフ外相は北朝鮮の元山で崔善姫外相と会談した。"),
}


def article(article_id: str, lang: str, title: str, text: str, published: datetime | None, seen: datetime):
    entry = Entry(feed_id=f"feed_{lang}", url=f"https://{lang}.example/{article_id}", guid=article_id,
                  title_html=title, summary_html=text, content_html="", author=None, published_at=published,
                  feed_language=lang, link=f"https://{lang}.example/{article_id}")
    candidate = Candidate(article_id, entry_hash(entry), entry, (entry.feed_id,))
    return build_article(candidate, topic_rules(SEEDS_DIR), None, seen)


def run(con, articles, now: datetime) -> dict[str, str]:
    """One chunk as store_chunk writes it: articles, stories, events."""
    with transaction(con):
        store.write_articles(con, "run", now, articles, [(a.article_id, a.feed_id) for a in articles])
        stories = assign_stories(con, story_items(articles, {}), now)
        return link_events(con, articles, stories, now, SEEDS_DIR)


def events_of(con) -> dict[str, str]:
    return dict(con.execute("select a.article_id, e.event_id from articles as a "
                            "join story_event_ids as e on e.story_id = a.story_id").fetchall())


@pytest.fixture
def con(tmp_path: Path):
    connection = store.open_store(tmp_path / "events.duckdb")
    store.upsert_feeds(connection, [Feed(f"feed_{lang}", f"Outlet {lang}", f"https://{lang}.example/rss")
                                    for lang in ("ko", "en", "ru", "ja", "de")], NOW)
    yield connection
    connection.close()


def test_one_meeting_links_across_languages_and_runs_with_stable_ids(con):
    day = NOW - timedelta(hours=6)
    run(con, [article("w-ko", "ko", *WONSAN["ko"], day, day)], day)
    first = events_of(con)["w-ko"]
    later = NOW
    run(con, [article(f"w-{lang}", lang, *WONSAN[lang], later - timedelta(hours=2), later) for lang in ("en", "ru", "ja")],
        later)
    events = events_of(con)
    assert set(events.values()) == {first} and len(events) == 4
    assert first == "w-ko", "an event's id is its first story's id, and stays"
    row = con.execute("select languages, stories from events where event_id = ?", [first]).fetchone()
    assert row == (["en", "ja", "ko", "ru"], 4)
    headlines = con.execute("select headlines from events where event_id = ?", [first]).fetchone()[0]
    assert headlines["ja"] == WONSAN["ja"][0] and headlines["ru"] == WONSAN["ru"][0]
    assert con.execute("select count(*) from stories where event_id = ?", [first]).fetchone() == (4,)


def test_backfill_is_placed_by_publication_time(con):
    """Old reports found in one run today link by the days they were published, not by today."""
    july, october = datetime(2025, 7, 12, 3, tzinfo=UTC), datetime(2023, 10, 19, 3, tzinfo=UTC)
    items = [article(f"jul-{lang}", lang, *WONSAN[lang], july + timedelta(hours=i), NOW)
             for i, lang in enumerate(("ko", "en"))]
    # the same people, another happening, years earlier: it must not join
    items.append(article("oct-ru", "ru", "Лавров и Чвэ Сон Хи провели переговоры в Пхеньяне",
                         "Сергей Лавров провёл переговоры с Чвэ Сон Хи в Пхеньяне.", october, NOW))
    run(con, items, NOW)
    events = events_of(con)
    assert events["jul-ko"] == events["jul-en"] != events["oct-ru"]
    times = dict(con.execute("select article_id, event_time from event_stories").fetchall())
    assert times["jul-ko"] == july and times["oct-ru"] == october


def test_publication_times_are_clamped():
    seen = NOW
    assert event_time(seen + timedelta(days=2), seen) == seen  # the future
    assert event_time(seen - MAX_BACKDATE - timedelta(days=1), seen) == seen  # 1970 and the like
    assert event_time(None, seen) == seen
    assert event_time(seen - timedelta(days=400), seen) == seen - timedelta(days=400)


def test_the_same_people_days_apart_stay_apart(con):
    first, second = NOW - timedelta(days=13), NOW
    a = article("sh-1", "en", "Russia's Shoigu arrives in Pyongyang, meets Kim Jong Un",
                "Russian Security Council Secretary Sergei Shoigu met Kim Jong Un in Pyongyang.", first, first)
    b = article("sh-2", "ko", "쇼이구, 평양서 김정은과 또 회담", "쇼이구 러시아 안보회의 서기가 평양에서 김정은 위원장을 만났다.",
                second, second)
    run(con, [a], first)
    run(con, [b], second)
    events = events_of(con)
    assert events["sh-1"] != events["sh-2"]


def test_an_announcement_is_not_the_visit(con):
    announced, visit = NOW - timedelta(days=2), NOW
    items = [
        article("an-en", "en", "Russia's Lavrov to visit North Korea", f"Lavrov will visit Pyongyang on "
                f"{(announced + timedelta(days=2)):%B} {(announced + timedelta(days=2)).day}, the ministry said.",
                announced, announced),
        article("vi-ko", "ko", "라브로프 러 외무장관 평양 도착", "라브로프 러시아 외무장관이 평양에 도착해 최선희 외무상과 회담했다.",
                visit, visit),
    ]
    run(con, items[:1], announced)
    run(con, items[1:], visit)
    events = events_of(con)
    assert events["an-en"] != events["vi-ko"]


def test_window_reads_are_per_run_of_days():
    """A backfill adds its own ranges: nothing in between is read."""
    ranges = day_ranges([NOW, NOW - timedelta(hours=1), NOW - timedelta(days=700)])
    assert len(ranges) == 2
    assert all(hi - lo < timedelta(days=8) for lo, hi in ranges)


def test_a_story_is_linked_once(con):
    item = article("once-ko", "ko", *WONSAN["ko"], NOW, NOW)
    run(con, [item], NOW)
    assert link_events(con, [item], {"once-ko": "once-ko"}, NOW, SEEDS_DIR, known={"once-ko": "h"}) == {}
    assert con.execute("select count(*) from event_stories").fetchone() == (1,)


def test_report_groups_an_events_stories_with_its_languages(con):
    run(con, [article(f"r-{lang}", lang, *WONSAN[lang], NOW - timedelta(hours=1), NOW) for lang in ("ko", "en", "ru")],
        NOW)
    data = read_report_data(con, NOW + timedelta(minutes=1), days=3)
    assert len({s["event_id"] for s in data.stories}) == 1
    assert data.stories[0]["event_languages"] == ["en", "ko", "ru"]
    html = render_report(data)
    assert "One event: 3 stories in 3 languages (en, ko, ru)" in html
    assert data.events and data.events[0]["language_count"] == 3
