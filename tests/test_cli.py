"""The command line, run as users run it: ``python -m danvan_metrics dump`` and ``check``."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from danvan_metrics.cli import main as cli
from danvan_metrics.core import config
from danvan_metrics.core.model import DUMP_COLUMNS
from tests.test_check import COMPLAINTS_ROW, copy_project, edit

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def run(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DANVAN_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "danvan_metrics", *map(str, args)],
        cwd=config.PROJECT_DIR, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def dump_csv(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    home = tmp_path_factory.mktemp("cli_home")
    result = run("dump", home=home)
    assert result.returncode == 0, result.stderr
    assert (home / config.RECORD_FILE_NAME).is_file()  # the store went to DANVAN_HOME, not ./instance
    header = result.stdout.splitlines()[0]
    assert header.split(",")[: len(DUMP_COLUMNS)] == DUMP_COLUMNS
    return list(csv.DictReader(io.StringIO(result.stdout)))


def by_key(rows: list[dict[str, str]], unit_id: str, metric_id: str) -> dict[str, str]:
    (row,) = [r for r in rows if r["unit_id"] == unit_id and r["metric_id"] == metric_id]
    return row


def test_dump_header_starts_with_the_contract_columns(dump_csv: list[dict[str, str]]) -> None:
    assert list(dump_csv[0])[: len(DUMP_COLUMNS)] == [
        "unit_id", "unit_name", "metric_id", "metric_name", "period_start", "period_end", "period_label", "value",
        "qualifier", "numerator", "denominator", "unit_of_measure", "source_id", "source_quote",
    ]  # fmt: skip


def test_dump_has_one_row_per_figure(dump_csv: list[dict[str, str]]) -> None:
    assert len(dump_csv) == 33
    keys = {(r["unit_id"], r["metric_id"], r["period_start"], r["period_end"]) for r in dump_csv}
    assert len(keys) == 33
    assert all(r["source_quote"] and r["source_id"] and r["period_label"] for r in dump_csv)


def test_dump_dates_are_iso(dump_csv: list[dict[str, str]]) -> None:
    for row in dump_csv:
        assert ISO_DATE.match(row["period_start"]), row["period_start"]
        assert ISO_DATE.match(row["period_end"]), row["period_end"]
    assert by_key(dump_csv, "pre-d954", "poor_household_loans")["period_end"] == "2022-09-30"


def test_dump_numbers_are_plain_with_a_decimal_point(dump_csv: list[dict[str, str]]) -> None:
    for row in dump_csv:
        for column in ("value", "numerator", "denominator"):
            assert row[column] == "" or PLAIN_NUMBER.match(row[column]), (column, row[column])
    complaints = by_key(dump_csv, "pre-d001", "complaints_resolved_rate")
    assert (complaints["value"], complaints["numerator"], complaints["denominator"]) == ("91.94", "217", "236")
    loans = by_key(dump_csv, "pre-d954", "poor_household_loan_amount")
    assert (loans["value"], loans["qualifier"], loans["unit_of_measure"]) == ("15590", ">", "triệu đồng")
    assert by_key(dump_csv, "pre-d954", "propaganda_attendance")["value"] == "22785"  # not "22.785"
    mediation = by_key(dump_csv, "pre-d001", "mediation_success_rate")
    assert (mediation["value"], mediation["qualifier"], mediation["numerator"]) == ("92", ">=", "")


def test_dump_rows_are_sorted_by_unit_metric_and_period(dump_csv: list[dict[str, str]]) -> None:
    keys = [(r["unit_id"], r["metric_id"], r["period_start"], r["period_end"]) for r in dump_csv]
    assert keys == sorted(keys)


def test_dump_as_json(tmp_path: Path, dump_csv: list[dict[str, str]]) -> None:
    result = run("dump", "--format", "json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["unit_id"] for r in records] == [r["unit_id"] for r in dump_csv]
    assert list(records[0])[: len(DUMP_COLUMNS)] == DUMP_COLUMNS
    complaints = by_key(records, "pre-d001", "complaints_resolved_rate")
    assert float(complaints["value"]) == 91.94
    assert complaints["unit_name"] == "Quận Ba Đình"  # Vietnamese kept as text, not \\u escapes
    assert "Quận Ba Đình" in result.stdout


def test_check_passes_on_the_shipped_data(tmp_path: Path) -> None:
    result = run("check", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Dữ liệu tuyển chọn hợp lệ: 33 số liệu")
    assert result.stderr == ""


def test_check_names_file_line_and_column_on_a_corrupted_copy(tmp_path: Path) -> None:
    curated, project = copy_project(tmp_path / "copy")
    line = edit(curated / "observations.csv", COMPLAINTS_ROW, COMPLAINTS_ROW.replace("91.94", "91.95"))
    result = run("check", "--curated", curated, "--project", project, home=tmp_path / "home")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Dữ liệu tuyển chọn có 1 lỗi:",
        f"  observations.csv, dòng {line}, cột value: giá trị 91.95 khác con số trong văn bản '91,94%'",
    ]
    assert not (tmp_path / "home").exists()  # checking never builds or touches the store


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ([], ["dump", "check", "--home", "DANVAN_HOME"]),
        (["dump"], ["one row each", "ISO", "--format", "csv", "json"]),
        (["check"], ["verbatim", "Exits 1", "--curated", "--project"]),
    ],
)
def test_help_is_plain_words(command: list[str], words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: {' '.join(['python -m danvan_metrics', *command])}")
    for word in words:
        assert word in text
    # Every option explains itself in words, and the explanation is what --help prints.
    for action in parser_for(command)._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        assert action.help, action.option_strings
        assert " ".join(action.help.split()[:3]) in " ".join(text.split()), action.help


def parser_for(command: list[str]) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    if not command:
        return parser
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return subparsers.choices[command[0]]


def test_help_runs_as_a_program(tmp_path: Path) -> None:
    result = run("--help", home=tmp_path)
    assert result.returncode == 0
    assert "usage: python -m danvan_metrics" in result.stdout
