"""Migrations: all applied to a fresh file, a re-run is a no-op, a failing file leaves no trace."""

import duckdb
import pytest

from newsmon.migrate import MigrationError, apply_migrations, read_migrations


def test_fresh_database_gets_every_migration_then_nothing(db_path):
    con = duckdb.connect(str(db_path))
    applied = apply_migrations(con)
    assert applied == [m.name for m in read_migrations()]
    assert apply_migrations(con) == []
    versions = [v for (v,) in con.execute("select version from schema_migrations order by 1").fetchall()]
    assert versions == sorted({m.version for m in read_migrations()})


def test_numbers_are_unique_and_contiguous():
    versions = [m.version for m in read_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_failing_migration_rolls_back(tmp_path, db_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "001_create_things.sql").write_text("create table things (id integer);")
    (tmp_path / "m" / "002_break_things.sql").write_text("create table half (id integer); select * from nowhere;")
    con = duckdb.connect(str(db_path))
    with pytest.raises(MigrationError, match="002_break_things.sql failed"):
        apply_migrations(con, tmp_path / "m")
    tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "things" in tables and "half" not in tables
    assert con.execute("select count(*) from schema_migrations").fetchone()[0] == 1


def test_edited_migration_is_refused(tmp_path, db_path):
    (tmp_path / "m").mkdir()
    path = tmp_path / "m" / "001_create_things.sql"
    path.write_text("create table things (id integer);")
    con = duckdb.connect(str(db_path))
    apply_migrations(con, tmp_path / "m")
    path.write_text("create table things (id bigint);")
    with pytest.raises(MigrationError, match="edited"):
        apply_migrations(con, tmp_path / "m")


def test_bad_names_and_duplicate_versions_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1_x.sql").write_text("select 1;")
    with pytest.raises(MigrationError, match="NNN_verb_object"):
        read_migrations(tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "001_create_x.sql").write_text("select 1;")
    (tmp_path / "b" / "001_create_y.sql").write_text("select 1;")
    with pytest.raises(MigrationError, match="used twice"):
        read_migrations(tmp_path / "b")
