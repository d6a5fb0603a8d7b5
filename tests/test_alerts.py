"""Pure alert logic: rules as data, selection, keys, retry policy, and text from hostile feeds."""

import email.policy
import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import feedparser
import pytest

from newsmon.alerts import rules as alerts
from newsmon.alerts.channels import instantiate
from newsmon.alerts.deliver import group_messages
from newsmon.alerts.outbox import DueAlert
from newsmon.alerts.rules import AlertRule, AlertRulesError, StoryCandidate
from newsmon.alerts.senders import build_email
from newsmon.alerts.sinks import render_atom
from newsmon.paths import SEEDS_DIR
from newsmon.untrusted import safe_link

NOW = datetime(2026, 11, 28, 5, 30, tzinfo=UTC)


def candidate(story_id="s1", article_id="a1", lang="en", score=0.9, subtopics=("military",), **kw):
    base = dict(story_id=story_id, article_id=article_id, topic="russia_dprk", score=score, lang=lang,
                subtopics=subtopics, title="Russia and DPRK sign a deal", url="https://x.example/a",
                outlets=("Outlet A",), first_seen=NOW, published_at=NOW - timedelta(hours=2))
    return StoryCandidate(**(base | kw))


def test_shipped_rules_use_one_env_var_for_the_default_rule():
    rules = alerts.read_alert_rules(SEEDS_DIR / "alert_rules.csv")
    assert [(r.rule_id, r.topic, r.mode, r.channels) for r in rules] == [
        ("russia_dprk", "russia_dprk", "immediate", ("$NEWSMON_ALERT_URLS",))]
    plan = alerts.load_plan(SEEDS_DIR / "alert_rules.csv", {}, "json://h1/x slack://T/B/C", "")
    (_, destinations), = plan.rules
    assert [d.key.split("#")[0] for d in destinations] == ["$NEWSMON_ALERT_URLS"] * 2 + ["sink:jsonl"]
    assert all("T/B/C" not in d.key + d.label for d in destinations)  # the secret path is never stored


