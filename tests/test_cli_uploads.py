"""The command line for accounts and uploads: user add/list/disable, ingest (--dry-run, --json), uploads, retract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from danvan_metrics.auth import accounts
from danvan_metrics.store.connection import Store

PROJECT = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-thu-nghiem-1"
CORPUS = PROJECT / "tests" / "upload_corpus" / "files"


def _run(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DANVAN_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "danvan_metrics", *args], cwd=PROJECT, env=env, input=stdin,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_user_commands_create_list_and_disable_accounts(real_store: Store) -> None:
    home = real_store.home
    added = _run(home, "user", "add", "quantri", "--role", "admin", stdin=PASSWORD + "\n")
    assert added.returncode == 0 and "Đã tạo tài khoản quantri (quản trị)" in added.stdout
    record = accounts.record_path(home)
    held = b"".join(p.read_bytes() for p in (record, record.with_name(record.name + "-wal")) if p.is_file())
    assert b"$argon2id$" in held and PASSWORD.encode() not in held
    assert _run(home, "user", "add", "lan", "--role", "editor", "--units", "pre-d001", stdin=PASSWORD).returncode == 0
    weak = _run(home, "user", "add", "yeu", "--role", "editor", stdin="123\n")
    assert weak.returncode == 1 and "ít nhất 10 ký tự" in weak.stderr
    assert _run(home, "user", "disable", "lan").returncode == 0
    listing = _run(home, "user", "list").stdout.splitlines()
    assert listing == ["lan\teditor\tpre-d001\tvô hiệu hóa", "quantri\tadmin\tmọi đơn vị\thoạt động"]


def test_ingest_dry_run_json_then_commit_list_and_retract(real_store: Store) -> None:
    home = real_store.home
    accounts.add("bien.tap", PASSWORD, "editor", home=home)
    dry = _run(home, "ingest", str(CORPUS / "34_good.xlsx"), "--dry-run", "--json")
    assert dry.returncode == 0
    assert json.loads(dry.stdout) == {
        "status": "valid", "upload_id": None, "rows_added": 2, "rows_replaced": 0, "errors": [], "warnings": [],
    }  # fmt: skip
    nobody = _run(home, "ingest", str(CORPUS / "34_good.xlsx"), "--by", "khong.co")
    assert nobody.returncode == 2
    done = json.loads(_run(home, "ingest", str(CORPUS / "34_good.xlsx"), "--by", "bien.tap", "--json").stdout)
    assert done["status"] == "committed" and done["rows_added"] == 2
    dump = _run(home, "dump").stdout.splitlines()
    assert dump[0].endswith(",upload_id") and sum(done["upload_id"] in line for line in dump) == 2
    assert done["upload_id"] in _run(home, "uploads").stdout
    retracted = _run(home, "retract", done["upload_id"], "--by", "bien.tap")
    assert retracted.returncode == 0 and "2 số liệu thôi hiển thị" in retracted.stdout
    assert sum(done["upload_id"] in line for line in _run(home, "dump").stdout.splitlines()) == 0


def test_a_rejected_ingest_exits_1_and_names_row_and_column(real_store: Store) -> None:
    accounts.add("bien.tap", PASSWORD, "editor", home=real_store.home)
    bad = _run(real_store.home, "ingest", str(CORPUS / "18_numerator_over_denominator.csv"), "--by", "bien.tap")
    assert bad.returncode == 1
    assert "LỖI tệp 18_numerator_over_denominator.csv, dòng 2, cột tu_so: tử số 240 lớn hơn mẫu số 236" in bad.stderr
