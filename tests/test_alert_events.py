"""Alerts and events (issue #19): "Also reported in" names the other languages and outlets that
already carry a story's event, in every channel; a rule with once_per_event sends one alert per
event and destination. Real runs: feeds served from 127.0.0.1, a real DuckDB file, real webhook
receivers on loopback."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from alert_pipeline import run_once, write_feed
from conftest import query_db
from receivers import WebhookReceiver, start_webhook

from newsmon import store
from newsmon.alerts import outbox, rules
from newsmon.alerts.channels import instantiate
from newsmon.alerts.render import render_html, render_json, render_text
from newsmon.alerts.senders import build_email
from newsmon.alerts.sinks import render_atom
from newsmon.alerts.story_context import also_reported
from newsmon.articles import Candidate, build_article, entry_hash, topic_rules
from newsmon.db import transaction
from newsmon.demo import serve_directory
from newsmon.events.link import link_events
from newsmon.paths import SEEDS_DIR
from newsmon.records import Entry, Feed
from newsmon.stories.index import assign_stories, story_items

# One happening (Lavrov meets Choe Son Hui in Moscow) reported independently in four languages, by
# four outlets, hours apart (written for these tests); the event linker puts them in one event.
MEETING = {
    "ko": ("Yonhap", 5, "라브로프 외무장관, 모스크바서 최선희 북한 외무상과 회담",
           "세르게이 라브로프 러시아 외무장관이 모스크바에서 최선희 북한 외무상을 만나 양국 협력 방안을 논의했다."),
    "ru": ("TASS", 4, "Лавров провёл переговоры с Чвэ Сон Хи в Москве",
           "Глава МИД России Сергей Лавров встретился в Москве с министром иностранных дел КНДР Чвэ Сон Хи."),
    "ja": ("Kyodo", 3, "ラブロフ外相、モスクワで北朝鮮の崔善姫外相と会談",
           "ロシアのラブロフ外相はモスクワで北朝鮮の崔善姫外相と会談し、協力について話し合った。"),
    "en": ("Reuters", 2, "Lavrov hosts North Korea's Choe Son Hui for talks in Moscow",
           "Russian Foreign Minister Sergei Lavrov held talks in Moscow with North Korean Foreign Minister Choe Son Hui."),
}
NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)
# Another happening on the same topic, alone in its event.
BRIDGE = ("Russia and North Korea open the Tumen River road bridge to traffic",
          "The road bridge between Khasan in Russia and Tumangang in North Korea opened to trucks on Monday.")


class Site:
    """The four outlets' feeds on a loopback server; `publish` decides which carry the meeting."""

    def __init__(self, root: Path, base: str) -> None:
        self.root, self.base = root, base
        self.csv = root.parent / "feeds.csv"
        rows = [f"{lang},{outlet},{base}/{lang}.xml,{lang}" for lang, (outlet, *_) in MEETING.items()]
        self.csv.write_text("feed_id,name,url,language\n" + "\n".join(rows) + "\n", encoding="utf-8")

    def publish(self, langs: tuple[str, ...], bridge: bool = False) -> None:
        for lang, (outlet, hours, title, text) in MEETING.items():
            items = [BRIDGE] if lang == "en" and bridge else []  # first: an item's link is its place
            if lang in langs:
                items.append((title, text))
            write_feed(self.root / f"{lang}.xml", outlet.lower(), items, hours_ago=hours)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    with serve_directory(root) as base:
        yield Site(root, base)


@pytest.fixture
def hooks():
    """Two webhook receivers on loopback: destinations A and B."""
    receivers = [WebhookReceiver(), WebhookReceiver()]
    servers = [start_webhook(r) for r in receivers]
    yield receivers
    for server in servers:
        server.shutdown()


def plan(rule_list: list[rules.AlertRule], urls: str) -> rules.AlertPlan:
    """Rules whose channel is $URLS; one message per alert (no first-run summary)."""
    return dataclasses.replace(rules.build_plan(rule_list, {"URLS": urls}), summarise_first_run=False)


def sent(receiver: WebhookReceiver) -> list[tuple[str, str]]:
    """(rule, title language) of every story alert delivered, in delivery order."""
    return [(a["rule_id"], a["lang"]) for body in receiver.delivered.values() for a in body["alerts"]
            if a["kind"] == "story"]  # operator alerts (a failing channel) go to every channel too


def by_lang(receiver: WebhookReceiver) -> dict[str, dict]:
    return {body["alerts"][0]["lang"]: body for body in receiver.delivered.values()}