def test_rule_errors_name_file_and_line(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("rule_id,topic,min_score,languages,subtopics,channels,mode,digest_hour\n"
                    "ok,russia_dprk,,,,,immediate,\n"
                    "Bad Id,russia_dprk,,,,,immediate,\n"
                    "d,russia_dprk,2,,,,digest,\n"
                    "e,russia_dprk,,,,not-a-url,immediate,\n"
                    "ok,russia_dprk,,,,,weekly,\n", encoding="utf-8")
    with pytest.raises(AlertRulesError) as err:
        alerts.read_alert_rules(path)
    lines = str(err.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:{n}" for n in (3, 4, 5, 6)]
    assert "digest_hour" in str(err.value) or "min_score" in lines[1]


def test_selection_one_alert_per_story_rule_and_destination():
    rule = AlertRule("r", "russia_dprk", min_score=0.5, languages=("en", "ru"), subtopics=("military",),
                     channels=("$URLS",))
    plan = alerts.build_plan([rule], {"URLS": "json://a/x json://b/y"})
    rows = alerts.select_story_alerts(plan, [
        candidate(), candidate(article_id="a2", lang="ru"),  # the same story twice: one alert
        candidate(story_id="s2", article_id="a3", lang="de"),  # language not in the rule
        candidate(story_id="s3", article_id="a4", score=0.4),  # below min_score
        candidate(story_id="s4", article_id="a5", subtopics=("economy",)),
        candidate(story_id="s5", article_id="a6", published_at=NOW - timedelta(days=30)),  # old news
    ], NOW)
    assert sorted((r.subject_id, r.label) for r in rows) == [
        ("s1", "alerts.jsonl"), ("s1", "json://a/…"), ("s1", "json://b/…")]
    assert rows[0].payload["lang"] == "en"
    assert len({r.alert_id for r in rows}) == 3
    assert alerts.alert_id("r", "s1", "k") == alerts.alert_id("r", "s1", "k") != alerts.alert_id("r", "s1", "k2")


def test_hostile_text_is_cleaned_for_every_channel():
    title = "Kim\u202e gnoJ\u200b <!channel> @everyone & <@U123>\r\nBcc: victim@example.org"
    payload = alerts.story_payload(AlertRule("r", "russia_dprk"), candidate(title=title, url="javascript:alert(1)"))
    assert "\r" not in payload["title"] and "\n" not in payload["title"]
    assert "\u202e" not in payload["title"] and "\u200b" not in payload["title"]
    assert payload["link"] is None
    text = alerts.render_text([payload])
    assert "@everyone" not in text and "<!channel>" not in text and "<@U123>" not in text
    slack = alerts.slack_escape(payload["title"])
    assert "<" not in slack and ">" not in slack and "&amp;" in slack
    mail, _ = build_email(instantiate("mailto://smtp.example?to=desk@example.org&from=n@smtp.example"),
                          (payload,), "k" * 32)
    headers = mail.as_string().split("\n\n", 1)[0]
    assert "\nBcc:" not in headers and mail["Message-ID"] == f"<{'k' * 32}@newsmon.alerts.rules>"
    with pytest.raises(ValueError):
        EmailMessage(policy=email.policy.default)["Subject"] = "x\r\nBcc: y"


@pytest.mark.parametrize("url, expected", [
    ("https://пример.рф/новости?id=1", "https://xn--e1afmkfd.xn--p1ai/новости?id=1"),
    ("HTTP://Example.org/a b", "http://example.org/a%20b"),
    ("file:///etc/passwd", None),
    ("data:text/html,hi", None),
    ("https://user:pw@example.org/", None),
    ("  javascript:alert(1)", None),
])
def test_safe_link(url, expected):
    assert safe_link(url) == expected


def test_retry_policy():
    rng = random.Random(1)
    delays = [alerts.backoff_delay(n, rng) for n in range(1, 12)]
    assert all(0 <= d <= alerts.ALERT_RETRY_CAP_S for d in delays)
    assert [alerts.classify_status(s) for s in (200, 204, 410, 401, 404, 429, 503, 500, None)] == \
        ["sent", "sent", "dead", "dead", "dead", "retry", "retry", "retry", "retry"]


def test_digest_waits_for_its_hour_and_keeps_its_key():
    rule = AlertRule("d", "russia_dprk", mode="digest", digest_hour=7, timezone="Europe/Moscow")
    assert alerts.next_digest_at(rule, NOW) == datetime(2026, 11, 29, 4, 0, tzinfo=UTC)  # 07:00 MSK
    assert alerts.next_digest_at(rule, datetime(2026, 11, 28, 4, 20, tzinfo=UTC)) == \
        datetime(2026, 11, 28, 4, 20, tzinfo=UTC)  # inside the hour: now
    due = [DueAlert(f"a{i}", "story", "d", f"s{i}", "c", {"kind": "story"}, 0, None, NOW) for i in range(3)]
    first, = group_messages(due)
    again, = group_messages(list(reversed(due)))
    assert first.batch_id == again.batch_id and len(first.alert_ids) == 3
    leased = [DueAlert(d.alert_id, d.kind, d.rule_id, d.subject_id, d.channel, d.payload, 1, first.batch_id, NOW)
              for d in due[:2]]
    resend = group_messages(leased + due[2:])
    assert first.batch_id in {m.batch_id for m in resend}  # a leased batch keeps its key


def test_atom_is_valid_for_feedparser():
    payload = alerts.story_payload(AlertRule("r", "russia_dprk"),
                                   candidate(title="Россия & КНДР <b>", outlets=("ТАСС", "Yonhap")))
    feed = feedparser.parse(render_atom([("s1", NOW, payload)], NOW).encode())
    assert not feed.bozo and feed.version == "atom10"
    entry, = feed.entries
    assert entry.title == "Россия & КНДР <b>" and entry.id.endswith("story/s1")
    assert entry.link == "https://x.example/a" and entry.title_detail.language == "en"
