"""Issue #17: digests that digest, a first run (or a flood) as one summary, Apprise's URL grammar,
Apprise-shaped JSON, useful messages and a valid Atom feed. Real receivers on 127.0.0.1 and real
DuckDB files."""

from __future__ import annotations

import dataclasses
import ssl
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from alert_pipeline import plan_for, run_once, write_feed
from conftest import write_feeds_csv
from receivers import SmtpReceiver, WebhookReceiver, start_webhook

from newsmon import store
from newsmon.alerts import channels, deliver, outbox, rules
from newsmon.alerts.sinks import render_atom
from newsmon.demo import serve_directory

STORIES = [
    ("Russia and North Korea sign new railway agreement in Pyongyang",
     "Moscow and Pyongyang signed a deal on the Khasan-Rajin rail link, officials said."),
    ("Lavrov meets North Korean foreign minister Choe Son Hui in Moscow",
     "Russian Foreign Minister Sergei Lavrov held talks with Choe Son Hui on military cooperation."),
]


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    server = start_webhook(receiver)
    yield receiver
    server.shutdown()


def candidate(n: int, now: datetime) -> rules.StoryCandidate:
    return rules.StoryCandidate(
        story_id=f"s{n}", article_id=f"a{n}", topic="russia_dprk", score=0.9, lang="en", subtopics=(),
        title=f"Story {n}", url=f"https://x.example/{n}", outlets=("Outlet A",), first_seen=now,
        published_at=now - timedelta(hours=1))


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize("order", ["run_before_digest_hour", "run_at_digest_hour"])
def test_one_digest_message_per_period_whichever_comes_first(tmp_path, webhook, order):
    rule = rules.AlertRule("d", "russia_dprk", channels=("$URLS",), mode="digest", digest_hour=6)
    plan = rules.build_plan([rule], {"URLS": webhook.url})
    con = store.open_store(tmp_path / "t.duckdb")
    day = datetime(2026, 12, 1, tzinfo=UTC)
    clock = Clock(day + timedelta(hours=5, minutes=30) if order == "run_before_digest_hour" else day + timedelta(hours=6))

    def run(first: int, count: int, minutes_later: float) -> None:
        clock.now += timedelta(minutes=minutes_later)
        outbox.insert_outbox(con, rules.select_story_alerts(
            plan, [candidate(n, clock.now) for n in range(first, first + count)], clock.now), clock.now)
        deliver.deliver_alerts(con, plan, tmp_path / "data", budget_s=10, clock=clock)

    try:
        run(0, 9, 0)
        run(9, 9, 20)  # a second run in the same period, 18 stories in all
        if order == "run_before_digest_hour":
            assert webhook.hits == []  # the digest hour has not come
            run(18, 0, 20)  # 06:10: the digest goes
            assert len(webhook.hits) == 1 and len(webhook.hits[0].body["alerts"]) == 18
        else:
            # the 06:00 run sends its digest at once; the 06:20 run's stories belong to the next period
            assert len(webhook.hits) == 1 and len(webhook.hits[0].body["alerts"]) == 9
        run(30, 1, 60 * 24)  # the next morning: one digest with everything of that period
        assert len(webhook.hits) == 2
        assert len(webhook.hits[1].body["alerts"]) == (1 if order == "run_before_digest_hour" else 10)
    finally:
        con.close()


def test_first_run_sends_one_summary_and_later_runs_one_alert_per_story(tmp_path, webhook):
    www = tmp_path / "www"
    www.mkdir()
    write_feed(www / "a.xml", "outlet-a", STORIES)
    with serve_directory(www) as base:
        csv = write_feeds_csv(tmp_path / "feeds.csv", [("outlet_a", "Outlet A", f"{base}/a.xml")])
        plan = plan_for(webhook.url)
        run_once(tmp_path / "t.duckdb", csv, plan, tmp_path / "data")
        assert len(webhook.hits) == 1
        body = webhook.hits[0].body
        assert len(body["alerts"]) == 2 and "first run" in body["title"] and body["message"].startswith("First run")
        assert len((tmp_path / "data" / "alerts.jsonl").read_text().splitlines()) == 2  # the log keeps each
        write_feed(www / "a.xml", "outlet-a", STORIES + [
            ("Russia delivers fuel to North Korea by rail via Khasan", "Russian fuel reached Rajin port.")])
        run_once(tmp_path / "t.duckdb", csv, plan, tmp_path / "data")
        assert len(webhook.hits) == 2 and len(webhook.hits[1].body["alerts"]) == 1


