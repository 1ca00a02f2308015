"""Crash and concurrency: a killed ingest leaves exactly the state before or after; parallel ingests all land."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from danvan_metrics.auth import accounts
from danvan_metrics.services.uploads import orphan_archives
from danvan_metrics.store import queries
from danvan_metrics.store.connection import Store, open_store

pytestmark = pytest.mark.usefixtures("each_engine")  # SQLite and PostgreSQL

PROJECT = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-thu-nghiem-1"
FILE = (
    "ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n"
    "pre-d001,2024,1,citizen_receptions,120\n"
    "pre-d009,2024,1,citizen_receptions,80\n"
)


def _ingest(home: Path, path: Path, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DANVAN_HOME": str(home), "DANVAN_LOCK_TIMEOUT": "60"}
    env.pop("DANVAN_FAULT_POINT", None)
    if fault:
        env["DANVAN_FAULT_POINT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "danvan_metrics", "ingest", str(path), "--by", "bien.tap"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def home(real_store: Store) -> Path:
    accounts.add("bien.tap", PASSWORD, "editor", home=real_store.home)
    return real_store.home


@pytest.mark.parametrize(
    ("point", "lands"),
    [("after_archive", False), ("after_rows", False), ("before_commit", False), ("after_commit", True)],
)
def test_a_killed_ingest_leaves_the_state_before_or_after_never_between(
    home: Path, tmp_path: Path, point: str, lands: bool
) -> None:
    path = tmp_path / "q1.csv"
    path.write_text(FILE, encoding="utf-8")
    before, version = queries.dump(Store(home)), Store(home).data_version()
    killed = _ingest(home, path, fault=point)
    assert killed.returncode == -signal.SIGKILL
    store = open_store(home)  # the next start is clean
    after = queries.dump(store)
    log = queries.upload_log(store)
    audit = queries.audit_log(store)
    uploads_audited = audit[audit["action"] == "upload"]
    if lands:
        assert len(after) == len(before) + 2 and len(log) == 1
        assert store.data_version() != version  # caches keyed by it cannot serve the figures from before
        # The audit entry is in the upload's own transaction: a kill right after commit cannot lose it.
        assert uploads_audited["detail"].str.startswith(log["upload_id"].iloc[0]).tolist() == [True]
        assert uploads_audited["actor"].tolist() == ["bien.tap"]
        assert not orphan_archives(store)
    else:
        assert after.equals(before) and log.empty and uploads_audited.empty
        # A file archived by a commit that never happened is listed, not silently kept.
        assert len(orphan_archives(store)) == 1
        retry = _ingest(home, path)  # the same file goes in cleanly afterwards
        assert retry.returncode == 0, retry.stderr
        assert len(queries.dump(open_store(home))) == len(before) + 2


def test_parallel_ingests_are_serialised_and_every_row_lands(home: Path, tmp_path: Path) -> None:
    before = len(queries.dump(Store(home)))
    paths = []
    for quarter in range(1, 5):
        path = tmp_path / f"q{quarter}.csv"
        path.write_text(FILE.replace("2024,1,", f"2023,{quarter},"), encoding="utf-8")
        paths.append(path)
    env = {**os.environ, "DANVAN_HOME": str(home), "DANVAN_LOCK_TIMEOUT": "60"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "danvan_metrics", "ingest", str(p), "--by", "bien.tap"], cwd=PROJECT,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for p in paths
    ]  # fmt: skip
    results = [p.communicate(timeout=180) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0, 0, 0], [r[1] for r in results]
    store = open_store(home)
    assert len(queries.dump(store)) == before + 8
    assert len(queries.upload_log(store)) == 4