def test_also_reported_in_names_the_events_other_languages_and_outlets(tmp_path, site, hooks):
    a, _ = hooks
    shipped = plan([rules.AlertRule("r", "russia_dprk", channels=("$URLS",))], a.url)
    db, data = tmp_path / "t.duckdb", tmp_path / "data"
    site.publish(("ko",), bridge=True)
    run_once(db, site.csv, shipped, data)
    first = by_lang(a)
    assert set(first) == {"ko", "en"}  # the first report of the meeting, and the bridge
    for body in first.values():  # each alone in its event so far: no line
        assert body["alerts"][0]["also_reported"] is None and "Also reported in" not in body["message"]

    site.publish(("ko", "ru", "ja", "en"), bridge=True)
    run_once(db, site.csv, shipped, data)
    later = {body["alerts"][0]["title"]: body for body in a.delivered.values()}
    en = later[MEETING["en"][2]]
    # earliest report first: Yonhap (ko, 5 h ago), TASS (ru, 4 h), Kyodo (ja, 3 h)
    assert en["alerts"][0]["also_reported"] == {"languages": ["ko", "ru", "ja"], "more_languages": 0,
                                                "outlets": ["Yonhap", "TASS", "Kyodo"], "more_outlets": 0}
    assert "Also reported in: ko, ru, ja (Yonhap, TASS, Kyodo)" in en["message"].splitlines()
    assert "Also reported in: ko, ru, ja (Yonhap, TASS, Kyodo)" in en["text"]  # Slack's text too
    ru = later[MEETING["ru"][2]]
    assert "Also reported in: ko, ja, en (Yonhap, Kyodo, Reuters)" in ru["message"]
    assert len(a.delivered) == 5  # ko + bridge, then ru, ja, en: the bridge alerted once
    events = {event for body in a.delivered.values() if (event := body["alerts"][0]["event_id"])}
    assert len(events) == 2

    # the JSON-lines log and the Atom feed carry the same line
    lines = [json.loads(line) for line in (data / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(1 for p in lines if p["also_reported"]) == 3
    atom = feedparser.parse((data / "alerts.atom").read_bytes())
    summaries = [e.summary for e in atom.entries if "Also reported in" in e.summary]
    assert len(summaries) == 3 and any("ko, ru, ja (Yonhap, TASS, Kyodo)" in s for s in summaries)


def test_also_reported_is_bounded_and_escaped_in_every_channel():
    """Six other languages and seven outlets, one with markup and a chat mention in its name."""
    also = also_reported(["ko", "ru", "ja", "zh", "hi", "uk"],
                         ["Yonhap", "TASS", "<b>Evil</b> @everyone", "Kyodo", "Xinhua", "PTI", "Ukrinform"])
    assert also == {"languages": ["ko", "ru", "ja", "zh"], "more_languages": 2,
                    "outlets": ["Yonhap", "TASS", "<b>Evil</b> @everyone", "Kyodo"], "more_outlets": 3}
    candidate = rules.StoryCandidate(
        story_id="s1", article_id="a1", topic="russia_dprk", score=1.0, lang="en", subtopics=(), title="T",
        url="https://x.example/a", outlets=("Reuters",), first_seen=NOW, published_at=NOW, event_id="e1",
        also_languages=("ko", "ru", "ja", "zh", "hi", "uk"),
        also_outlets=("Yonhap", "TASS", "<b>Evil</b> @everyone", "Kyodo", "Xinhua", "PTI", "Ukrinform"))
    payload = rules.story_payload(rules.AlertRule("r", "russia_dprk"), candidate)
    line = "Also reported in: ko, ru, ja, zh +2 more (Yonhap, TASS, <b>Evil</b> ＠everyone, Kyodo +3 more)"
    text = render_text([payload])
    assert line in text.splitlines() and "@everyone" not in text
    lone = rules.story_payload(rules.AlertRule("r", "russia_dprk"), dataclasses.replace(
        candidate, story_id="s2", event_id=None, also_languages=(), also_outlets=()))
    digest = render_text([payload, lone])  # a digest: the line for the story that has one
    assert digest.count("Also reported in:") == 1 and lone["also_reported"] is None
    body = render_json([payload], "k" * 32)
    assert "&lt;b&gt;Evil&lt;/b&gt;" in body["text"] and "<b>" not in body["text"]
    html = render_html(payload)
    assert "&lt;b&gt;Evil&lt;/b&gt;" in html and "<b>Evil" not in html
    atom = feedparser.parse(render_atom([("s1", NOW, payload)], NOW).encode())
    assert not atom.bozo and "&lt;b&gt;Evil&lt;/b&gt;" in atom.entries[0].summary
    mail, _ = build_email(instantiate("mailto://smtp.example?to=desk@example.org&from=n@smtp.example"),
                          (payload,), "k" * 32)
    assert line in mail.get_content()


def test_once_per_event_per_destination_and_rule(tmp_path, site, hooks):
    a, b = hooks
    once = rules.AlertRule("once", "russia_dprk", channels=("$URLS",), once_per_event=True)
    every = rules.AlertRule("every", "russia_dprk", channels=("$URLS",))
    db, data = tmp_path / "t.duckdb", tmp_path / "data"
    site.publish(("ko",))
    run_once(db, site.csv, plan([once, every], a.url), data)
    assert sorted(sent(a)) == [("every", "ko"), ("once", "ko")]

    # B is added; three more reports of the event arrive in one run
    site.publish(("ko", "ru", "ja", "en"))
    run_once(db, site.csv, plan([once, every], f"{a.url} {b.url}"), data)
    assert sorted(sent(a)) == [("every", "en"), ("every", "ja"), ("every", "ko"), ("every", "ru"), ("once", "ko")]
    # B never had the event: the once rule sends it its first report of this run (earliest published)
    assert sorted(sent(b)) == [("every", "en"), ("every", "ja"), ("every", "ru"), ("once", "ru")]
    log = query_db(db, "select rule_id, count(*) from alert_outbox where channel = 'sink:jsonl' group by 1")
    assert dict(log) == {"once": 1, "every": 4}  # the JSON-lines log is a destination like any other


def test_once_per_event_counts_a_pending_alert_and_not_a_dead_letter(tmp_path, site, hooks):
    a, b = hooks
    once = rules.AlertRule("once", "russia_dprk", channels=("$URLS",), once_per_event=True)
    db, data = tmp_path / "t.duckdb", tmp_path / "data"
    a.mode, b.mode = "down", "410"  # A drops connections (retried later), B refuses for good
    site.publish(("ko",))
    run_once(db, site.csv, plan([once], f"{a.url} {b.url}"), data, budget_s=1.0)
    assert dict(query_db(db, "select destination, status from alert_outbox where kind = 'story' "
                            "and channel <> 'sink:jsonl'")) == {_label(a): "pending", _label(b): "dead_letter"}
    a.mode, b.mode = "ok", "ok"
    site.publish(("ko", "ru"))
    run_once(db, site.csv, plan([once], f"{a.url} {b.url}"), data)
    # A: the pending ko alert is delivered now, and nothing for ru; B: its ko alert never arrived, so ru alerts
    assert sent(a) == [("once", "ko")]
    assert sent(b) == [("once", "ru")]
    run_once(db, site.csv, plan([once], f"{a.url} {b.url}"), data)
    assert sent(a) == [("once", "ko")] and sent(b) == [("once", "ru")]


@pytest.mark.parametrize("chunk_bytes", [8 << 20, 1], ids=["one_chunk", "a_chunk_per_feed"])
def test_once_per_event_two_reports_in_one_run_make_one_alert(tmp_path, site, hooks, chunk_bytes):
    a, _ = hooks
    once = rules.AlertRule("once", "russia_dprk", channels=("$URLS",), once_per_event=True)
    db = tmp_path / "t.duckdb"
    site.publish(("ko", "ru", "ja", "en"), bridge=True)
    run_once(db, site.csv, plan([once], a.url), tmp_path / "data", chunk_bytes=chunk_bytes)
    assert query_db(db, "select count(distinct event_id) from story_event_ids") == [(2,)]
    titles = [body["alerts"][0]["title"] for body in a.delivered.values()]
    assert len(titles) == 2 and BRIDGE[0] in titles  # one report of the meeting, and the bridge
    if chunk_bytes > 1:  # in one chunk the earliest published report speaks, naming the others
        meeting, = [body["alerts"][0] for body in a.delivered.values() if body["alerts"][0]["title"] != BRIDGE[0]]
        assert meeting["lang"] == "ko" and meeting["also_reported"]["languages"] == ["ru", "ja", "en"]


def test_once_per_event_is_parsed_and_validated(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("rule_id,topic,min_score,languages,subtopics,channels,mode,digest_hour,timezone,once_per_event\n"
                    "a,russia_dprk,,,,,immediate,,,yes\n"
                    "b,russia_dprk,,,,,immediate,,,\n"
                    "c,russia_dprk,,,,,immediate,,,FALSE\n", encoding="utf-8")
    assert [r.once_per_event for r in rules.read_alert_rules(path)] == [True, False, False]
    path.write_text("rule_id,topic,min_score,languages,subtopics,channels,mode\n"
                    "old,russia_dprk,,,,,immediate\n", encoding="utf-8")  # a file without the column: off
    assert [r.once_per_event for r in rules.read_alert_rules(path)] == [False]
    path.write_text("rule_id,topic,min_score,languages,subtopics,channels,mode,digest_hour,timezone,once_per_event\n"
                    "a,russia_dprk,,,,,immediate,,,maybe\n", encoding="utf-8")
    with pytest.raises(rules.AlertRulesError) as err:
        rules.read_alert_rules(path)
    assert str(err.value) == f"{path}:2: once_per_event 'maybe' must be yes or no (true/false, 1/0; empty: no)"


def _store_report(con, lang: str, title: str, text: str, hours_ago: float) -> str:
    """One report stored as a run's chunk stores it (article, story, event); returns its article_id."""
    article_id = f"{lang}-{hours_ago}"
    entry = Entry(feed_id=lang, url=f"https://{lang}.example/{article_id}", guid=article_id, title_html=title,
                  summary_html=text, content_html="", author=None, published_at=NOW - timedelta(hours=hours_ago),
                  feed_language=lang, link=f"https://{lang}.example/{article_id}")
    article = build_article(Candidate(article_id, entry_hash(entry), entry, (lang,)), topic_rules(SEEDS_DIR), None, NOW)
    with transaction(con):
        store.write_articles(con, "run", NOW, [article], [(article_id, lang)])
        link_events(con, [article], assign_stories(con, story_items([article], {}), NOW), NOW, SEEDS_DIR)
    return article_id


def test_events_merged_later_are_followed_as_the_view_follows_them(tmp_path):
    """The candidates resolve only their own stories' events; they must agree with story_event_ids,
    merges (event_merges) included, and a once_per_event rule sees the merged event's alerts."""
    con = store.open_store(tmp_path / "t.duckdb")
    try:
        store.upsert_feeds(con, [Feed(lang, outlet, f"https://{lang}.example/rss")
                                 for lang, (outlet, *_) in MEETING.items()], NOW)
        ko = _store_report(con, "ko", *MEETING["ko"][2:], hours_ago=5)
        ru = _store_report(con, "ru", *MEETING["ru"][2:], hours_ago=4)
        bridge = _store_report(con, "en", *BRIDGE, hours_ago=3)
        view = dict(con.execute("select a.article_id, e.event_id from articles as a "
                                "join story_event_ids as e on e.story_id = a.story_id").fetchall())
        assert view[ko] == view[ru] != view[bridge]
        # say a later linker finds the bridge report is part of the meeting's event
        con.execute("insert into event_merges values (?, ?, ?)", [view[bridge], view[ko], NOW])
        view = dict(con.execute("select a.article_id, e.event_id from articles as a "
                                "join story_event_ids as e on e.story_id = a.story_id").fetchall())
        candidates = {c.article_id: c for c in outbox.read_candidates(con, [ko, ru, bridge])}
        assert {a: c.event_id for a, c in candidates.items()} == view
        assert candidates[bridge].also_languages == ("ko", "ru")
        assert candidates[bridge].also_outlets == ("Yonhap", "TASS")
        assert candidates[ko].also_languages == ("ru", "en") and candidates[ko].also_outlets == ("TASS", "Reuters")
        # the meeting alerted once: the merged bridge report is the same event for once_per_event
        once = rules.AlertRule("once", "russia_dprk", channels=(), once_per_event=True)
        plan = rules.build_plan([once], {})
        outbox.insert_outbox(con, rules.select_story_alerts(plan, [candidates[ko]], NOW), NOW)
        prior = outbox.read_prior_alerts(con, plan, [candidates[bridge]])
        assert prior.events == {("once", rules.JSONL_SINK, view[ko])}
        assert rules.select_story_alerts(plan, [candidates[bridge]], NOW, prior) == []
        assert rules.select_story_alerts(plan, [candidates[bridge]], NOW) != []  # without the prior alerts: one
    finally:
        con.close()


def _label(receiver: WebhookReceiver) -> str:
    return rules.redact_url(receiver.url)