def test_a_flood_is_one_summary_that_says_so(tmp_path, webhook):
    plan = dataclasses.replace(rules.build_plan([rules.AlertRule("r", "russia_dprk", channels=("$URLS",))],
                                                {"URLS": webhook.url}), flood_limit=3)
    con = store.open_store(tmp_path / "t.duckdb")
    now = datetime.now(UTC)
    try:
        con.execute("insert into runs (run_id, started_at, status) values ('old', $t, 'completed')",
                    {"t": now - timedelta(days=1)})
        con.execute("create temp table alert_batch_ids (article_id varchar)")  # no stored articles needed
        outbox.insert_outbox(con, rules.select_story_alerts(plan, [candidate(n, now) for n in range(5)], now), now)
        outbox.summarise_floods(con, plan, now)
        deliver.deliver_alerts(con, plan, tmp_path / "data", budget_s=10)
    finally:
        con.close()
    assert len(webhook.hits) == 1 and len(webhook.hits[0].body["alerts"]) == 5
    assert "per-run limit" in webhook.hits[0].body["message"]


def test_a_flood_over_several_chunks_is_one_summary(tmp_path, webhook):
    """Each chunk summarises only its own rows (an earlier chunk's rows are summarised already): a
    run's alerts from every chunk still go out as one message."""
    plan = dataclasses.replace(rules.build_plan([rules.AlertRule("r", "russia_dprk", channels=("$URLS",))],
                                                {"URLS": webhook.url}), flood_limit=3)
    con = store.open_store(tmp_path / "t.duckdb")
    now = datetime.now(UTC)
    try:
        con.execute("insert into runs (run_id, started_at, status) values ('old', $t, 'completed')",
                    {"t": now - timedelta(days=1)})
        for chunk in (range(5), range(5, 7), range(7, 9)):
            outbox.insert_outbox(con, rules.select_story_alerts(plan, [candidate(n, now) for n in chunk], now), now)
            outbox.summarise_floods(con, plan, now)
        rows = con.execute("select batch_id, payload->>'summary' from alert_outbox where channel <> ?",
                           [rules.JSONL_SINK]).fetchall()
        assert rows == [(None, "flood")] * 9  # the JSON-lines log keeps each alert as it is
        deliver.deliver_alerts(con, plan, tmp_path / "data", budget_s=10)
    finally:
        con.close()
    assert len(webhook.hits) == 1 and len(webhook.hits[0].body["alerts"]) == 9


def test_json_body_is_apprises_with_newsmons_fields_and_url_extras_apply(tmp_path, webhook):
    url = webhook.url + "?:type=&:title=headline&+X-Desk=asia"
    plan = rules.build_plan([rules.AlertRule("r", "russia_dprk", channels=("$URLS",))], {"URLS": url})
    con = store.open_store(tmp_path / "t.duckdb")
    now = datetime.now(UTC)
    try:
        outbox.insert_outbox(con, rules.select_story_alerts(plan, [candidate(1, now)], now), now)
        deliver.deliver_alerts(con, plan, tmp_path / "data", budget_s=10)
    finally:
        con.close()
    body = webhook.hits[0].body
    assert body["version"] == "1.0" and body["headline"] == "Story 1 (Outlet A)" and "type" not in body
    assert body["message"] and body["attachments"] == [] and body["idempotency_key"] == webhook.hits[0].key
    assert body["alerts"][0]["story_id"] == "s1"


