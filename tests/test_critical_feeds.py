"""Critical feeds (#18): a primary source that fails or comes back empty has its fallbacks fetched in
the same run and raises one operator alert, and a feed that flaps alerts once, not every other run.

Real parts: feeds served from a loopback directory, real DuckDB files, the plain run loop.
"""

import os
import time
from dataclasses import replace
from datetime import UTC, datetime

from conftest import query_db

from newsmon.demo import serve_directory
from newsmon.feeds import read_feeds_csv
from newsmon.run.config import run_config
from newsmon.run.loop import run_ingest
from newsmon.settings import Settings

NOW = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _rss(title: str, items: list[tuple[str, str]]) -> str:
    """An RSS document; with no items it is the intermittently empty feed of a primary source."""
    body = "".join(f"<item><title>{t}</title><link>https://{title}.example/{i}</link><guid>{title}-{i}</guid>"
                   f"<pubDate>{NOW}</pubDate><description>{d}</description></item>" for i, (t, d) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://{title}.example/</link>{body}</channel></rss>")


def _write_feeds(tmp_path, base: str):
    csv_path = tmp_path / "feeds.csv"
    csv_path.write_text(
        "feed_id,name,url,language,active,role,critical,fallbacks\n"
        f"kcna,KCNA mirror,{base}/kcna.xml,en,true,primary,true,kcna_gn\n"
        f"kcna_gn,KCNA via search,{base}/kcna_gn.xml,en,,fallback,,\n"
        f"wire,Wire,{base}/wire.xml,en,true,primary,,\n", encoding="utf-8")
    return read_feeds_csv(csv_path)


def _config(db):
    settings = Settings.from_env({"NEWSMON_ALLOW_PRIVATE_NETWORKS": "1", "NEWSMON_PER_HOST_INTERVAL": "0"})
    return replace(run_config(settings, db), read_copy=False)


def test_an_empty_critical_feed_fetches_its_fallback_and_alerts_once_while_it_flaps(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "kcna_gn.xml").write_text(_rss("kcnagn", [("Rodong Sinmun on Russia ties", "A commentary.")]))
    (www / "wire.xml").write_text(_rss("wire", [("Markets open higher", "Stocks rose.")]))
    db = tmp_path / "db.duckdb"
    operator_alerts = ("select count(*) from alert_outbox where kind = 'operator' "
                       "and subject_id like 'critical_feed:kcna@%'")
    with serve_directory(www) as base:
        feeds = _write_feeds(tmp_path, base)
        for run, kcna_items in enumerate(([], [("KCNA: delegation leaves for Moscow", "Pyongyang.")], [])):
            _rewrite(www / "kcna.xml", _rss("kcna", kcna_items))
            run_ingest(feeds, _config(db), force=True)
            fetched = dict(query_db(db, "select feed_id, count(*) from fetch_events group by 1"))
            # the fallback is fetched exactly in the runs where the critical feed is empty
            assert fetched.get("kcna_gn", 0) == (1 if run < 2 else 2), (run, fetched)
            assert query_db(db, operator_alerts) == [(1,)], run  # raised once, kept through the flap
    titles = {t for (t,) in query_db(db, "select title from articles")}
    assert "Rodong Sinmun on Russia ties" in titles  # what the fallback carried is stored
    ((detail,),) = query_db(db, "select detail from alert_conditions where condition_id = 'critical_feed:kcna'")
    assert "held no item" in detail and "kcna_gn" in detail


def _rewrite(path, text: str) -> None:
    """Write a served feed with a Last-Modified later than its previous one: a rewrite within the
    same second as the last fetch would otherwise be answered 304 Not Modified."""
    before = path.stat().st_mtime if path.exists() else 0.0
    path.write_text(text)
    stamp = max(time.time(), before + 2)
    os.utime(path, (stamp, stamp))


def test_a_critical_feed_recovers_after_good_runs_in_a_row(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "kcna_gn.xml").write_text(_rss("kcnagn", []))
    (www / "wire.xml").write_text(_rss("wire", []))
    db = tmp_path / "db.duckdb"
    with serve_directory(www) as base:
        feeds = _write_feeds(tmp_path, base)
        (www / "kcna.xml").write_text(_rss("kcna", []))
        run_ingest(feeds, _config(db), force=True)
        _rewrite(www / "kcna.xml", _rss("kcna", [("KCNA: talks in Moscow", "Delegation.")]))
        for _ in range(3):
            run_ingest(feeds, _config(db), force=True)
    states = query_db(db, "select is_active from alert_conditions where condition_id = 'critical_feed:kcna'")
    assert states == [(False,)]
    recovered = query_db(db, "select count(*) from alert_outbox where kind = 'operator' "
                           "and subject_id like 'critical_feed:kcna@recovered%'")
    assert recovered == [(1,)]
