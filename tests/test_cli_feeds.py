"""`newsmon feeds check | diff | update | import-opml` end to end: real CSV files, a real loopback feed server."""

import csv
import email.utils
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsmon.cli import main
from newsmon.feeds import CSV_COLUMNS, read_feeds_csv
from newsmon.paths import SEEDS_DIR

SHIPPED = SEEDS_DIR / "feeds.csv"


class _Handler(BaseHTTPRequestHandler):
    """/fresh.xml: an RSS feed whose item is an hour old; anything else: 404."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/fresh.xml":
            when = email.utils.format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
            body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fresh</title>'
                    f"<link>http://127.0.0.1/</link><description>d</description><item><title>Лавров прибыл в Пхеньян"
                    f" для переговоров с Чвэ Сон Хи</title><link>http://127.0.0.1/a</link><pubDate>{when}</pubDate>"
                    f"</item></channel></rss>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
        else:
            body = b"not here"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def registry(path, rows: list[dict]):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({"language": "ru", "active": "true", **row})
    return path


def test_check_prints_the_table_and_fails_only_for_an_active_critical_feed(base, tmp_path, capsys):
    good = registry(tmp_path / "good.csv", [
        {"feed_id": "fresh", "name": "Fresh", "url": f"{base}/fresh.xml", "critical": "true"},
        {"feed_id": "gone", "name": "Gone", "url": f"{base}/gone.xml"},
        {"feed_id": "paused", "name": "Paused", "url": f"{base}/paused.xml", "active": "false", "critical": "true"},
    ])
    assert main(["feeds", "check", "--feeds", str(good)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert " ok " in lines["fresh"] and " dead " in lines["gone"] and "404" in lines["gone"]
    assert "paused" in lines and "3 feeds: 1 ok, 2 dead" in out
    assert main(["feeds", "check", "--feeds", str(good), "--active-only"]) == 0
    assert "paused" not in capsys.readouterr().out

    bad = registry(tmp_path / "bad.csv", [{"feed_id": "vital", "name": "Vital", "url": f"{base}/gone.xml",
                                           "critical": "true"}])
    assert main(["feeds", "check", "--feeds", str(bad)]) == 1
    assert "critical feeds not ok: vital" in capsys.readouterr().err


def _local_copy(tmp_path):
    """The shipped registry as a user edited it: one shipped feed missing, one changed, one of their own."""
    with open(SHIPPED, newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    missing, changed = rows[2]["feed_id"], rows[3]["feed_id"]
    kept = [row for row in rows if row["feed_id"] != missing]
    for row in kept:
        if row["feed_id"] == changed:
            row["notes"] = "my own note"
    kept.append({**{c: "" for c in CSV_COLUMNS}, "feed_id": "mine", "name": "Mine", "url": "https://mine.example/rss",
                 "active": "true"})
    path = tmp_path / "my.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in CSV_COLUMNS} for row in kept)
    return path, missing, changed


def test_diff_lists_new_changed_and_own_feeds_against_the_shipped_registry(tmp_path, capsys):
    path, missing, changed = _local_copy(tmp_path)
    assert main(["feeds", "diff", "--feeds", str(path)]) == 0
    out = capsys.readouterr().out
    assert any(line.startswith("new") and missing in line for line in out.splitlines())
    assert any(line.startswith("changed") and changed in line for line in out.splitlines())
    assert "notes: my own note -> " in out
    assert any(line.startswith("yours only") and " mine " in line for line in out.splitlines())
    assert "1 new, 1 changed, 1 only in yours" in out
    assert main(["feeds", "diff", "--feeds", str(SHIPPED)]) == 0
    assert "nothing to compare" in capsys.readouterr().out


def test_update_adds_new_feeds_and_replaces_only_the_changes_taken(tmp_path, capsys):
    path, missing, changed = _local_copy(tmp_path)
    assert main(["feeds", "update", "--feeds", str(path)]) == 0
    assert "added 1 new feeds, replaced 0 changed ones" in capsys.readouterr().out
    feeds = {f.feed_id: f for f in read_feeds_csv(path)}
    assert missing in feeds and "mine" in feeds and feeds[changed].notes == "my own note"
    assert main(["feeds", "update", "--feeds", str(path), "--take", changed]) == 0
    assert "added 0 new feeds, replaced 1 changed ones" in capsys.readouterr().out
    shipped = {f.feed_id: f for f in read_feeds_csv(SHIPPED)}
    assert {f.feed_id: f for f in read_feeds_csv(path)}[changed] == shipped[changed]
    assert main(["feeds", "update", "--feeds", str(path), "--all"]) == 0
    assert "replaced 0 changed ones" in capsys.readouterr().out
    assert main(["feeds", "diff", "--feeds", str(path)]) == 0
    assert "0 new, 0 changed, 1 only in yours" in capsys.readouterr().out


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><body>
<outline text="News">
  <outline type="rss" text="Good One" xmlUrl="https://good.example/rss"/>
  <outline type="rss" text="Old FTP" xmlUrl="ftp://files.example/feed.xml"/>
  <outline type="rss" text="Good One again" xmlUrl="https://good.example/rss"/>
  <outline type="rss" text="Known" xmlUrl="https://known.example/rss"/>
  <outline type="rss" text="Good Two" xmlUrl="https://two.example/feed"/>
</outline>
</body></opml>
"""


def test_import_opml_keeps_the_valid_feeds_and_lists_each_skipped_one(tmp_path, capsys):
    reg = registry(tmp_path / "feeds.csv", [{"feed_id": "known", "name": "Known", "url": "https://known.example/rss"}])
    opml = tmp_path / "export.opml"
    opml.write_text(OPML, encoding="utf-8")
    assert main(["feeds", "import-opml", str(opml), "--feeds", str(reg)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("skipped line 5:") and "ftp://files.example/feed.xml" in out[0]
    assert out[1].startswith("skipped line 6: same feed as line 4")
    assert out[2].startswith("skipped line 7: already in feeds.csv as known")
    assert out[3] == f"added 2 feeds to {reg} (3 in all); skipped 3 (listed above)"
    assert [f.url for f in read_feeds_csv(reg)] == ["https://known.example/rss", "https://good.example/rss",
                                                     "https://two.example/feed"]


def test_list_and_diff_show_feed_urls_without_their_credentials(tmp_path, capsys):
    """A private feed's URL carries a password in its userinfo and a token in its query: the listing
    (narrow and --wide) and the diff show the host and path with *** in place of the secrets."""
    secret_url = "https://reader:hunter2@private.example/rss?token=s3cr3t-t0ken&lang=ru"
    shown = "https://***@private.example/rss?token=***&lang=ru"
    shipped = {f.feed_id: f for f in read_feeds_csv(SHIPPED)}
    changed = next(iter(shipped))
    reg = registry(tmp_path / "feeds.csv", [
        {"feed_id": "private", "name": "Private", "url": secret_url},
        {"feed_id": changed, "name": shipped[changed].name, "url": secret_url.replace("/rss", "/rss2")},
    ])
    for wide in ([], ["--wide"]):
        assert main(["feeds", "list", "--feeds", str(reg), *wide]) == 0
        out = capsys.readouterr().out
        assert "hunter2" not in out and "s3cr3t" not in out and "reader" not in out
        assert "private.example/rss" in out
    assert shown in out  # --wide shows the whole (redacted) URL
    assert main(["feeds", "diff", "--feeds", str(reg)]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out and "s3cr3t" not in out
    assert f"url: {shown.replace('/rss', '/rss2')} -> {shipped[changed].url}" in out