@pytest.mark.parametrize("url, host, port, mode", [
    ("mailto://user:pw@gmail.com", "smtp.gmail.com", 587, "starttls"),
    ("mailto://user:pw@yahoo.com", "smtp.mail.yahoo.com", 465, "ssl"),
    ("mailtos://user:pw@smtp.example.org?to=desk@example.org", "smtp.example.org", 587, "starttls"),
    ("mailtos://user:pw@smtp.example.org:465?to=desk@example.org", "smtp.example.org", 465, "starttls"),
    ("mailtos://user:pw@smtp.example.org:465?mode=ssl&to=desk@example.org", "smtp.example.org", 465, "ssl"),
    ("mailto://127.0.0.1:2525?to=desk@example.org&from=n@example.org", "127.0.0.1", 2525, "insecure"),
    ("mailtos://u%40example.org:pw@example.org?smtp=mail.example.net&to=d@example.org", "mail.example.net", 587,
     "starttls"),
])
def test_email_urls_mean_what_they_mean_in_apprise(url, host, port, mode):
    plugin = channels.instantiate(url)
    assert (plugin.smtp_host, plugin.port, str(plugin.secure_mode)) == (host, port, mode)


def _self_signed() -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    import tempfile
    directory = tempfile.mkdtemp()
    with open(f"{directory}/c.pem", "wb") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM))
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(f"{directory}/c.pem")
    return context


def test_mailtos_uses_starttls_and_logs_in_only_over_tls(tmp_path):
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((session.ssl is not None, auth_data.login, auth_data.password))
        return AuthResult(success=True)

    with SmtpReceiver() as smtp:
        smtp.controller.stop()
        from aiosmtpd.controller import Controller
        smtp.controller = Controller(smtp.controller.handler, hostname="127.0.0.1", port=smtp.controller.port,
                                     tls_context=_self_signed(), require_starttls=True,
                                     authenticator=authenticator, auth_required=True)
        smtp.controller.start()
        url = (f"mailtos://desk%40example.org:app-pw@127.0.0.1:{smtp.controller.port}"
               "?to=desk@example.org&from=newsmon@example.org&verify=no")
        plan = rules.build_plan([rules.AlertRule("r", "russia_dprk", channels=("$URLS",))], {"URLS": url})
        con = store.open_store(tmp_path / "t.duckdb")
        now = datetime.now(UTC)
        try:
            outbox.insert_outbox(con, rules.select_story_alerts(plan, [candidate(1, now)], now), now)
            report = deliver.deliver_alerts(con, plan, tmp_path / "data", budget_s=10)
        finally:
            con.close()
        assert report.sent == 2 and len(smtp.messages) == 1, report
        assert logins == [(True, b"desk@example.org", b"app-pw")]  # after STARTTLS


def test_atom_feed_has_a_self_link_and_html_summaries_with_feed_text_escaped():
    now = datetime(2026, 12, 1, 6, tzinfo=UTC)
    c = dataclasses.replace(candidate(1, now), title="Kim <script>alert(1)</script> & Putin",
                            snippet="Line one <b>bold?</b>", feed_published_at=now - timedelta(hours=3),
                            side_terms=("russia", "dprk"), cue_terms=("railway",), languages=("en", "ko"))
    payload = rules.story_payload(rules.AlertRule("r", "russia_dprk"), c, "Russia–North Korea relations")
    feed = feedparser.parse(render_atom([("s1", now, payload)], now).encode())
    assert not feed.bozo and feed.version == "atom10"
    assert any(link.rel == "self" for link in feed.feed.links)
    entry, = feed.entries
    assert entry.summary_detail.type == "text/html" and "<script>" not in entry.summary
    assert "&lt;b&gt;bold?&lt;/b&gt;" in entry.summary and "Sides: russia, dprk" in entry.summary
    assert entry.title == "Kim <script>alert(1)</script> & Putin"
    assert entry.published_parsed[:4] == (2026, 12, 1, 3)  # publication time, not first seen
