"""A state directory made by the release before the record migrates on first start, with nothing lost."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from danvan_metrics.auth import accounts
from danvan_metrics.record import schema, transactions
from danvan_metrics.services import writes
from danvan_metrics.services.uploads import UploadError, prepare
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for

pytestmark = pytest.mark.usefixtures("each_engine")  # SQLite and PostgreSQL

PROJECT = Path(__file__).resolve().parents[1]
FIXTURE = PROJECT / "tests" / "legacy_state"
CORPUS = PROJECT / "tests" / "upload_corpus" / "files"
ADMIN, ADMIN_PASSWORD = "quantri", "mat-khau-cu-quan-tri-1"
EDITOR, EDITOR_PASSWORD = "bien.tap", "mat-khau-cu-bien-tap-1"


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    with tarfile.open(FIXTURE / "state-7121af4.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    return tmp_path / "state"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def test_the_old_state_directory_dumps_the_same_figures_after_migration(old_home: Path) -> None:
    before = _digests(old_home)
    result = subprocess.run(
        [sys.executable, "-m", "danvan_metrics", "dump"], cwd=PROJECT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DANVAN_HOME": str(old_home)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (FIXTURE / "dump-7121af4.csv").read_text(encoding="utf-8")
    backups = list(old_home.glob("before-record-*"))
    assert len(backups) == 1  # the old files, byte for byte, kept as the backup copy
    kept = _digests(backups[0])
    assert {name: before[name] for name in ("danvan.duckdb", "accounts.json", "data_version")} == {
        name: kept[name] for name in ("danvan.duckdb", "accounts.json", "data_version")
    }
    assert not (old_home / "danvan.duckdb").exists() and not (old_home / "accounts.json").exists()
    assert len(list((old_home / "uploads").iterdir())) == 4  # the archived files stay where they were


def test_people_keep_their_passwords_roles_and_disabled_state(old_home: Path) -> None:
    assert accounts.sign_in(ADMIN, ADMIN_PASSWORD, old_home).account is not None
    editor = accounts.sign_in(EDITOR, EDITOR_PASSWORD, old_home).account
    assert editor is not None and editor.role == "editor"
    viewer = accounts.get("nguoi.xem", old_home)
    assert viewer is not None and viewer.disabled and viewer.session_epoch == 1
    assert accounts.sign_in("nguoi.xem", "sai-mat-khau-hoan-toan", old_home).account is None


def test_every_upload_retraction_and_audit_entry_is_in_the_record(old_home: Path) -> None:
    store = Store(old_home)
    store.ensure_current()
    log = queries.upload_log(store)
    assert sorted(log["status"]) == ["committed", "committed", "committed", "retracted"]
    retracted = log[log["status"] == "retracted"].iloc[0]
    assert retracted["file_name"] == "37_metric_by_name.csv" and retracted["retracted_by"] == ADMIN
    audit = queries.audit_log(store)
    assert len(audit) == 11
    assert list(audit.sort_values("happened_at")["action"]) == [
        "account", "account", "account", "account", "upload", "upload", "upload", "upload", "retract", "sign_in",
        "sign_in_failed",
    ]  # fmt: skip
    with transactions.read(old_home) as record:
        files = {row.sha256: row.content for row in record.execute(sa.select(schema.upload_files))}
        figures = record.execute(sa.select(sa.func.count()).select_from(schema.upload_rows)).scalar_one()
    assert figures == 6
    assert {sha: hashlib.sha256(content).hexdigest() for sha, content in files.items()} == {sha: sha for sha in files}
    assert len(files) == 4


def test_a_migrated_store_takes_new_writes_and_still_refuses_a_repeated_file(old_home: Path) -> None:
    store = Store(old_home)
    store.ensure_current()
    data = (CORPUS / "01_utf8.csv").read_bytes()
    preview = prepare(store, data, "01_utf8.csv", resolver_for(store))
    assert preview.duplicate_of is not None
    with pytest.raises(UploadError, match="đã được tải lên ngày 03/12/2026"):
        writes.commit_upload(store, EDITOR, preview, data, channel=writes.CHANNEL_CLI)
    first = queries.upload_log(store).sort_values("uploaded_at").iloc[0]["upload_id"]
    assert writes.retract_upload(store, ADMIN, first, channel=writes.CHANNEL_CLI) == 2
    again = prepare(store, data, "01_utf8.csv", resolver_for(store))  # retracted: the same file may come again
    upload_id = writes.commit_upload(store, EDITOR, again, data, channel=writes.CHANNEL_CLI)
    assert sum(queries.dump(store)["upload_id"] == upload_id) == 2
