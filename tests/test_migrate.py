"""Migrations: all applied to a fresh file, a re-run is a no-op, a failing file leaves no trace."""

import duckdb
import pytest

from newsmon.migrate import MigrationError, SchemaTooNew, apply_migrations, check_schema, read_migrations


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


def test_a_schema_newer_than_the_code_is_refused_before_anything_is_written(tmp_path, db_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "001_create_things.sql").write_text("create table things (id integer);")
    con = duckdb.connect(str(db_path))
    apply_migrations(con)  # the real schema: 001..latest
    latest = max(m.version for m in read_migrations())
    # this code knows only 001: the database was written by a newer newsmon
    with pytest.raises(SchemaTooNew) as caught:
        apply_migrations(con, tmp_path / "m")
    message = str(caught.value)
    assert f"version {latest:03d}" in message and "newsmon's 001" in message and "\n" not in message
    with pytest.raises(SchemaTooNew):
        check_schema(con, tmp_path / "m")  # what readers call
    tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "things" not in tables
    check_schema(con)  # the code that wrote it is content


def test_a_reader_of_a_database_without_a_schema_is_not_refused(db_path):
    check_schema(duckdb.connect(str(db_path)))


def test_migration_005_keeps_every_article_id(tmp_path, db_path):
    """A database at 004 with articles (one with a cache-buster in its stored canonical URL) keeps its
    rows and ids; the new columns start empty."""
    (tmp_path / "m").mkdir()
    for migration in read_migrations():
        if migration.version <= 4:
            (tmp_path / "m" / migration.name).write_text(migration.sql, encoding="utf-8")
    con = duckdb.connect(str(db_path))
    apply_migrations(con, tmp_path / "m")
    con.execute("insert into articles (article_id, url, guid, title, text, first_seen_at, updated_at, feed_id, lang,"
                " lang_prob, content_hash, run_id) select 'a' || i, 'https://x.example/a?ts=' || i, null, 't', '', now(),"
                " now(), 'f', 'en', 1.0, 'h' || i, 'r' from range(1000) t(i)")
    before = con.execute("select article_id, url from articles order by 1").fetchall()
    assert [m.split("_")[0] for m in apply_migrations(con)] == [f"{v:03d}" for v in range(5, len(read_migrations()) + 1)]
    assert con.execute("select article_id, url from articles order by 1").fetchall() == before
    assert con.execute("select count(*) from articles where canonical_url is null and identity_key is null").fetchone()[0] == 1000
