"""Shared fixtures: a store over the synthetic fixture, and a store over the real curated data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from danvan_metrics.record import engine
from danvan_metrics.store import kept
from danvan_metrics.store.connection import Store
from tests import postgres
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
    template = Store(home)
    template.ensure_current()
    # Closed, so no refresh thread opens its record while a test copies it (SQLite makes and removes
    # record.sqlite3-shm around each connection: a copy would find the file listed, then gone).
    kept.forget(template.key)
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


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[postgres.Cluster]:
    """A throwaway PostgreSQL cluster for the session (Debian's package, started by the tests)."""
    with postgres.cluster(tmp_path_factory.mktemp("postgres")) as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def each_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test on both engines of the record: SQLite in the state directory, then a PostgreSQL database.

    Used by the write-path tests (``pytestmark = pytest.mark.usefixtures("each_engine")``); the
    fixture runs before the test's stores are made, so they are made on its engine.
    """
    request.getfixturevalue("_real_store_template")  # built on SQLite, before the URL changes
    if request.param == "postgresql":
        kept.close_all()  # no read store of another test polls this database
        monkeypatch.setenv("DANVAN_DATABASE_URL", request.getfixturevalue("pg_cluster").new_database())
    yield request.param
    if request.param == "postgresql":
        kept.close_all()
        engine.dispose_all()
