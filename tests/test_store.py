"""The store: built from the curated files, rebuilt only when they change, and holding every figure."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from danvan_metrics.core import config
from danvan_metrics.store import kept
from danvan_metrics.store.connection import Store, open_store
from tests.fixtures import commit_as
from tests.test_check import COMPLAINTS_ROW, copy_project, edit
from tests.test_writes import _preview


def complaints_value(store: Store) -> float:
    with store.connect() as conn:
        row = conn.execute(
            "SELECT value FROM current_observations WHERE unit_id = ? AND metric_id = ?",
            ["pre-d001", "complaints_resolved_rate"],
        ).fetchone()
    assert row is not None
    return float(row[0])


def count_observations(store: Store) -> int:
    with store.connect() as conn:
        row = conn.execute("SELECT count(*) FROM current_observations").fetchone()
    assert row is not None
    return int(row[0])


def csv_rows(name: str) -> int:
    with (config.CURATED_DIR / name).open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_store_holds_every_curated_row(real_store: Store) -> None:
    assert count_observations(real_store) == csv_rows("observations.csv") == 33
    with real_store.connect() as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM metrics), (SELECT count(*) FROM sources)"
        ).fetchone()
    # units: the national registry plus the curated units (which all belong to it)
    with (config.DATA_DIR / "registry" / "units.csv").open(encoding="utf-8", newline="") as handle:
        registry_ids = {row["unit_id"] for row in csv.DictReader(handle)}
    with (config.CURATED_DIR / "units.csv").open(encoding="utf-8", newline="") as handle:
        curated_ids = {row["unit_id"] for row in csv.DictReader(handle)}
    assert counts == (len(registry_ids | curated_ids), csv_rows("metrics.csv"), csv_rows("sources.csv"))
    assert complaints_value(real_store) == 91.94


def test_second_ensure_current_does_not_rebuild(tmp_path: Path) -> None:
    store = Store(tmp_path / "home")
    assert store.ensure_current() is True  # built on first use
    version = store.data_version()
    assert version != "0"
    assert store.ensure_current() is False
    assert store.data_version() == version
    assert count_observations(store) == 33  # not loaded twice


def test_open_store_uses_danvan_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANVAN_HOME", str(tmp_path / "state"))
    store = open_store()
    assert (tmp_path / "state" / config.RECORD_FILE_NAME).is_file()  # the record: what people write
    assert store.db_path.parent == tmp_path / "state" / config.READ_DIR_NAME  # this process's read store
    assert store.db_path.is_file()
    version = store.data_version()
    assert open_store().data_version() == version  # opening again changes nothing


def test_store_rebuilds_when_a_curated_file_changes(tmp_path: Path) -> None:
    curated, _ = copy_project(tmp_path / "project")
    store = Store(tmp_path / "home", curated_dir=curated)
    assert store.ensure_current() is True
    assert complaints_value(store) == 91.94
    before = store.data_version()

    edit(curated / "observations.csv", COMPLAINTS_ROW, COMPLAINTS_ROW.replace("91.94", "91.5"))
    assert store.ensure_current() is True
    assert complaints_value(store) == 91.5
    assert store.data_version() != before  # caches keyed by version cannot serve the old figure
    assert count_observations(store) == 33  # replaced, not appended
    assert store.ensure_current() is False


def test_unreadable_curated_file_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    curated, _ = copy_project(tmp_path / "project")
    store = Store(tmp_path / "home", curated_dir=curated)
    store.ensure_current()
    before = store.data_version()

    edit(curated / "observations.csv", COMPLAINTS_ROW, COMPLAINTS_ROW.replace("91.94", "chín mốt"))
    with pytest.raises(ValueError):
        store.ensure_current()
    assert complaints_value(store) == 91.94
    assert store.data_version() == before
    assert count_observations(store) == 33


def test_a_deleted_read_store_is_rebuilt_with_the_same_figures_under_the_same_version(real_store: Store) -> None:
    version, figures = real_store.data_version(), count_observations(real_store)
    path = kept.forget(real_store.key)
    assert path is not None
    kept.remove_files(path)  # the read store is derived data: deleting it by hand loses nothing
    assert real_store.ensure_current()  # rebuilt from the curated files and the record
    assert (real_store.data_version(), count_observations(real_store)) == (version, figures)


def test_the_data_version_moves_with_every_write_to_the_record(real_store: Store) -> None:
    before = real_store.data_version()
    commit_as(real_store, *_preview(real_store))
    after = real_store.data_version()
    assert after != before
    real_store.rebuild()
    assert real_store.data_version() == after  # the same record and files: the same figures, the same name
