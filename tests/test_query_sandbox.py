"""`newsmon query` is read-only in fact: on a real demo database, statements that would write files,
open other databases, reach for extensions or the network, read files, or turn the sandbox's settings
back on are refused, each with one line, and nothing appears on disk; the named queries still run."""

import shutil
from pathlib import Path

import duckdb
import pytest
from demo_db import shared_demo_db

from newsmon.migrate import SchemaTooNew, read_migrations
from newsmon.paths import QUERIES_DIR
from newsmon.query import QueryError, run_query


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A private copy of the shared demo database, with another database and a secret file beside it."""
    folder = tmp_path_factory.mktemp("sandbox")
    db = folder / "newsmon.duckdb"
    shutil.copy(shared_demo_db(), db)
    other = duckdb.connect(str(folder / "other.duckdb"))
    other.execute("create table precious as select 42 as answer")
    other.close()
    (folder / "secret.txt").write_text("password=hunter2\n", encoding="utf-8")
    return db


def _refused(db: Path, sql: str, match: str) -> str:
    before = sorted(p.name for p in db.parent.iterdir())
    with pytest.raises(QueryError) as caught:
        run_query(db, sql)
    message = str(caught.value)
    assert "\n" not in message and message, message
    assert re_search(match, message), message
    assert sorted(p.name for p in db.parent.iterdir()) == before  # not a file more
    return message


def re_search(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text, re.IGNORECASE) is not None


@pytest.mark.parametrize("sql, match", [
    ("copy (select * from articles) to 'stolen.csv'", "read-only: COPY"),
    ("copy articles to 'stolen.parquet' (format parquet)", "read-only: COPY"),
    ("export database 'dump'", "read-only: EXPORT"),
    ("attach 'other.duckdb' as o (read_write)", "read-only: ATTACH"),
    ("select 1; attach 'other.duckdb' as o", "read-only: ATTACH"),
    ("install httpfs", "INSTALL and LOAD"),
    ("load httpfs", "INSTALL and LOAD"),
    ("force install httpfs from community", "INSTALL and LOAD"),
    ("set enable_external_access = true", "refuses to change enable_external_access"),
    ("reset enable_external_access", "refuses to change enable_external_access"),
    ("set lock_configuration = false", "refuses to change lock_configuration"),
    ("set autoinstall_known_extensions = true", "refuses to change autoinstall_known_extensions"),
    ("pragma enable_external_access = true", "refuses to change"),
    ("select 1; set timezone = 'UTC'", "refuses to change timezone"),  # only leading SETs, before the lock
    ("set global timezone = 'UTC'", "refuses to change timezone"),
    ("delete from articles", "read-only: DELETE"),
    ("create table x as select 1", "read-only: CREATE"),
])
def test_statements_that_escape_are_refused_before_running(demo_db, sql, match):
    _refused(demo_db, sql, match)


@pytest.mark.parametrize("sql", [
    "select * from read_text('secret.txt')",
    "select * from read_csv('secret.txt')",
    "select * from read_blob('newsmon.duckdb')",  # not even the database's own file as bytes
    "select * from glob('*')",
    "select * from 'other.duckdb'",
    "select * from read_parquet('https://example.com/x.parquet')",
    "select * from read_json('http://127.0.0.1:9/x.json')",
    "with t as (select * from read_text('/etc/hostname')) select * from t",
])
def test_reading_files_or_urls_inside_a_query_is_refused_by_duckdb(demo_db, sql):
    message = _refused(demo_db, sql, r"Permission Error|disabled")
    assert message.startswith("newsmon query: ")


def test_other_database_is_untouched(demo_db):
    _refused(demo_db, "attach 'other.duckdb' as o (read_write); delete from o.precious", "ATTACH")
    con = duckdb.connect(str(demo_db.parent / "other.duckdb"), read_only=True)
    assert con.execute("select answer from precious").fetchall() == [(42,)]
    con.close()


def test_ordinary_queries_and_a_leading_timezone_work(demo_db):
    columns, rows = run_query(demo_db, "select lang, count(*) as n from articles group by 1 order by 2 desc")
    assert columns == ["lang", "n"] and rows
    columns, rows = run_query(demo_db, "set timezone = 'Asia/Seoul'; select current_setting('TimeZone') as tz")
    assert rows == [("Asia/Seoul",)]
    assert run_query(demo_db, "describe articles")[1]
    assert run_query(demo_db, "pragma table_info('articles')")[1]
    assert run_query(demo_db, "set variable n = 2; select getvariable('n') * 2")[1] == [(4,)]
    _, rows = run_query(demo_db, "select current_setting('enable_external_access'), current_setting('lock_configuration')")
    assert rows == [(False, True)]


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_named_queries_run_in_the_sandbox(demo_db, path):
    columns, _ = run_query(demo_db, path.read_text(encoding="utf-8"), {"since": "2000-01-01"})
    assert columns


def test_a_schema_newer_than_the_code_is_refused(tmp_path, demo_db):
    db = tmp_path / "newer.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("insert into schema_migrations (version, name, checksum) values (99, '099_future_thing.sql', 'x')")
    con.close()
    with pytest.raises(SchemaTooNew) as caught:
        run_query(db, "select count(*) from articles")
    message = str(caught.value)
    assert "version 099" in message and f"newsmon's {max(m.version for m in read_migrations()):03d}" in message
    assert "\n" not in message
