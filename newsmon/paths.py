"""Where newsmon finds what it ships (SQL files, seeds, prefect.yaml) and where it keeps its data.

Two layouts, one set of names:
- a checkout (`uv run newsmon ...` in the repository): `sql/`, `seeds/` and `prefect.yaml` at the top of
  the repository; data in its `data/`, Prefect's home in its `.prefect/`.
- an installed wheel (`uv tool install`, `pipx install`, `pip install`): the wheel carries the same files
  as package data under `newsmon/_data/` (pyproject.toml, hatch `force-include`), read through
  importlib.resources; data in the user's data directory (`$XDG_DATA_HOME/newsmon`, else
  `~/.local/share/newsmon`; `~/Library/Application Support/newsmon` on macOS, `%LOCALAPPDATA%\\newsmon`
  on Windows), never beside site-packages.
"""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def _is_checkout(root: Path) -> bool:
    return (root / "pyproject.toml").is_file() and (root / "sql" / "migrations").is_dir()


def user_data_dir(environ=os.environ, platform: str = sys.platform) -> Path:
    """The per-user data directory of an installed newsmon (platformdirs' user_data_dir, by hand)."""
    if platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "newsmon"
    if platform.startswith("win"):
        return Path(environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "newsmon"
    base = environ.get("XDG_DATA_HOME") or ""
    return (Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share") / "newsmon"


IS_CHECKOUT = _is_checkout(_PACKAGE_PARENT)
# ROOT holds sql/, seeds/ and prefect.yaml: the repository, or the installed package's data.
ROOT = _PACKAGE_PARENT if IS_CHECKOUT else Path(str(files("newsmon").joinpath("_data")))
SQL_DIR = ROOT / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
STATEMENTS_DIR = SQL_DIR / "statements"
QUERIES_DIR = SQL_DIR / "queries"
SEEDS_DIR = ROOT / "seeds"
DEMO_DIR = SEEDS_DIR / "demo"
PREFECT_YAML = ROOT / "prefect.yaml"
# Where the database, alerts and report go by default, and Prefect's home for `run` and `serve` alike.
DATA_DIR = _PACKAGE_PARENT / "data" if IS_CHECKOUT else user_data_dir()
DEFAULT_DB = DATA_DIR / "newsmon.duckdb"
PREFECT_HOME = (_PACKAGE_PARENT if IS_CHECKOUT else DATA_DIR) / ".prefect"
