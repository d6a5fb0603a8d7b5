"""The wheel is a working newsmon: built with `uv build`, installed with pip into a fresh virtualenv (its
dependencies from the index, at the versions of uv.lock), and run from outside the checkout.

Slow (about 90 s on 2 cores, most of it pip installing Prefect and the rest) but kept in the suite:
a wheel without its sql/ and seeds/ once gave a newsmon that migrated nothing and listed no queries.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def _uv() -> list[str]:
    """uv as `uv run` started us (it sets $UV), else from PATH, else as a module of the system Python."""
    found = os.environ.get("UV") or shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


def _run(command: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([*_uv(), "build", "--quiet", "--out-dir", out, ROOT], cwd=ROOT, timeout=300)  # sdist, then the wheel from it
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> dict:
    """A fresh virtualenv with the wheel installed; returns its `newsmon` and a clean environment."""
    base = tmp_path_factory.mktemp("installed")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", venv], timeout=300)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], timeout=600)  # old pips drop extras (lxml[html-clean])
    constraints = base / "constraints.txt"
    constraints.write_text(_run([*_uv(), "export", "--locked", "--no-dev", "--no-hashes", "--no-emit-project",
                                 "--format", "requirements-txt", "--quiet"], cwd=ROOT, timeout=120).stdout)
    [wheel] = dist.glob("*.whl")
    _run([python, "-m", "pip", "install", "-q", "-c", constraints, wheel], timeout=900)
    home = base / "home"
    home.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "XDG_DATA_HOME": str(base / "xdg"),
           "LANG": "C.UTF-8"}
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return {"newsmon": venv / "bin" / "newsmon", "env": env, "cwd": elsewhere, "data": base / "xdg" / "newsmon",
            "site": Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())}


def test_the_wheel_and_sdist_carry_sql_seeds_and_prefect_yaml(dist):
    [wheel] = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ROOT.glob("sql/**/*.sql"):
        assert f"newsmon/_data/{path.relative_to(ROOT).as_posix()}" in names
    for path in ROOT.glob("seeds/**/*"):
        if path.is_file():
            assert f"newsmon/_data/{path.relative_to(ROOT).as_posix()}" in names
    assert "newsmon/_data/prefect.yaml" in names and "flows/ingest.py" in names


def test_installed_newsmon_works_outside_the_checkout(installed):
    def newsmon(*args: str) -> subprocess.CompletedProcess:
        return _run([installed["newsmon"], *args], env=installed["env"], cwd=installed["cwd"], timeout=300)

    data = installed["data"]
    migrated = newsmon("migrate")
    assert migrated.stdout.startswith(f"{data / 'newsmon.duckdb'}: schema up to date (applied 001_")
    queries = newsmon("queries").stdout.splitlines()
    assert len(queries) == 1 + len(list((ROOT / "sql" / "queries").glob("*.sql")))
    assert any(line.startswith("new_stories_since ") for line in queries)

    run = newsmon("run", "--demo")
    assert "feeds: 12 ok" in run.stdout and f"database: {data / 'newsmon.duckdb'}" in run.stdout
    assert "Bytecode compiled" not in run.stderr
    assert newsmon("query", "select count(*) > 50 as stored from articles", "--format", "json").stdout == \
        '[{"stored": true}]\n'
    assert {"alerts.atom", "report.html", ".prefect"} <= {p.name for p in data.iterdir()}  # one Prefect home
    assert not (Path(installed["env"]["HOME"]) / ".prefect").exists()  # not Prefect's default home
    assert list(installed["cwd"].iterdir()) == []  # nothing in the working directory
    site = installed["site"]
    assert not (site / "data").exists() and not (site / "newsmon" / "data").exists()

    newsmon("init", "config")
    assert (installed["cwd"] / "config" / "topic_terms.csv").exists()
    assert (installed["cwd"] / "config" / ".env").exists()
