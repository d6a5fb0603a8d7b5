"""Delivery against hostile receivers on 127.0.0.1 (issue #16): trickling HTTP bodies and headers,
a trickling SMTP greeting, slow 200s, a receiver that never answers, broken file sinks.

Real parts only: raw-socket and aiosmtpd receivers, a real DuckDB file with outbox rows, the real
delivery pass. The only timing asserts are generous upper bounds that catch a hang.
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from receivers import HostileWebhook, SmtpReceiver, TricklingSmtp, WebhookReceiver, start_webhook

from newsmon import store
from newsmon.alerts import deliver, outbox, rules

HANG = 6.0  # seconds over the budget that only a hang (not a slow machine) would take


class Clock:
    """The pass's idea of now; moved forward to let backoff expire without waiting."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


def candidate(n: int, now: datetime) -> rules.StoryCandidate:
    return rules.StoryCandidate(
        story_id=f"s{n}", article_id=f"a{n}", topic="russia_dprk", score=0.9, lang="en", subtopics=(),
        title=f"Russia and DPRK story {n}", url=f"https://x.example/{n}", outlets=("Outlet A",),
        first_seen=now, published_at=now - timedelta(hours=1))


def plan_for(urls: str, operator: str = "") -> rules.AlertPlan:
    return rules.build_plan([rules.AlertRule("r", "russia_dprk", channels=("$URLS",))], {"URLS": urls}, operator)


def add_stories(con, plan, clock, first: int, count: int) -> None:
    now = clock()
    outbox.insert_outbox(con, rules.select_story_alerts(plan, [candidate(n, now) for n in range(first, first + count)],
                                                        now), now)


def rows(con, label_prefix: str) -> list[tuple]:
    return con.execute("select alert_id, status, attempts, last_error from alert_outbox "
                       "where destination like $p || '%' order by alert_id", {"p": label_prefix}).fetchall()


def stories(receiver: WebhookReceiver) -> int:
    return sum(1 for body in receiver.delivered.values() if body["alerts"][0]["kind"] == "story")


def timed_pass(con, plan, tmp_path, clock, budget_s, timeout_s=1.5):
    start = time.monotonic()
    report = deliver.deliver_alerts(con, plan, tmp_path / "data", budget_s=budget_s, timeout_s=timeout_s,
                                    clock=clock)
    return report, time.monotonic() - start


