"""Two state directories on one PostgreSQL database behave as two servers sharing one record."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from danvan_metrics.auth import accounts
from danvan_metrics.services import uploads, writes
from danvan_metrics.store import kept, queries
from danvan_metrics.store.connection import Store
from danvan_metrics.store.resolving import resolver_for
from tests.fixtures import TEST_PASSWORD
from tests.postgres import Cluster

PROJECT = Path(__file__).resolve().parents[1]
HEADER = "ma_don_vi,nam,quy,ma_chi_tieu,gia_tri\n"


@pytest.fixture
def two_servers(tmp_path: Path, pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, Store, str]:
    kept.close_all()
    url = pg_cluster.new_database("shared")
    monkeypatch.setenv("DANVAN_DATABASE_URL", url)
    first, second = Store(tmp_path / "a"), Store(tmp_path / "b")
    first.ensure_current()
    second.ensure_current()
    return first, second, url


def _ingest(home: Path, url: str, path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DANVAN_HOME": str(home), "DANVAN_DATABASE_URL": url}
    command = [sys.executable, "-m", "danvan_metrics", "ingest", str(path), "--by", "bien.tap"]
    return subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_an_account_made_on_one_server_signs_in_on_the_other(two_servers: tuple[Store, Store, str]) -> None:
    first, second, _ = two_servers
    writes.add_account(first, writes.Operator("root"), "lan.nguyen", TEST_PASSWORD, "editor")
    assert accounts.sign_in("lan.nguyen", TEST_PASSWORD, second.home).ok
    writes.set_disabled(second, writes.Operator("root"), "lan.nguyen")
    assert not accounts.sign_in("lan.nguyen", TEST_PASSWORD, first.home).ok  # disabled on B: refused on A


def test_parallel_ingests_from_both_servers_all_land_and_both_dump_the_same(
    two_servers: tuple[Store, Store, str], tmp_path: Path
) -> None:
    first, second, url = two_servers
    writes.add_account(first, writes.Operator("root"), "bien.tap", TEST_PASSWORD, "editor")
    before = len(queries.dump(first))
    procs = []
    for quarter in range(1, 4):
        for home, unit in ((first.home, "pre-d001"), (second.home, "pre-d009")):
            path = tmp_path / f"{home.name}-q{quarter}.csv"
            path.write_text(f"{HEADER}{unit},2023,{quarter},citizen_receptions,{100 + quarter}\n", encoding="utf-8")
            procs.append(_ingest(home, url, path))
    results = [p.communicate(timeout=180) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0] * 6, [r[1] for r in results]
    deadline = time.monotonic() + 2  # the servers' pollers copy others' commits (DANVAN_REFRESH_MS = 250)
    while time.monotonic() < deadline and min(len(queries.upload_log(s)) for s in (first, second)) < 6:
        time.sleep(0.05)
    assert len(queries.upload_log(first)) == len(queries.upload_log(second)) == 6
    one, other = queries.dump(first), queries.dump(second)
    assert len(one) == before + 6
    assert one.equals(other)


def test_a_commit_on_one_server_is_on_the_others_pages_within_a_second(two_servers: tuple[Store, Store, str]) -> None:
    first, second, _ = two_servers
    writes.add_account(first, writes.Operator("root"), "bien.tap", TEST_PASSWORD, "editor")
    data = (HEADER + "pre-d001,2023,1,citizen_receptions,77\n").encode()
    preview = uploads.prepare(first, data, "q1.csv", resolver_for(first))
    upload_id = writes.commit_upload(first, "bien.tap", preview, data, channel="kiểm thử")
    committed = time.monotonic()
    while upload_id not in set(queries.upload_log(second)["upload_id"]):
        assert time.monotonic() - committed < 1.0, "not visible on the other server within 1 s"
        time.sleep(0.02)
    assert (queries.dump(second)["value"] == 77).sum() == 1
