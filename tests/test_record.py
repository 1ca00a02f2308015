"""The system of record: its schema is what the migrations make, every write is one transaction
that moves the version on, a read store copied from it equals one rebuilt, and backups restore."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from danvan_metrics.record import engine, schema, transactions
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store
from tests.fixtures import commit_as, retract_as
from tests.test_writes import _preview

pytestmark = pytest.mark.usefixtures("each_engine")  # SQLite and PostgreSQL

PROJECT = Path(__file__).resolve().parents[1]


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "danvan_metrics", *args], cwd=PROJECT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DANVAN_HOME": str(home)},
    )  # fmt: skip


def test_the_migrations_make_exactly_the_schema_the_code_uses(tmp_path: Path) -> None:
    with engine.connect_read(tmp_path) as connection:
        differences = compare_metadata(MigrationContext.configure(connection), schema.METADATA)
    assert differences == []


def test_a_write_that_fails_half_way_leaves_the_record_and_its_version_as_they_were(real_store: Store) -> None:
    home = real_store.home
    before = transactions.version(home)
    with pytest.raises(RuntimeError, match="giữa chừng"), transactions.write(home, transactions.KIND_AUDIT) as record:
        transactions.add_audit(record, pd.Timestamp("2026-01-01").to_pydatetime(), "x", "account", "nửa chừng")
        raise RuntimeError("hỏng giữa chừng")
    assert transactions.version(home) == before
    with transactions.read(home) as record:
        assert record.execute(sa.select(sa.func.count()).select_from(schema.audit)).scalar_one() == 0
    commit_as(real_store, *_preview(real_store))
    assert transactions.version(home) == before + 2  # the editor's account, then the upload: one each


def _dump(store: Store) -> pd.DataFrame:
    return queries.dump(store).drop(columns=["recorded_at"], errors="ignore").reset_index(drop=True)


def test_a_read_store_refreshed_write_by_write_equals_one_rebuilt_from_the_record(real_store: Store) -> None:
    first = commit_as(real_store, *_preview(real_store))
    commit_as(real_store, *_preview(real_store, "pre-d001,2024,1,citizen_receptions,130\n", "q1-sua.csv"))
    retract_as(real_store, first)
    commit_as(real_store, *_preview(real_store, "pre-d002,2024,2,citizen_receptions,7\n", "q2.csv"))
    refreshed, log, audit = _dump(real_store), queries.upload_log(real_store), queries.audit_log(real_store)
    assert (refreshed["value"] == 130).sum() == 1 and (refreshed["value"] == 120).sum() == 0
    real_store.rebuild()
    pd.testing.assert_frame_equal(_dump(real_store), refreshed)
    pd.testing.assert_frame_equal(queries.upload_log(real_store), log)
    pd.testing.assert_frame_equal(queries.audit_log(real_store), audit)


def test_another_process_sees_a_commit_and_the_cli_rebuild_prints_the_figures(real_store: Store) -> None:
    upload_id = commit_as(real_store, *_preview(real_store))
    dumped = _cli(real_store.home, "dump")
    assert dumped.returncode == 0 and sum(upload_id in line for line in dumped.stdout.splitlines()) == 1
    rebuilt = _cli(real_store.home, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"{len(queries.dump(real_store))} số liệu hiện hành" in rebuilt.stdout.replace(".", "")


def test_a_backup_restores_the_record_as_it_was_and_keeps_the_replaced_one(real_store: Store, each_engine: str) -> None:
    home = real_store.home
    kept_upload = commit_as(real_store, *_preview(real_store))
    backup_file = home.parent / "sao-luu" / "record.sqlite3"
    if each_engine == "postgresql":  # PostgreSQL has its own tools, and the command says which
        refused = _cli(home, "backup", str(backup_file))
        assert refused.returncode == 1 and "pg_dump" in refused.stderr and not backup_file.exists()
        return
    saved = _cli(home, "backup", str(backup_file))
    assert saved.returncode == 0 and "Đã sao lưu" in saved.stdout
    assert _cli(home, "backup", str(backup_file)).returncode == 1  # never overwrites a backup
    later = commit_as(real_store, *_preview(real_store, "pre-d002,2024,2,citizen_receptions,7\n", "q2.csv"))
    assert set(queries.upload_log(real_store)["upload_id"]) == {kept_upload, later}
    restored = _cli(home, "restore", str(backup_file))
    assert restored.returncode == 0 and "Đã khôi phục" in restored.stdout, restored.stderr
    real_store.refresh()  # this process's read store notices the new identity and copies everything again
    assert set(queries.upload_log(real_store)["upload_id"]) == {kept_upload}
    (replaced,) = home.glob("before-restore-*.sqlite3")
    bad = _cli(home, "restore", str(home / "khong-co.sqlite3"))
    assert bad.returncode == 1 and "Không có tệp" in bad.stderr
    assert _cli(home, "restore", str(replaced)).returncode == 0  # the replaced record comes back too
    real_store.refresh()
    assert set(queries.upload_log(real_store)["upload_id"]) == {kept_upload, later}


def test_appended_uploads_are_sorted_back_into_the_build_order_with_the_same_figures(
    real_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from danvan_metrics.store import kept

    commit_as(real_store, *_preview(real_store, "pre-d002,2024,2,citizen_receptions,7\n", "q2.csv"))
    commit_as(real_store, *_preview(real_store, "pre-d001,2023,4,citizen_receptions,9\n", "q4.csv"))
    store = kept.kept(real_store.key)
    order = "SELECT metric_id, period_start, period_end, unit_id FROM observations ORDER BY rowid"

    def in_build_order() -> bool:
        with real_store.connect() as conn:
            rows = conn.execute(order).fetchall()
        return rows == sorted(rows)

    before, log = _dump(real_store), queries.upload_log(real_store)
    assert store.appended == 2 and not in_build_order()  # appended at the end, out of order
    assert not store.needs_resort()  # two rows: far below the threshold
    monkeypatch.setattr(kept, "RESORT_MIN_ROWS", 1)
    monkeypatch.setattr(kept, "RESORT_SHARE", 0.0)
    store.last_check = 0.0
    store.poll()  # the poller's round: nothing new in the record, so it re-sorts
    assert store.appended == 0 and in_build_order()
    pd.testing.assert_frame_equal(_dump(real_store), before)
    pd.testing.assert_frame_equal(queries.upload_log(real_store), log)