@pytest.fixture
def con(tmp_path):
    connection = store.open_store(tmp_path / "t.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def healthy():
    receiver = WebhookReceiver()
    server = start_webhook(receiver)
    yield receiver
    server.shutdown()


@pytest.mark.parametrize("mode", ["trickle_body", "trickle_headers", "slow_ok", "silent"])
def test_stuck_webhook_is_cut_others_delivered_and_nothing_lost_after_recovery(con, tmp_path, healthy, mode):
    stuck = HostileWebhook(mode, interval=0.4, delay=4.0)
    try:
        clock = Clock()
        plan = plan_for(f"{stuck.url} {healthy.url}")
        add_stories(con, plan, clock, 0, 3)
        report, elapsed = timed_pass(con, plan, tmp_path, clock, budget_s=3.0)
        assert elapsed < 3.0 + HANG
        assert stories(healthy) == 3  # the stuck channel cost the others nothing
        pending = rows(con, "json://127.0.0.1:" + str(stuck.port))
        assert {r[1] for r in pending} == {"pending"} and max(r[2] for r in pending) == 1  # one try, then stopped
        assert report.retried == 3 and report.sent == 6 + 2  # healthy + alerts.jsonl, + the operator alert to both
        assert any("timeout" in reason for reason in report.failures.values())
        assert "hook" not in " ".join(report.failed_sinks)

        clock.advance(minutes=1)  # still stuck: the next run delivers its new alerts all the same
        add_stories(con, plan, clock, 3, 2)
        report, elapsed = timed_pass(con, plan, tmp_path, clock, budget_s=3.0)
        assert elapsed < 3.0 + HANG and stories(healthy) == 5

        stuck.mode = "ok"  # recovered
        clock.advance(hours=2)
        report, _ = timed_pass(con, plan, tmp_path, clock, budget_s=10.0)
        assert {r[1] for r in rows(con, "json://127.0.0.1:" + str(stuck.port))} == {"sent"}
        story_keys = {r[0] for r in rows(con, "json://127.0.0.1:" + str(stuck.port))}
        story_hits = {k for k in stuck.hits if stuck.delivered.get(k, {"alerts": [{}]})["alerts"][0].get("kind") != "operator"}
        assert story_keys <= set(stuck.delivered)  # nothing lost
        assert story_keys == story_hits  # every resend carried its first key
    finally:
        stuck.close()


def test_slow_200s_cannot_stretch_the_pass_past_its_budget(con, tmp_path):
    slow = HostileWebhook("slow_ok", delay=0.7)
    try:
        clock = Clock()
        plan = plan_for(slow.url)
        add_stories(con, plan, clock, 0, 20)
        report, elapsed = timed_pass(con, plan, tmp_path, clock, budget_s=2.0, timeout_s=10.0)
        assert elapsed < 2.0 + HANG
        sent = sum(1 for r in rows(con, "json://") if r[1] == "sent")
        assert report.out_of_budget and 0 < sent < 20 and report.retried == 20 - sent
        report, _ = timed_pass(con, plan, tmp_path, clock, budget_s=30.0, timeout_s=10.0)
        assert len(slow.delivered) == 20 and set(slow.hits) == set(slow.delivered)
    finally:
        slow.close()


def test_trickling_smtp_greeting_is_cut_and_the_mail_goes_out_once_the_server_recovers(con, tmp_path):
    trickle = TricklingSmtp(interval=0.3)
    clock = Clock()
    plan = plan_for(trickle.url())
    add_stories(con, plan, clock, 0, 2)
    report, elapsed = timed_pass(con, plan, tmp_path, clock, budget_s=3.0)
    trickle.close()
    assert elapsed < 3.0 + HANG and report.retried == 2 and trickle.connections == 1
    time.sleep(0.2)
    with SmtpReceiver(port=trickle.port) as smtp:
        clock.advance(hours=2)
        report, _ = timed_pass(con, plan, tmp_path, clock, budget_s=10.0)
        assert len(smtp.messages) == 2 and {r[1] for r in rows(con, "mailto://")} == {"sent"}
        keys = {r[0] for r in rows(con, "mailto://")}
        assert {m["Message-ID"] for m in smtp.messages} == {f"<{k}@newsmon.alerts.rules>" for k in keys}


def test_an_apprise_plugin_that_cannot_be_cut_is_abandoned_at_the_deadline(con, tmp_path, healthy):
    stuck = HostileWebhook("trickle_body", interval=0.5)
    try:
        clock = Clock()
        plan = plan_for(f"form://127.0.0.1:{stuck.port}/hook {healthy.url}")  # sent by Apprise's own plugin
        add_stories(con, plan, clock, 0, 2)
        report, elapsed = timed_pass(con, plan, tmp_path, clock, budget_s=2.5)
        assert elapsed < 2.5 + HANG and stories(healthy) == 2
        assert {r[1] for r in rows(con, "form://")} == {"pending"}
        clock.advance(hours=2)  # its thread still trickles: that channel waits, the pass does not
        report, elapsed = timed_pass(con, plan, tmp_path, clock, budget_s=2.5)
        assert elapsed < 2.5 + HANG and any("still running" in r for r in report.failures.values())
    finally:
        stuck.close()


def test_a_broken_file_sink_fails_alone_and_raises_one_operator_alert(con, tmp_path, healthy):
    (tmp_path / "data" / "alerts.jsonl").mkdir(parents=True)  # a directory where the file should be
    (tmp_path / "data" / "alerts.atom").mkdir()
    operator = WebhookReceiver()
    server = start_webhook(operator)
    try:
        clock = Clock()
        plan = plan_for(healthy.url, operator.url)
        add_stories(con, plan, clock, 0, 2)
        report, _ = timed_pass(con, plan, tmp_path, clock, budget_s=5.0)
        assert stories(healthy) == 2
        assert set(report.failures) == {"alerts.jsonl", "alerts.atom"}
        conditions = sorted(b["alerts"][0]["subject"] for b in operator.delivered.values())
        assert conditions == ["alerts.atom", "alerts.jsonl"]
        clock.advance(minutes=5)
        timed_pass(con, plan, tmp_path, clock, budget_s=5.0)
        assert len(operator.delivered) == 2  # one alert per failing sink, not one per run
    finally:
        server.shutdown()


def test_a_failing_channel_s_operator_alert_goes_elsewhere(con, tmp_path, healthy):
    stuck = HostileWebhook("silent")
    try:
        clock = Clock()
        plan = plan_for(f"{stuck.url} {healthy.url}")  # no operator URLs: operator alerts use every channel
        add_stories(con, plan, clock, 0, 1)
        timed_pass(con, plan, tmp_path, clock, budget_s=3.0)
        bodies = [b for b in healthy.delivered.values() if b["alerts"][0]["kind"] == "operator"]
        assert [b["alerts"][0]["condition"] for b in bodies] == ["sink_failing"]
        operator_rows = con.execute("select destination from alert_outbox where kind = 'operator'").fetchall()
        assert sorted(r[0] for r in operator_rows) == ["alerts.jsonl", rules.redact_url(healthy.url)]
    finally:
        stuck.close()


def test_secrets_in_urls_never_reach_the_outbox_or_the_report(con, tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nobody listens there: connection refused
    url = f"json://alice:Pa55wordXYZ@127.0.0.1:{port}/hook/T0ken123?+X-Token=Hdr5ecret"
    clock = Clock()
    plan = plan_for(url)
    add_stories(con, plan, clock, 0, 1)
    report, _ = timed_pass(con, plan, tmp_path, clock, budget_s=2.0)
    dump = str(con.execute("select * from alert_outbox").fetchall()) + str(report)
    for secret in ("Pa55wordXYZ", "T0ken123", "Hdr5ecret", "alice"):
        assert secret not in dump
    assert report.retried == 1


def test_healthy_pass_reference_time(con, tmp_path, healthy):
    clock = Clock()
    plan = plan_for(healthy.url)
    add_stories(con, plan, clock, 0, 20)
    report, elapsed = timed_pass(con, plan, tmp_path, clock, budget_s=60.0)
    assert report.sent == 40 and not report.failures and elapsed < 30.0
    print(f"healthy pass of 20 messages: {elapsed:.2f} s")

