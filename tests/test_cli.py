"""The command line: help everywhere, read-only queries, feed registry commands, tagging, one-line errors."""

import json
import subprocess
import sys

import duckdb
import pytest
from conftest import ROOT, write_feeds_csv

from newsmon.cli import EXAMPLES, build_parser, main


def test_every_command_has_help_with_an_example_and_is_in_the_readme(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        with pytest.raises(SystemExit):
            main([name, "--help"])
        out = capsys.readouterr().out
        assert "example" in out and EXAMPLES[name].split()[0] == "newsmon"
        assert f"newsmon {name}" in readme, name


@pytest.fixture
def small_db(db_path):
    from newsmon.store import open_store

    con = open_store(db_path)
    con.execute("insert into feeds values ('f1', 'Feed One', 'https://one.example/rss', 'ko', 'KR', true, null, now())")
    con.close()
    return db_path


def test_query_formats(small_db, capsys):
    assert main(["query", "--db", str(small_db), "select feed_id, name, language from feeds"]) == 0
    table = capsys.readouterr().out
    assert "feed_id" in table and "Feed One" in table and "(1 row)" in table
    assert main(["query", "--db", str(small_db), "--format", "json", "select feed_id, active from feeds"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"feed_id": "f1", "active": True}]
    assert main(["query", "--db", str(small_db), "--format", "csv", "select 1 as a, 'x,y' as b"]) == 0
    assert capsys.readouterr().out.splitlines() == ["a,b", '1,"x,y"']


def test_query_parameters_and_read_only(small_db, tmp_path, capsys):
    sql = tmp_path / "by_lang.sql"
    sql.write_text("-- feeds in a language\nselect feed_id from feeds where language = $lang\n")
    assert main(["query", "--db", str(small_db), "--file", str(sql), "--param", "lang=ko", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["feed_id", "f1"]
    assert main(["query", "--db", str(small_db), "--file", str(sql)]) == 1
    assert "--param lang=VALUE" in capsys.readouterr().err
    assert main(["query", "--db", str(small_db), "delete from feeds"]) == 1
    assert "read-only" in capsys.readouterr().err.lower()
    con = duckdb.connect(str(small_db), read_only=True)
    assert con.execute("select count(*) from feeds").fetchone()[0] == 1
    con.close()


def test_missing_database_is_one_line(tmp_path, capsys):
    assert main(["query", "--db", str(tmp_path / "none.duckdb"), "select 1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newsmon run" in err


def test_bad_feed_csv_is_reported_with_line_numbers(tmp_path, capsys):
    bad = tmp_path / "feeds.csv"
    bad.write_text("feed_id,name,url\nok,Ok,https://ok.example/rss\nbad,Bad,ftp://bad.example/rss\n")
    assert main(["run", "--feeds", str(bad), "--db", str(tmp_path / "x.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "feeds.csv:3" in err and "Traceback" not in err
    assert not (tmp_path / "x.duckdb").exists()


def test_feeds_export_import_round_trip(tmp_path, capsys):
    source = write_feeds_csv(tmp_path / "a.csv", [("one", "One", "https://one.example/rss"),
                                                  ("two", "Two", "https://two.example/atom")])
    opml = tmp_path / "feeds.opml"
    assert main(["feeds", "export-opml", "--feeds", str(source), "--out", str(opml)]) == 0
    target = write_feeds_csv(tmp_path / "b.csv", [("one", "One", "https://one.example/rss")])
    capsys.readouterr()
    assert main(["feeds", "import-opml", str(opml), "--feeds", str(target)]) == 0
    assert "added 1 feeds" in capsys.readouterr().out
    assert main(["feeds", "list", "--feeds", str(target)]) == 0
    assert "https://two.example/atom" in capsys.readouterr().out


def test_tag_reads_json_lines_in_order(capsys, monkeypatch):
    lines = [
        json.dumps({"id": 1, "title": "Lavrov meets Choe Son Hui in Wonsan, vows deeper Russia-DPRK ties"}),
        "{not json",
        json.dumps({"id": 3, "title": "Local football club wins the cup"}),
    ]
    monkeypatch.setattr(sys, "stdin", iter(line + "\n" for line in lines))
    assert main(["tag"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o.get("id") for o in out] == [1, None, 3]
    assert out[0]["lang"] == "en" and out[0]["topics"][0]["topic"] == "russia_dprk"
    assert out[0]["topics"][0]["evidence"]
    assert "error" in out[1] and out[2]["topics"] == []


def test_commands_that_do_not_run_a_flow_do_not_import_prefect(small_db):
    code = ("import sys; from newsmon.cli import main; "
            f"main(['query', '--db', {str(small_db)!r}, 'select 1']); "
            "main(['tag', 'Putin meets Kim Jong Un']); "
            "print('prefect' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


def test_core_package_never_imports_prefect():
    """Only the CLI may import flows/ (lazily, for `run`); nothing in newsmon/ imports prefect."""
    import ast

    for path in (ROOT / "newsmon").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "prefect" or n.startswith("prefect.") for n in names), path
            if path.name != "cli.py":
                assert not any(n.startswith("flows") for n in names), path
