"""Shared fixtures: a store over the synthetic fixture, and a store over the real curated data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from danvan_metrics.store.connection import Store
from tests.fixtures import write_fixture


@pytest.fixture
def fixture_store(tmp_path: Path) -> Store:
    """A store built from the synthetic fixture (tests/fixtures.py), in a temporary state directory."""
    curated = write_fixture(tmp_path / "data")
    store = Store(tmp_path / "home", curated_dir=curated)
    store.ensure_current()
    return store


@pytest.fixture(scope="session")
def _real_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("real_store_template")
    Store(home).ensure_current()
    return home


@pytest.fixture
def real_store(tmp_path: Path, _real_store_template: Path) -> Store:
    """A store built from the shipped curated data (and registry), in a temporary state directory.

    Built once per test session and copied for each test, so each test may write to its own.
    """
    shutil.copytree(_real_store_template, tmp_path / "home")
    store = Store(tmp_path / "home")
    assert not store.ensure_current()  # the copy is current: nothing to rebuild
    return store


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches ./instance: DANVAN_HOME points into the test's own folder."""
    monkeypatch.setenv("DANVAN_HOME", str(tmp_path / "danvan_home"))
