"""Set-up: .env files, `newsmon init`, where data goes, the alert flood setting, one Prefect home for run and serve."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from newsmon import paths
from newsmon.cli import main
from newsmon.migrate import MigrationError, apply_migrations
from newsmon.prefect_home import RECORD, serve_api_url, serving, use_running_serve
from newsmon.settings import Settings, SettingsError, load_env_file


def test_env_file_fills_in_what_the_environment_does_not_set(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nNEWSMON_DB=from-file.duckdb   # the file\nexport NEWSMON_WORKERS=3\n"
                        "NEWSMON_USER_AGENT='agent # not a comment'\nNEWSMON_FEEDS=\n", encoding="utf-8")
    environ = {"NEWSMON_WORKERS": "1"}
    assert sorted(load_env_file(env_file, environ)) == ["NEWSMON_DB", "NEWSMON_FEEDS", "NEWSMON_USER_AGENT"]
    settings = Settings.from_env(environ)
    assert settings.db_path == Path("from-file.duckdb") and settings.workers == 1  # the environment wins
    assert settings.user_agent == "agent # not a comment" and settings.feeds_csv == Settings().feeds_csv
    with pytest.raises(SettingsError, match="no such file"):
        load_env_file(tmp_path / "missing.env", {})


def test_the_cli_reads_dot_env_of_the_working_directory_and_env_file(tmp_path):
    db = tmp_path / "elsewhere.duckdb"
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / ".env").write_text(f"NEWSMON_DB={db}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NEWSMON_DB"}
    command = [sys.executable, "-m", "newsmon.cli", "migrate"]
    done = subprocess.run(command, cwd=tmp_path / "work", env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith(f"{db}: schema up to date (applied 001_")
    other = tmp_path / "other.env"
    other.write_text(f"NEWSMON_DB={tmp_path / 'other.duckdb'}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "newsmon.cli", "--env-file", str(other), "migrate"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and (tmp_path / "other.duckdb").exists()
    env["NEWSMON_DB"] = str(tmp_path / "real.duckdb")  # the real environment wins over .env
    done = subprocess.run(command, cwd=tmp_path / "work", env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith(f"{tmp_path / 'real.duckdb'}:")


def test_init_copies_every_editable_seed_and_writes_a_dot_env(tmp_path, capsys):
    target = tmp_path / "config"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    shipped = sorted(p.name for p in paths.SEEDS_DIR.glob("*.csv"))
    assert {"feeds.csv", "topics.csv", "topic_terms.csv", "alert_rules.csv"} <= set(shipped)
    assert sorted(p.name for p in target.glob("*.csv")) == shipped
    assert f"export NEWSMON_SEEDS={target}" in out and f"export NEWSMON_FEEDS={target / 'feeds.csv'}" in out
    environ: dict[str, str] = {}
    load_env_file(target / ".env", environ)
    settings = Settings.from_env(environ)
    assert settings.seeds_dir == target and settings.feeds_csv == target / "feeds.csv"
    assert settings.alert_rules_csv == target / "alert_rules.csv"
    (target / "feeds.csv").write_text("edited", encoding="utf-8")
    assert main(["init", str(target)]) == 0
    assert "kept" in capsys.readouterr().out and (target / "feeds.csv").read_text() == "edited"
    assert main(["init", str(target), "--force"]) == 0
    assert (target / "feeds.csv").read_bytes() == (paths.SEEDS_DIR / "feeds.csv").read_bytes()


def test_installed_data_goes_to_the_user_data_directory():
    assert paths.IS_CHECKOUT and paths.DEFAULT_DB == paths.ROOT / "data" / "newsmon.duckdb"
    assert paths.user_data_dir({"XDG_DATA_HOME": "/x/share"}, "linux") == Path("/x/share/newsmon")
    assert paths.user_data_dir({}, "linux") == Path.home() / ".local" / "share" / "newsmon"
    assert paths.user_data_dir({"XDG_DATA_HOME": "relative"}, "linux") == Path.home() / ".local/share/newsmon"
    assert paths.user_data_dir({}, "darwin") == Path.home() / "Library" / "Application Support" / "newsmon"


def test_migrate_fails_loudly_without_migrations(tmp_path):
    (tmp_path / "empty").mkdir()
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    with pytest.raises(MigrationError, match="no migrations found"):
        apply_migrations(con, tmp_path / "empty")
    con.close()


def test_alert_flood_reaches_the_run_plan():
    from newsmon.run.config import run_config

    assert Settings.from_env({}).alert_flood == 10
    settings = Settings.from_env({"NEWSMON_ALERT_FLOOD": "25"})
    assert run_config(settings, Path("x.duckdb")).alert_plan.flood_limit == 25
    with pytest.raises(SettingsError, match="NEWSMON_ALERT_FLOOD"):
        Settings.from_env({"NEWSMON_ALERT_FLOOD": "0"})


class _Health(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/api/health" else 404)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"true")


def test_a_run_uses_the_api_of_a_running_serve_else_its_own_server(tmp_path):
    home = tmp_path / ".prefect"
    assert serve_api_url(home) is None
    api = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    port = api.server_address[1]
    try:
        with serving(home, port):
            assert json.loads((home / RECORD).read_text())["pid"] == os.getpid()
            environ = {"PREFECT_HOME": str(home)}
            assert use_running_serve(environ) == f"http://127.0.0.1:{port}/api"
            assert environ["PREFECT_API_URL"] == f"http://127.0.0.1:{port}/api"
            configured = {"PREFECT_HOME": str(home), "PREFECT_API_URL": "http://elsewhere/api"}
            assert use_running_serve(configured) is None and configured["PREFECT_API_URL"] == "http://elsewhere/api"
        assert not (home / RECORD).exists()  # serve stopped: runs start their own server again
        (home / RECORD).write_text(json.dumps({"pid": 2 ** 22 + 12345, "port": port, "since": 0}))
        assert serve_api_url(home) is None  # a record left by a serve that was killed
    finally:
        api.shutdown()
        api.server_close()


def test_run_and_serve_share_one_prefect_home(monkeypatch):
    from newsmon.cli import _quiet_prefect_defaults

    monkeypatch.delenv("PREFECT_HOME", raising=False)
    _quiet_prefect_defaults()
    assert os.environ["PREFECT_HOME"] == str(paths.PREFECT_HOME) == str(paths.ROOT / ".prefect")
    from flows.serve import _offline_defaults

    monkeypatch.delenv("PREFECT_HOME")
    _offline_defaults()
    assert os.environ["PREFECT_HOME"] == str(paths.PREFECT_HOME)


def test_env_example_lists_every_setting_and_loads_as_a_dot_env():
    import re

    example = paths.ROOT / ".env.example"
    read = set(re.findall(r'"(NEWSMON_[A-Z_]+)"', (paths.ROOT / "newsmon" / "settings.py").read_text()))
    environ: dict[str, str] = {}
    load_env_file(example, environ)
    assert read <= set(environ), sorted(read - set(environ))
    Settings.from_env(environ)  # every default as written there is valid
