"""Story clustering: pure rules, then the real DuckDB index (migrations applied to a temp file)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from newsmon.migrate import apply_migrations
from newsmon.stories.cluster import (
    CHAR_SHINGLE,
    WORD_SHINGLE,
    StoryItem,
    copy_score,
    fingerprint,
    shingle_units,
    title_key,
)
from newsmon.stories.index import INDEX_KEPT, assign_stories, prune_index, write_index

PAIRS = Path(__file__).parent / "data" / "story_pairs.jsonl"
T0 = datetime(2025, 7, 12, 6, tzinfo=UTC)

WIRE = ("Russian Foreign Minister Sergei Lavrov held talks with North Korean Foreign Minister Choe Son Hui "
        "in the coastal city of Wonsan on Saturday. The ministers discussed the partnership treaty signed "
        "last year and the situation on the Korean Peninsula. Lavrov said Moscow fully supports Pyongyang.")
OTHER_REPORT = ("Sergei Lavrov arrived at the Kalma beach resort on Friday evening and was greeted by Choe Son "
                "Hui with an honour guard. Analysts in Seoul say the visit underlines how quickly ties between "
                "Moscow and Pyongyang have grown. The minister is expected to meet Kim Jong Un.")


def item(article_id: str, title: str, text: str, hours: float = 0, **kw) -> StoryItem:
    seen = T0 + timedelta(hours=hours)
    return StoryItem(article_id, kw.pop("feed_id", "feed"), title, text, kw.pop("lang", "en"), seen, seen, **kw)


@pytest.mark.parametrize(("title", "expected"), [
    ("Seoul, June 19 (IANS) North Korea and Russia sign a new border pact",
     "north korea and russia sign a new border pact"),
    ("नई दिल्ली, 28 नवंबर (आईएएनएस) रूस और उत्तर कोरिया ने व्यापार समझौते पर हस्ताक्षर किए",
     "रूस और उत्तर कोरिया ने व्यापार समझौते पर हस्ताक्षर किए"),
    ("МОСКВА, 3 мар — ТАСС. Лавров встретился с Цой Сон Хи", "лавров встретился с цой сон хи"),
    ("(Yonhap) -- N. Korea fires ballistic missile into East Sea", "n korea fires ballistic missile into east sea"),
    ("N. Korea fires ballistic missile into East Sea | Wire Service", "n korea fires ballistic missile into east sea"),
    ("Outlet News: “Lavrov arrives in Wonsan for talks with Choe”", "lavrov arrives in wonsan for talks with choe"),
    ("(부산=뉴스1) 이기자 기자 = 북한, 동해상으로 탄도미사일 발사", "북한 동해상으로 탄도미사일 발사"),
    ("【北京=共同】北朝鮮が弾道ミサイルを発射", "北朝鮮が弾道ミサイルを発射"),
    ("Live updates", None),
    ("速報", None),
])
def test_title_key(title: str, expected: str | None) -> None:
    assert title_key(title) == expected


def test_shingles_use_words_for_spaced_scripts_and_characters_for_cjk() -> None:
    words, k = shingle_units("Лавров встретился, с «Цой Сон Хи»!")
    assert (words, k) == (["лавров", "встретился", "с", "цой", "сон", "хи"], WORD_SHINGLE)
    chars, k = shingle_units("普京抵达平壤 KCNA 报道")
    assert (chars, k) == (["普", "京", "抵", "达", "平", "壤", "kcna", "报", "道"], CHAR_SHINGLE)
    assert shingle_units("लावरोव ने बातचीत की")[0] == ["लावरोव", "ने", "बातचीत", "की"]  # vowel signs kept


def test_signature_is_deterministic_and_dateline_insensitive() -> None:
    a = fingerprint("Title here", WIRE)
    assert np.array_equal(a.signature, fingerprint("Title here", WIRE).signature)
    assert a.bands == fingerprint("Title here", WIRE).bands
    assert fingerprint("Title here", "WONSAN, July 12 (Wire) - " + WIRE).bands == a.bands
    assert a.signature.dtype == np.uint32 and len(a.bands) == 32


def test_copy_rule_separates_copies_from_other_reports() -> None:
    wire = fingerprint("Lavrov holds talks with Choe in Wonsan", WIRE)
    copy = fingerprint("Russia's top diplomat meets North Korean counterpart",
                       "By Staff\n" + WIRE.rsplit(". ", 1)[0] + "\nAlso read: Kim meets Lavrov")
    other = fingerprint("Lavrov tours Kalma resort", OTHER_REPORT)
    assert copy_score(wire, copy) > 0
    assert copy_score(wire, other) == 0
    empty = fingerprint("Lavrov holds talks with Choe in Wonsan", "")
    assert copy_score(wire, empty) > 0  # a title-only item joins through its title key


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "stories.duckdb"))
    apply_migrations(con)
    yield con
    con.close()


def test_copies_cluster_and_other_reports_stay_separate(con) -> None:
    batch = [
        item("copy", "Lavrov, Choe hold talks | Wire", "WONSAN, July 12 (Wire) - " + WIRE, hours=1),
        item("wire", "Lavrov holds talks with Choe in Wonsan", WIRE),
        item("other", "Lavrov tours Kalma resort", OTHER_REPORT, hours=2),
    ]
    result = assign_stories(con, batch, T0 + timedelta(hours=3))
    assert result == {"wire": "wire", "copy": "wire", "other": "other"}


def test_later_copy_joins_and_story_ids_are_stable(con) -> None:
    first = [item("wire", "Lavrov holds talks with Choe in Wonsan", WIRE),
             item("other", "Lavrov tours Kalma resort", OTHER_REPORT, hours=1)]
    con.execute("begin")
    assign_stories(con, first, T0 + timedelta(hours=2))
    con.execute("commit")
    late = item("late", "Lavrov and Choe meet at Wonsan", WIRE.replace("Saturday", "Saturday, officials said"),
                hours=25)
    assert assign_stories(con, [late], T0 + timedelta(hours=26)) == {"late": "wire"}
    again = assign_stories(con, [*first, late], T0 + timedelta(hours=27))
    assert again == {"wire": "wire", "other": "other", "late": "wire"}
    edited = item("other", "Lavrov tours Kalma resort (updated)", OTHER_REPORT + " He left on Sunday.",
                  hours=1, is_update=True)
    assert assign_stories(con, [edited], T0 + timedelta(hours=28)) == {"other": "other"}
    rows = con.execute("select count(*), count(distinct article_id) from story_articles").fetchone()
    assert rows == (4, 3)  # the edit appended a version; nothing else was indexed twice


def test_pruned_index_keeps_its_window_and_every_story(con) -> None:
    # prune_index drops index rows no window reaches: a copy inside the window still joins its
    # story, and an edit of an article whose rows were pruned keeps its story (articles.story_id),
    # here another article's story as when it joined one.
    old = item("old", "Lavrov tours Kalma resort", OTHER_REPORT)
    recent = item("recent", "Lavrov holds talks with Choe in Wonsan", WIRE, hours=24 * 8)
    con.execute("""insert into articles (article_id, url, title, text, first_seen_at, updated_at, feed_id, lang,
                                         lang_prob, content_hash, run_id)
                   values ('old', 'https://example.org/old', 'Lavrov tours Kalma resort', '', $t, $t, 'feed',
                           'en', 0.99, 'h', 'r')""", {"t": T0})
    write_index(con, [old], {"old": fingerprint(old.title, old.text)}, {"old": "story-x"}, T0 + timedelta(hours=1))
    assign_stories(con, [recent], T0 + timedelta(hours=24 * 8 + 1))
    counts = "select (select count(*) from {0}_articles), (select count(*) from {0}_bands), (select count(*) from {0}_title_keys)"
    before = con.execute(counts.format("story")).fetchone()
    prune_index(con, T0 + INDEX_KEPT - timedelta(seconds=1))  # nothing is older than INDEX_KEPT yet
    assert con.execute(counts.format("story")).fetchone() == before
    now = T0 + INDEX_KEPT + timedelta(hours=2)
    prune_index(con, now)
    assert con.execute("select distinct article_id from story_bands").fetchall() == [("recent",)]
    assert con.execute("select article_id from story_articles union select article_id from story_title_keys"
                       ).fetchall() == [("recent",)]
    late = item("late", "Lavrov and Choe meet at Wonsan", WIRE.replace("Saturday", "Saturday, officials said"),
                hours=24 * 9)
    edited = item("old", "Lavrov tours Kalma resort (updated)", OTHER_REPORT + " He left.", is_update=True)
    assert assign_stories(con, [late, edited], now) == {"late": "recent", "old": "story-x"}


def test_equal_candidates_go_to_the_oldest_story_whatever_the_index_order(con) -> None:
    # Two stored articles in different stories (as a bulk load can leave them) are equally good
    # matches for a new copy: it joins the older one's story, however the index rows are ordered.
    title = "Lavrov holds talks with Choe in Wonsan"
    newer, older = item("newer", title, WIRE, hours=2), item("older", title, WIRE, hours=1)
    prints = {i.article_id: fingerprint(i.title, i.text) for i in (newer, older)}
    write_index(con, [newer], prints, {"newer": "story-b"}, T0 + timedelta(hours=2))
    write_index(con, [older], prints, {"older": "story-a"}, T0 + timedelta(hours=2))
    copies = [item(f"copy{k}", title, WIRE, hours=3) for k in range(3)]
    assert assign_stories(con, copies, T0 + timedelta(hours=3)) == dict.fromkeys(("copy0", "copy1", "copy2"),
                                                                               "story-a")


def test_copy_after_the_window_starts_a_new_story(con) -> None:
    assign_stories(con, [item("wire", "Lavrov holds talks with Choe in Wonsan", WIRE)], T0)
    old_copy = item("copy", "Lavrov holds talks with Choe in Wonsan", WIRE, hours=24 * 9)
    assert assign_stories(con, [old_copy], T0 + timedelta(days=9)) == {"copy": "copy"}


def test_articles_get_story_id_and_stories_view(con) -> None:
    con.execute("insert into feeds values ('f1', 'Outlet One', 'http://a', 'en', null, true, null, now()),"
                " ('f2', 'Outlet Two', 'http://b', 'en', null, true, null, now())")
    for article_id, feed_id, title, hours in [("wire", "f1", "Lavrov holds talks with Choe in Wonsan", 0),
                                              ("copy", "f2", "Lavrov, Choe hold talks", 1)]:
        con.execute("insert into articles (article_id, title, text, first_seen_at, updated_at, feed_id, lang,"
                    " lang_prob, content_hash, run_id) values (?, ?, ?, ?, ?, ?, 'en', 1.0, 'h', 'r')",
                    [article_id, title, WIRE, T0 + timedelta(hours=hours), T0, feed_id])
    assign_stories(con, [item("wire", "Lavrov holds talks with Choe in Wonsan", WIRE),
                         item("copy", "Lavrov, Choe hold talks", WIRE, hours=1)], T0 + timedelta(hours=2))
    story = con.execute("select story_id, title, outlets, languages, article_count from stories").fetchall()
    assert story == [("wire", "Lavrov holds talks with Choe in Wonsan", ["Outlet One", "Outlet Two"], ["en"], 2)]


def test_event_linking_across_languages(con) -> None:
    entities = ("lavrov", "choe_son_hui", "wonsan", "strategic_partnership_treaty")
    en = item("en", "Lavrov holds talks with Choe in Wonsan", WIRE, entities=entities)
    ru = item("ru", "Лавров провел переговоры с Цой Сон Хи в Вонсане",
              "Министр иностранных дел России Сергей Лавров провел переговоры с Цой Сон Хи в Вонсане.",
              hours=3, lang="ru", entities=entities[:3])
    unrelated = item("de", "Schoigu in Pjöngjang", "Sergej Schoigu traf Kim Jong Un in Pjöngjang.", hours=4,
                     lang="de", entities=("shoigu", "kim_jong_un", "wonsan"))
    assign_stories(con, [en], T0 + timedelta(hours=1), link_events=True)
    assign_stories(con, [ru, unrelated], T0 + timedelta(hours=5), link_events=True)
    assert con.execute("select story_id, event_id from story_events").fetchall() == [("ru", "en")]


def test_eval_set_f1_floor() -> None:
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    story_pairs = [p for p in pairs if p["kind"] == "story"]
    assert len(story_pairs) >= 120 and len({p["a"]["lang"] for p in story_pairs}) >= 8
    tp = fp = fn = 0
    for pair in story_pairs:
        a, b = (fingerprint(pair[k]["title"], pair[k]["text"]) for k in ("a", "b"))
        candidate = a.title_key == b.title_key != None or any(x == y for x, y in zip(a.bands, b.bands))  # noqa: E711
        predicted = candidate and copy_score(a, b) > 0
        tp += predicted and pair["same_story"]
        fp += predicted and not pair["same_story"]
        fn += pair["same_story"] and not predicted
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.95
