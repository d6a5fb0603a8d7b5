"""Repository-relative locations of the data the package reads: SQL files and seeds."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
STATEMENTS_DIR = SQL_DIR / "statements"
QUERIES_DIR = SQL_DIR / "queries"
SEEDS_DIR = ROOT / "seeds"
DEMO_DIR = SEEDS_DIR / "demo"
DEFAULT_DB = ROOT / "data" / "newsmon.duckdb"
