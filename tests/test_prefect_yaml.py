"""prefect.yaml is the one source of the schedule for both routes: check it parses and says what we rely on.

Also the reader in newsmon/schedule.py, on small files written here (no Prefect server).
"""

import importlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from newsmon.paths import ROOT
from newsmon.schedule import PREFECT_YAML, ScheduleError, describe, read_deployment


def test_prefect_yaml_parses_and_lists_the_daily_deployment():
    document = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    names = [d["name"] for d in document["deployments"]]
    assert names.count("daily") == 1
    assert document["prefect-version"].startswith("3.")


def test_daily_deployment_has_a_cron_timezone_and_single_run_limit():
    spec = read_deployment("daily")
    assert spec.concurrency_limit == 1  # two runs must never write the DuckDB file at once
    assert len(spec.schedules) >= 1
    for schedule in spec.schedules:
        assert len(schedule["cron"].split()) == 5
        ZoneInfo(schedule["timezone"])  # raises when unknown
        assert schedule.get("active", True) is True
    assert spec.work_pool == "local-pool"


def test_daily_entrypoint_is_the_ingest_flow():
    spec = read_deployment("daily")
    path, function = spec.entrypoint.split(":")
    assert (ROOT / path).is_file()
    # Imported by module name, as `newsmon serve` does, after checking the name is that file.
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert Path(module.__file__).resolve() == (ROOT / path).resolve()
    flow = getattr(module, function)
    assert flow.name == "ingest-feeds"
    # Every parameter the deployment sets must exist on the flow (Prefect rejects unknown ones).
    assert set(spec.parameters) <= set(flow.parameters.properties)


def _write(tmp_path, body: str):
    path = tmp_path / "prefect.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_reader_returns_schedule_limit_parameters_and_pool(tmp_path):
    path = _write(tmp_path, """
deployments:
  - name: other
    entrypoint: flows/x.py:x
  - name: daily
    entrypoint: flows/ingest.py:ingest_feeds
    tags: [a, b]
    concurrency_limit: 2
    parameters: {force: true}
    schedules:
      - cron: "30 5 * * 1-5"
        timezone: "Asia/Pyongyang"
      - interval: 3600
    work_pool: {name: pool-x}
""")
    spec = read_deployment("daily", path)
    assert spec.concurrency_limit == 2 and spec.tags == ("a", "b") and spec.parameters == {"force": True}
    assert spec.schedules == ({"cron": "30 5 * * 1-5", "timezone": "Asia/Pyongyang"}, {"interval": 3600})
    assert spec.work_pool == "pool-x"
    assert describe(spec) == "cron 30 5 * * 1-5 (Asia/Pyongyang); interval 3600"


@pytest.mark.parametrize("deployment, message", [
    ("  - name: daily\n    entrypoint: no-colon\n", "entrypoint"),
    ("  - name: daily\n    entrypoint: f.py:f\n    concurrency_limit: 0\n", "concurrency_limit"),
    ("  - name: daily\n    entrypoint: f.py:f\n    schedules: [{cron: '0 6 * * *', timezone: Mars/Ares}]\n",
     "timezone"),
    ("  - name: daily\n    entrypoint: f.py:f\n    schedules: [{cron: '0 6 * * *', interval: 60}]\n",
     "exactly one"),
    ("  - name: daily\n    entrypoint: f.py:f\n    schedules: [{cron: '0 6 *'}]\n", "5 fields"),
    ("  - name: daily\n    entrypoint: f.py:f\n    schedules: [{cron: '0 6 * * *', tz: UTC}]\n",
     "unknown keys"),
    ("  - name: weekly\n    entrypoint: f.py:f\n", "'weekly'"),
    ("  - name: daily\n    entrypoint: f.py:f\n  - name: daily\n    entrypoint: g.py:g\n", "expected one"),
])
def test_reader_rejects_what_prefect_would_misread(tmp_path, deployment, message):
    path = _write(tmp_path, "deployments:\n" + deployment)
    with pytest.raises(ScheduleError, match=message):
        read_deployment("daily", path)


def test_reader_reports_broken_yaml(tmp_path):
    with pytest.raises(ScheduleError, match="not valid YAML"):
        read_deployment("daily", _write(tmp_path, "deployments: [\n"))


def test_silence_window_is_the_longest_gap_between_runs_plus_a_margin(tmp_path):
    from datetime import UTC, datetime, timedelta

    from newsmon.schedule import SILENCE_MARGIN, read_deployment, silence_window

    path = tmp_path / "prefect.yaml"
    path.write_text("""
deployments:
  - name: weekdays
    entrypoint: flows/ingest.py:ingest_feeds
    schedules:
      - cron: "0 6 * * 1-5"
        timezone: "Europe/Moscow"
""")
    spec = read_deployment("weekdays", path)
    now = datetime(2026, 12, 1, tzinfo=UTC)  # a Tuesday: the gap over the weekend is the longest
    assert silence_window(spec, now) == timedelta(days=3) + SILENCE_MARGIN
    assert silence_window(read_deployment("daily"), now) == timedelta(days=1) + SILENCE_MARGIN
