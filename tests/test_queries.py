"""Every named query in sql/queries/ runs on a real demo database (built by the real pipeline)
and returns rows; the counting queries agree with the same counts made independently in Python."""

import re
import shutil
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from demo_db import shared_demo_db

from newsmon.paths import QUERIES_DIR
from newsmon.query import list_queries, run_query

QUERY_FILES = sorted(QUERIES_DIR.glob("*.sql"))
EARLY = {"since": "2000-01-01"}
REQUIRED = {
    "daily_matching_stories_by_language", "daily_matching_stories_by_outlet", "new_stories_since",
    "subtopic_trend_by_week", "top_evidence_terms", "stories_by_most_outlets", "cross_language_events",
    "feed_health", "todays_stories",
}


@pytest.fixture(scope="module")
def demo_db():
    return shared_demo_db()


def _run(db, name, params=None):
    columns, rows = run_query(db, (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8"), params)
    return [dict(zip(columns, row)) for row in rows]


def _matching_articles(db):
    """(story_id, lang, publication time) of every matching article, read straight from the tables."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select coalesce(a.story_id, a.article_id), a.lang, coalesce(a.published_at, a.first_seen_at)"
            " from articles a join article_topics t on t.article_id = a.article_id"
            " where t.topic = 'russia_dprk' and t.is_match").fetchall()
    finally:
        con.close()


def test_the_promised_queries_exist_with_a_description():
    described = dict(list_queries(QUERIES_DIR))
    assert REQUIRED <= described.keys()
    assert all(len(description) > 20 for description in described.values())


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_file_style(path):
    text = path.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("--")]
    code = re.sub(r"--[^\n]*", "", text)
    assert header and text.startswith("--"), "a header comment says what the query answers"
    assert code.rstrip().endswith("select * from final"), "CTE pipeline ending in final"
    assert ";" not in code, "one statement per file"
    params = set(re.findall(r"\$([a-z_]+)", code))
    documented = next(line for line in header if line.startswith("-- Parameters:"))
    for name in params:
        assert f"${name}" in documented
    if not params:
        assert "none" in documented


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_runs_on_the_demo_database(demo_db, path):
    rows = _run(demo_db, path.stem, EARLY)
    if path.stem == "cross_language_events" and not _has_event_links(demo_db):
        pytest.skip("the demo run linked no stories across languages (covered by the linked-event test)")
    if path.stem == "todays_stories" and _built_on(demo_db) != datetime.now(UTC).date():
        pytest.skip("the UTC date changed since the demo database was built")
    assert rows, f"{path.stem} returned no rows on the demo database"


def test_daily_stories_by_language_match_a_count_in_python(demo_db):
    story_day, story_langs = {}, defaultdict(set)
    for story_id, lang, published in _matching_articles(demo_db):
        day = published.astimezone(UTC).date()
        story_day[story_id] = min(day, story_day.get(story_id, day))
        story_langs[story_id].add(lang)
    expected = defaultdict(int)
    for story_id, langs in story_langs.items():
        for lang in langs:
            expected[(story_day[story_id], lang)] += 1
    got = {(r["day"], r["lang"]): r["stories"] for r in _run(demo_db, "daily_matching_stories_by_language")}
    assert got == dict(expected)


def test_new_stories_since_counts_each_matching_story_once(demo_db):
    stories = {story_id for story_id, _, _ in _matching_articles(demo_db)}
    rows = _run(demo_db, "new_stories_since", EARLY)
    assert sorted(r["story_id"] for r in rows) == sorted(stories)
    assert all(r["title"] and r["outlets"] and r["evidence_terms"] for r in rows)
    assert _run(demo_db, "new_stories_since", {"since": "2999-01-01T00:00:00Z"}) == []


def test_since_is_utc_and_honours_an_offset(demo_db):
    first_seen = min(r["first_seen"] for r in _run(demo_db, "new_stories_since", EARLY)).astimezone(UTC)
    at = first_seen.strftime("%Y-%m-%dT%H:%M:%S.%f")
    assert _run(demo_db, "new_stories_since", {"since": at + "Z"})
    # The same instant written one hour east is one hour earlier in UTC: still included.
    assert _run(demo_db, "new_stories_since", {"since": at + "+01:00"})
    # One hour west is one hour later than every first_seen of the (single-run) demo database.
    assert _run(demo_db, "new_stories_since", {"since": at + "-01:00"}) == []


def test_a_date_without_offset_is_utc_whatever_the_session_zone(demo_db):
    first_seen = min(r["first_seen"] for r in _run(demo_db, "new_stories_since", EARLY)).astimezone(UTC)
    # Pick a zone where reading the date as local time would give the opposite answer.
    if first_seen.hour < 12:
        zone, since, expected = "Etc/GMT+12", first_seen.date(), True  # local midnight = 12:00 UTC
    else:
        zone, since, expected = "Etc/GMT-12", first_seen.date() + timedelta(days=1), False
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        con.execute(f"set TimeZone = '{zone}'")
        rows = con.execute((QUERIES_DIR / "new_stories_since.sql").read_text(encoding="utf-8"),
                           {"since": since.isoformat()}).fetchall()
    finally:
        con.close()
    assert bool(rows) == expected


def test_subtopics_and_outlets_cover_the_matching_stories(demo_db):
    weeks = _run(demo_db, "subtopic_trend_by_week")
    assert {r["subtopic"] for r in weeks} >= {"diplomacy", "military"}
    assert all(r["week"].weekday() == 0 for r in weeks)
    outlets = _run(demo_db, "stories_by_most_outlets", EARLY)
    assert [r["outlet_count"] for r in outlets] == sorted((r["outlet_count"] for r in outlets), reverse=True)
    assert all(r["outlet_count"] == len(r["outlets"]) for r in outlets)


def test_top_evidence_terms_are_lower_case_text_not_feed_context(demo_db):
    rows = _run(demo_db, "top_evidence_terms", EARLY)
    assert all(r["term"] == r["term"].lower() for r in rows)
    assert any(role.startswith("side:") for r in rows for role in r["roles"])
    assert [r["stories"] for r in rows] == sorted((r["stories"] for r in rows), reverse=True)


def test_cross_language_events_follow_story_links(demo_db, tmp_path):
    db = tmp_path / "linked.duckdb"
    shutil.copy(demo_db, db)
    stories = _run(demo_db, "new_stories_since", EARLY)
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        already = {story for (story,) in con.execute(
            "select story_id from story_event_ids where event_id in "
            "(select event_id from story_event_ids group by 1 having count(*) > 1)").fetchall()}
    finally:
        con.close()
    by_lang = {}
    for row in stories:
        if row["story_id"] not in already:  # link two stories the demo run left unlinked
            by_lang.setdefault(row["lang"], row)
    assert len(by_lang) >= 2, by_lang  # two languages with a story the run left alone
    first, second = (by_lang[lang] for lang in sorted(by_lang)[:2])
    con = duckdb.connect(str(db))
    try:
        for story in (first, second):  # each its own event unless the run linked it
            con.execute("delete from event_stories where story_id = ?", [story["story_id"]])
            con.execute("insert into event_stories select ?, ?, ?, ?, now(), [], false, null, now()",
                        [story["story_id"], first["story_id"], story["story_id"], story["lang"]])
    finally:
        con.close()
    events = _run(db, "cross_language_events", EARLY)
    linked = [e for e in events if e["event_id"] == first["story_id"]]
    assert len(linked) == 1
    assert {first["lang"], second["lang"]} <= set(linked[0]["languages"]) and linked[0]["stories"] == 2
    assert {t.split(": ", 1)[0] for t in linked[0]["titles"]} == set(linked[0]["languages"])


def test_feed_health_lists_every_feed(demo_db):
    rows = _run(demo_db, "feed_health")
    assert len(rows) == 12
    assert all(r["fetches_7d"] >= 1 and r["consecutive_failures"] == 0 for r in rows)
    assert sum(r["matching_articles"] for r in rows) >= len(_matching_articles(demo_db))


def _has_event_links(db) -> bool:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from story_event_ids group by event_id having count(*) > 1"
                           ).fetchone() is not None
    finally:
        con.close()


def _built_on(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select max(started_at) from runs").fetchone()[0].astimezone(UTC).date()
    finally:
        con.close()

