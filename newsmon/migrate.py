"""Forward-only schema migrations: sql/migrations/NNN_verb_object.sql, applied in order.

Each pending file runs in one transaction together with its schema_migrations row
(version, name, checksum). An applied file whose checksum changed is an error: applied
migrations are never edited, a new numbered file is added instead.

A database that records a version this code does not know (written by a newer newsmon) is
refused before anything is written or queried: `SchemaTooNew`, one line naming both versions.
Writers meet the check in `apply_migrations`; readers that run queries call `check_schema`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from newsmon.db import transaction
from newsmon.paths import MIGRATIONS_DIR

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    pass


class SchemaTooNew(MigrationError):
    """The database was written by a newer newsmon; nothing was written."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def read_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNN_verb_object.sql")
        version = int(match.group(1))
        if version in migrations:
            raise MigrationError(f"{path.name}: version {version:03d} is used twice")
        migrations[version] = Migration(version, path.name, path.read_text(encoding="utf-8"))
    if not migrations:  # an install without its sql/ files would otherwise report "up to date" on nothing
        raise MigrationError(f"no migrations found in {directory}: this newsmon was installed without its "
                             f"SQL files; reinstall it from a wheel built with `uv build`")
    return [migrations[v] for v in sorted(migrations)]


def apply_migrations(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations; returns the names applied (empty when up to date)."""
    con.execute(
        "create table if not exists schema_migrations ("
        " version integer primary key, name varchar not null,"
        " checksum varchar not null, applied_at timestamptz not null default now())"
    )
    applied = {v: c for v, c in con.execute("select version, checksum from schema_migrations").fetchall()}
    migrations = read_migrations(directory)
    _refuse_unknown_versions(applied, migrations)
    done: list[str] = []
    for migration in migrations:
        if migration.version in applied:
            if applied[migration.version] != migration.checksum:
                raise MigrationError(f"{migration.name} was edited after it was applied (checksum differs)")
            continue
        try:
            with transaction(con):
                con.execute(migration.sql)
                con.execute(
                    "insert into schema_migrations (version, name, checksum) values (?, ?, ?)",
                    [migration.version, migration.name, migration.checksum],
                )
        except Exception as exc:
            raise MigrationError(f"{migration.name} failed and was rolled back: {exc}") from exc
        done.append(migration.name)
    return done


def check_schema(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> None:
    """For readers: raise SchemaTooNew when the database holds a version this code does not know.
    (An older schema is left to the next writer, which migrates it.)"""
    try:
        rows = con.execute("select version, checksum from schema_migrations").fetchall()
    except duckdb.CatalogException:
        return  # no schema yet: nothing newer than us
    _refuse_unknown_versions(dict(rows), read_migrations(directory))


def _refuse_unknown_versions(applied: dict[int, str], migrations: list[Migration]) -> None:
    known = {m.version for m in migrations}
    unknown = sorted(set(applied) - known)
    if not unknown:
        return
    ours, theirs = max(known, default=0), max(applied)
    names = ", ".join(f"{v:03d}" for v in unknown)
    relation = "newer than" if theirs > ours else "with migrations unknown to"
    raise SchemaTooNew(f"the database schema is at version {theirs:03d} (migration {names}), {relation} this"
                       f" newsmon's {ours:03d}: upgrade newsmon to use this database; it was left as it is")
