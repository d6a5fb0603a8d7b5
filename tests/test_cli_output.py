"""Terminal output: tables aligned by display width, cut cells marked, JSON as JSON, pipes closed early."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from newsmon.cli import main
from newsmon.query import format_rows
from newsmon.table import display_width, fit, format_table

WIDE_TEXTS = ["북러 정상회담", "俄朝关系", "रूस और उत्तर कोरिया", "Cafe\u0301 ok", "plain"]


def test_display_width_counts_terminal_columns():
    assert display_width("북러") == 4 and display_width("俄朝") == 4
    assert display_width("Cafe\u0301") == 4  # a combining accent takes no column
    assert display_width("नमस्ते") == 4  # virama and vowel signs combine
    assert display_width("abc") == 3


@pytest.mark.parametrize("text", WIDE_TEXTS)
def test_table_columns_line_up_whatever_the_script(text):
    lines = format_table(["name", "n"], [[t, "1"] for t in WIDE_TEXTS], rule=True)
    starts = {display_width(line[: line.rindex("1")]) for line in lines[2:]}
    assert len(starts) == 1  # the second column starts at the same terminal column in every row
    assert display_width(lines[1].split("  ")[0]) == max(display_width(t) for t in WIDE_TEXTS)


def test_cut_cells_end_in_an_ellipsis_and_wide_shows_them_whole():
    url = "https://www.example.org/" + "a" * 80
    assert fit(url, 60).endswith("…") and display_width(fit(url, 60)) == 60
    assert display_width(fit("북" * 40, 11)) <= 11 and fit("북" * 40, 11).endswith("…")
    assert fit("short", 60) == "short"
    table = format_rows(["url"], [(url,)])
    assert url not in table and "…" in table
    assert url in format_rows(["url"], [(url,)], wide=True)
    assert url in format_rows(["url"], [(url,)], "csv")


def test_json_is_one_array_jsonl_one_object_per_line_and_nested_values_stay_json():
    evidence = [{"term": "북러", "role": "both_sides"}]
    rows = [(evidence, 1, ["diplomacy"]), ({"a": None}, 2, [])]
    columns = ["evidence", "n", "subtopics"]
    assert json.loads(format_rows(columns, rows, "json")) == [
        {"evidence": evidence, "n": 1, "subtopics": ["diplomacy"]}, {"evidence": {"a": None}, "n": 2, "subtopics": []}]
    assert format_rows(columns, [], "json") == "[]\n"
    lines = format_rows(columns, rows, "jsonl").splitlines()
    assert [json.loads(line)["n"] for line in lines] == [1, 2]
    first = next(csv.reader(io.StringIO(format_rows(columns, rows, "csv").splitlines()[1])))
    assert json.loads(first[0]) == evidence and json.loads(first[2]) == ["diplomacy"]


def test_query_json_columns_come_out_nested(migrated_db, db_path, capsys):
    migrated_db.close()
    sql = "select '[{\"term\": \"北\", \"where\": \"title\"}]'::json as evidence, ['a', 'b'] as subtopics"
    assert main(["query", "--db", str(db_path), "--format", "json", sql]) == 0
    assert json.loads(capsys.readouterr().out) == [{"evidence": [{"term": "北", "where": "title"}],
                                                    "subtopics": ["a", "b"]}]
    assert main(["query", "--db", str(db_path), "--format", "csv", sql]) == 0
    assert capsys.readouterr().out.splitlines()[1] == '"[{""term"": ""北"", ""where"": ""title""}]","[""a"", ""b""]"'


COMMANDS = {
    "query": ["query", "--db", "{db}", "select * from range(20000)"],
    "feeds list": ["feeds", "list"],
    "alerts": ["alerts", "--db", "{db}"],
    "queries": ["queries"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_reader_that_goes_away_ends_nothing_in_a_traceback(name, migrated_db, db_path, tmp_path):
    migrated_db.close()
    argv = [a.replace("{db}", str(db_path)) for a in COMMANDS[name]]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout buffered, as for most users
    # The reader is gone before the first write: every write fails, deterministically.
    process = subprocess.Popen([sys.executable, "-m", "newsmon.cli", *argv], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(60) == 0 and err == ""
    # And as a shell runs it: `| head -1`, newsmon's own exit status.
    command = " ".join(f"'{a}'" for a in [sys.executable, "-m", "newsmon.cli", *argv])
    shell = subprocess.run(["bash", "-c", f"set -o pipefail; {command} | head -1; echo \"rc=${{PIPESTATUS[0]}}\" >&2"],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60, env=env)
    assert shell.stderr.strip() == "rc=0" and len(shell.stdout.splitlines()) == 1
